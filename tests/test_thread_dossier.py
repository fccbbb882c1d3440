"""The negotiation thread in a closed case's dossier: ``thread.json`` holds every message as
the thread was written, the summaries tell it, and the dossier's check reads it and finds a
thread that is not this case's, a message that cannot be read, or messages out of order."""

import json
from datetime import timedelta

import pytest

from app.cases import services
from app.cases.thread import post_to_thread
from app.closing.dossier.build import build_dossier
from app.closing.dossier.verify import verify_dossier
from app.core import clock
from tests.helpers.case_factories import make_case
from tests.helpers.dossiers import json_bytes, json_of, members_of, rehashed_manifest

MESSAGES = (
    ("buyer", "Could you send a <b>replacement</b>?"),
    ("seller", "We have none left; half the price back?"),
    ("mediator", "Please both keep to the facts."),
)


@pytest.fixture(autouse=True)
def evidence_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))


@pytest.fixture
def case():
    """A case whose parties and mediator talked in its thread, then withdrawn by the buyer."""
    case = make_case("mediation")
    for role, text in MESSAGES:
        clock.advance(timedelta(minutes=5))
        post_to_thread(case, getattr(case, role), text)
    services.withdraw_case(case, case.buyer)
    return case


def with_thread(data: bytes, change) -> bytes:
    """The dossier with its thread document changed by ``change`` and the manifest re-hashed,
    so only the thread's own check can find what was done."""
    document = json_of(data, "thread.json")
    change(document)
    return rehashed_manifest(data, {"thread.json": json_bytes(document)})


def test_the_dossier_holds_the_thread_as_it_was_written(case):
    data = build_dossier(case)
    document = json_of(data, "thread.json")

    assert document["case_id"] == case.id
    assert [(post["author"], post["text"]) for post in document["posts"]] == list(MESSAGES)
    times = [post["created_at"] for post in document["posts"]]
    assert times == sorted(times) and all(time.endswith("+00:00") for time in times)
    assert case.buyer.display_name not in json.dumps(document, ensure_ascii=False)
    assert verify_dossier(data) == []


def test_the_summaries_tell_the_thread_escaped(case):
    members = members_of(build_dossier(case))
    html = members["summary.html"].decode()
    text = members["summary.txt"].decode()

    thread_html = html.split("Negotiation thread")[1].split("<h2>")[0]
    assert "Could you send a &lt;b&gt;replacement&lt;/b&gt;?" in thread_html
    assert "<dt>Mediator" in thread_html and "Please both keep to the facts." in thread_html
    thread_text = text.split("Negotiation thread\n------------------\n")[1]
    assert thread_text.startswith("Buyer · ")
    assert "  Could you send a <b>replacement</b>?" in thread_text


def test_an_empty_thread_is_a_thread_too():
    case = make_case("closed")
    data = build_dossier(case)

    assert json_of(data, "thread.json")["posts"] == []
    assert "No messages yet." in members_of(data)["summary.txt"].decode()
    assert verify_dossier(data) == []


def test_a_thread_of_another_case_is_found(case):
    def other_case(document):
        document["case_id"] += 1

    problems = verify_dossier(with_thread(build_dossier(case), other_case))

    assert problems == [f"thread.json is not the thread of case {case.id}"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda post: post.update(author="reviewer"),
            "its author is not the buyer, the seller or the mediator",
        ),
        (lambda post: post.update(text="  "), "it has no text"),
        (lambda post: post.pop("id"), "field 'id' is missing or of the wrong type"),
        (lambda post: post.update(created_at="yesterday"), "created_at is not an ISO 8601 time"),
        (lambda post: post.update(created_at="2026-03-02T09:00:00"), "created_at has no time zone"),
    ],
)
def test_a_message_that_cannot_be_read_is_reported_not_a_crash(case, change, expected):
    problems = verify_dossier(with_thread(build_dossier(case), lambda d: change(d["posts"][1])))

    assert problems == [f"thread.json, message at position 2: {expected}"]


def test_messages_out_of_order_are_found(case):
    def swapped(document):
        posts = document["posts"]
        posts[0], posts[1] = posts[1], posts[0]

    problems = verify_dossier(with_thread(build_dossier(case), swapped))

    assert problems == [
        "thread.json, message at position 2: it is out of the order the thread was written in"
    ]


def test_something_else_than_a_thread_is_found(case):
    data = build_dossier(case)

    problems = verify_dossier(rehashed_manifest(data, {"thread.json": b"[1, 2]\n"}))

    assert problems == ["thread.json is not a dossier thread"]
