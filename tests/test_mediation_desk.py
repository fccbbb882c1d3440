"""The mediator desk as a working tool: search by case number, order number or party; the
counts and the lists their links open; finished work out of the queue; pages that keep the
filters. (The queue's order and the first filters: ``tests/test_mediation_pages.py``; saved
filters: ``tests/test_desk_saved_filters.py``.)"""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from app.auth.models import Role
from app.cases.models import Case
from app.core import clock
from app.core.extensions import db
from app.mediation import views as mediation_views
from app.mediation.models import CaseNote, CaseQuestion, SettlementProposal
from app.mediation.queue import normalised_search
from tests.helpers.factories import make_case_row, make_order, make_user
from tests.helpers.pages import login, page

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(START)


def desk_case(
    state: str = "evidence",
    mediator=None,
    severity: str = "important",
    claim_type: str = "damaged_in_transit",
    **fields,
) -> Case:
    """A case row in ``state``, handled by ``mediator`` (None: unassigned)."""
    if state in ("decided", "executing"):
        fields.setdefault("outcome", "for_buyer")
    if state == "closed":
        fields.setdefault("closed_reason", "withdrawn")
    case = make_case_row(state=state, mediator_id=mediator.id if mediator else None, **fields)
    case.severity, case.claim_type = severity, claim_type
    db.session.flush()
    return case


def listed(html: str, cases) -> set[int]:
    """The cases of ``cases`` the queue lists."""
    queue = html.split('id="queue-title"', 1)[1]
    return {case.id for case in cases if f'id="queue-case-{case.id}"' in queue}


def full_width(text: str) -> str:
    """``text`` typed with a Chinese input method's full-width digits and signs."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def count_link(html: str, key: str) -> tuple[str, int | None]:
    """The href of the count link ``key`` and the number it shows (None: no number)."""
    match = re.search(rf'<a href="([^"]+)" id="count-{key}">(?:<strong>(\d+)</strong>)?', html)
    assert match, f"no count link {key}"
    number = match.group(2)
    return match.group(1).replace("&amp;", "&"), int(number) if number is not None else None


# Search


def test_the_search_is_normalised_as_typed_on_any_keyboard():
    assert normalised_search("　＃１２　") == "#12"
    assert normalised_search("  Lin   Xiaoyu\u3000") == "Lin Xiaoyu"
    assert normalised_search("ＭＯ－００１") == "MO-001"
    assert normalised_search(None) == ""


@pytest.fixture
def parties_world():
    me = make_user(roles=(Role.MEDIATOR,))
    lin = make_user(name="林晓雨", email="lin.xiaoyu@example.com")
    emma = make_user(name="Emma Brown", email="emma.brown@example.com")
    zhang = make_user(name="张伟", email="zhang.wei@example.com", shop_name="小张数码")
    lin_case = desk_case(order=make_order(lin, zhang), mediator=me)
    emma_case = desk_case(order=make_order(emma, zhang), claim_type="counterfeit")
    emma_case.order.marketplace_order_id = "TB2026-88812345"
    other = desk_case()
    return me, lin_case, emma_case, other


def test_search_by_case_number_with_a_hash_or_in_full_width_digits(client, parties_world):
    me, lin_case, emma_case, other = parties_world
    cases = (lin_case, emma_case, other)
    login(client, me)
    for typed in (f"#{lin_case.id}", full_width(f"#{lin_case.id}"), f"# {lin_case.id}"):
        html = client.get("/mediation/", query_string={"q": typed}).get_data(as_text=True)
        assert listed(html, cases) == {lin_case.id}, typed
    assert "No case matches." in page(client, "/mediation/?q=%23999999")
    assert "No case matches." in page(client, "/mediation/?q=%23abc")


def test_a_plain_number_lists_its_case_first_then_what_mentions_it(client, parties_world):
    me, lin_case, emma_case, other = parties_world
    login(client, me)
    emma_case.order.marketplace_order_id = f"TB-{lin_case.id}{lin_case.id}"
    emma_case.severity = "urgent"  # would come first on urgency alone
    db.session.flush()
    for typed in (str(lin_case.id), full_width(str(lin_case.id))):
        html = client.get("/mediation/", query_string={"q": typed}).get_data(as_text=True)
        rows = re.findall(r'id="queue-case-(\d+)"', html)
        assert rows[0] == str(lin_case.id), typed
        assert str(emma_case.id) in rows[1:], typed


def test_search_by_part_of_the_order_number_in_any_case(client, parties_world):
    me, lin_case, emma_case, other = parties_world
    login(client, me)
    for typed in ("TB2026-88812345", "tb2026-888", "88812345", full_width("tb2026-88812345")):
        html = page(client, f"/mediation/?q={typed}")
        assert listed(html, (lin_case, emma_case, other)) == {emma_case.id}, typed


@pytest.mark.parametrize(
    "typed, found",
    [
        ("林晓雨", "lin"),
        ("晓雨", "lin"),
        ("\u3000晓雨\u3000", "lin"),  # ideographic spaces around it are trimmed
        ("LIN.XIAOYU@EXAMPLE.COM", "lin"),
        ("ｅｍｍａ", "emma"),  # full-width letters
        ("emma brown", "emma"),
        ("Brown@Example", "emma"),
        ("张伟", "both"),  # the seller of both
    ],
)
def test_search_by_a_party_s_name_or_address(client, parties_world, typed, found):
    me, lin_case, emma_case, other = parties_world
    login(client, me)
    expected = {"lin": {lin_case.id}, "emma": {emma_case.id}, "both": {lin_case.id, emma_case.id}}
    html = client.get("/mediation/", query_string={"q": typed}).get_data(as_text=True)
    assert listed(html, (lin_case, emma_case, other)) == expected[found]


def test_a_search_is_text_not_a_pattern(client, parties_world):
    me, lin_case, emma_case, other = parties_world
    login(client, me)
    for typed in ("%", "_", "%@%"):
        html = client.get("/mediation/", query_string={"q": typed}).get_data(as_text=True)
        assert listed(html, (lin_case, emma_case, other)) == set(), typed
        assert "No case matches." in html


def test_search_results_honour_the_other_filters(client, parties_world):
    me, lin_case, emma_case, other = parties_world
    closed = desk_case("closed", order=make_order(lin_case.buyer, lin_case.seller))
    cases = (lin_case, emma_case, other, closed)
    login(client, me)

    def found(**filters) -> set[int]:
        html = client.get("/mediation/", query_string={"q": "张伟", **filters})
        return listed(html.get_data(as_text=True), cases)

    assert found() == {lin_case.id, emma_case.id}
    assert found(claim_type="counterfeit") == {emma_case.id}
    assert found(assigned="mine") == {lin_case.id}
    assert found(state="all") == {lin_case.id, emma_case.id, closed.id}
    assert found(state="closed") == {closed.id}


def test_a_search_without_a_case_in_progress_offers_the_finished_ones(client):
    me = make_user(roles=(Role.MEDIATOR,))
    closed = desk_case("closed")
    login(client, me)
    html = page(client, f"/mediation/?q=%23{closed.id}")
    assert "No case matches." in html
    link = re.search(r'<a href="([^"]+)">Search finished cases too</a>', html).group(1)
    assert listed(page(client, link.replace("&amp;", "&")), [closed]) == {closed.id}


def test_a_search_too_long_is_shown_beside_the_box_and_the_queue_stays_whole(client):
    me = make_user(roles=(Role.MEDIATOR,))
    case = desk_case()
    login(client, me)
    html = client.get("/mediation/", query_string={"q": "x" * 101}).get_data(as_text=True)
    assert 'id="q-errors"' in html
    assert listed(html, [case]) == {case.id}


# Finished work


def test_finished_work_leaves_the_queue_and_a_state_filter_still_shows_it(client):
    me = make_user(roles=(Role.MEDIATOR,))
    now = clock.now()
    decided_urgent = desk_case("decided", me, severity="urgent", deadline_at=now + HOUR)
    executing = desk_case("executing", me, severity="urgent")
    withdrawn = desk_case("closed", me, severity="urgent")
    working = desk_case("mediation", me, severity="general", deadline_at=now + 9 * HOUR)
    cases = (decided_urgent, executing, withdrawn, working)
    login(client, me)

    queue = page(client, "/mediation/")
    assert listed(queue, cases) == {working.id}
    assert listed(page(client, "/mediation/?state=decided"), cases) == {decided_urgent.id}
    assert listed(page(client, "/mediation/?state=executing"), cases) == {executing.id}
    assert listed(page(client, "/mediation/?state=closed"), cases) == {withdrawn.id}
    assert listed(page(client, "/mediation/?state=all"), cases) == {c.id for c in cases}


def test_finished_cases_are_listed_newest_first(client):
    me = make_user(roles=(Role.MEDIATOR,))
    older = desk_case("closed", severity="general")
    newer = desk_case("closed", severity="urgent")
    login(client, me)
    queue = page(client, "/mediation/?state=closed").split('id="queue-title"', 1)[1]
    assert queue.index(f'id="queue-case-{newer.id}"') < queue.index(f'id="queue-case-{older.id}"')


# The counts


def answered_question(case: Case, mediator, answered_at: datetime) -> CaseQuestion:
    question = CaseQuestion(
        case_id=case.id,
        asked_by_id=mediator.id,
        party="buyer",
        text="When did the parcel arrive?",
        asked_at=answered_at - 2 * HOUR,
        due_at=answered_at + 40 * HOUR,
        answered_at=answered_at,
    )
    db.session.add(question)
    return question


@pytest.fixture
def counted_world():
    """A desk built by hand: each case says which counts it belongs to."""
    me, colleague = (make_user(roles=(Role.MEDIATOR,)) for _ in range(2))
    now = clock.now()
    world = {
        "intake_mine": desk_case("filed", me, deadline_at=now + HOUR),
        "mediation_mine_late": desk_case("mediation", me, deadline_at=now - HOUR),
        "answered_mine": desk_case("evidence", me, deadline_at=now + 9 * HOUR),
        "answered_noted_mine": desk_case("evidence", me),
        "answered_then_asked_mine": desk_case("panel", me),
        "answered_then_proposed_mine": desk_case("proposal", me),
        "proposal_mine": desk_case("proposal", me),
        "seller_late_unassigned": desk_case("awaiting_seller", deadline_at=now - HOUR),
        "intake_late_unassigned": desk_case("filed", deadline_at=now - HOUR),
        "mediation_colleague": desk_case("mediation", colleague, deadline_at=now + HOUR),
        "returned_colleague": desk_case("returned", colleague, return_reason="No photo."),
        "decided_mine": desk_case("decided", me, deadline_at=now - HOUR),
        "executing_colleague": desk_case("executing", colleague),
        "closed_mine": desk_case("closed", me),
    }
    answered_question(world["answered_mine"], me, now - 3 * HOUR)
    answered_question(world["answered_noted_mine"], me, now - 3 * HOUR)
    db.session.add(
        CaseNote(
            case_id=world["answered_noted_mine"].id,
            author_id=me.id,
            text="Read the answer: nothing new.",
            created_at=now - HOUR,
        )
    )
    asked = answered_question(world["answered_then_asked_mine"], me, now - 3 * HOUR)
    db.session.add(
        CaseQuestion(
            case_id=asked.case_id,
            asked_by_id=me.id,
            party="seller",
            text="And the courier's report?",
            asked_at=now - HOUR,
            due_at=now + 47 * HOUR,
        )
    )
    answered_question(world["answered_then_proposed_mine"], me, now - 3 * HOUR)
    db.session.add(
        SettlementProposal(
            case_id=world["answered_then_proposed_mine"].id,
            mediator_id=me.id,
            outcome="partial_refund",
            amount_fen=5000,
            rationale="Half the price.",
            created_at=now - HOUR,
            expires_at=now + 47 * HOUR,
        )
    )
    db.session.flush()
    return me, world


COUNT_MEMBERS = {
    "waiting": {"intake_mine", "mediation_mine_late", "answered_mine"},
    "mine": {
        "intake_mine",
        "mediation_mine_late",
        "answered_mine",
        "answered_noted_mine",
        "answered_then_asked_mine",
        "answered_then_proposed_mine",
        "proposal_mine",
    },
    "unassigned": {"seller_late_unassigned", "intake_late_unassigned"},
    "overdue": {"mediation_mine_late", "intake_late_unassigned"},
    "state-filed": {"intake_mine", "intake_late_unassigned"},
    "state-returned": {"returned_colleague"},
    "state-awaiting_seller": {"seller_late_unassigned"},
    "state-evidence": {"answered_mine", "answered_noted_mine"},
    "state-mediation": {"mediation_mine_late", "mediation_colleague"},
    "state-proposal": {"answered_then_proposed_mine", "proposal_mine"},
    "state-panel": {"answered_then_asked_mine"},
    "state-decided": {"decided_mine"},
    "state-executing": {"executing_colleague"},
}


@pytest.mark.parametrize("key", sorted(COUNT_MEMBERS))
def test_each_count_is_right_and_its_link_lists_exactly_its_cases(client, counted_world, key):
    me, world = counted_world
    login(client, me)
    href, number = count_link(page(client, "/mediation/"), key)

    assert number == len(COUNT_MEMBERS[key])
    opened = page(client, href)
    assert listed(opened, world.values()) == {world[name].id for name in COUNT_MEMBERS[key]}
    assert f"{number} case" in opened  # "1 case matches." / "2 cases match."


def test_closed_cases_have_a_link_without_a_count(client, counted_world):
    me, world = counted_world
    login(client, me)
    href, number = count_link(page(client, "/mediation/"), "state-closed")
    assert number is None
    assert listed(page(client, href), world.values()) == {world["closed_mine"].id}


def test_the_counts_are_each_viewer_s_own(client, counted_world):
    _me, world = counted_world
    colleague = world["mediation_colleague"].mediator
    login(client, colleague)
    html = page(client, "/mediation/")
    assert count_link(html, "mine")[1] == 2  # the case in mediation, the returned one
    assert count_link(html, "waiting")[1] == 1  # the case in mediation
    assert count_link(html, "unassigned")[1] == 2


def test_the_page_says_what_waiting_for_me_means(client, counted_world):
    me, _world = counted_world
    login(client, me)
    html = page(client, "/mediation/")
    definition = html.split("What the counts mean", 1)[1]
    assert "whose next move is yours" in definition
    assert "after the case's last note, question or proposal" in definition


# Pages


def test_the_pages_keep_every_filter_and_the_search(client, monkeypatch):
    monkeypatch.setattr(mediation_views, "QUEUE_PAGE_SIZE", 2)
    me = make_user(roles=(Role.MEDIATOR,))
    buyer = make_user(name="王芳")
    now = clock.now()
    wanted = [
        desk_case(
            "mediation",
            me,
            order=make_order(buyer, make_user()),
            claim_type="counterfeit",
            deadline_at=now - n * HOUR,
        )
        for n in range(1, 4)
    ]
    unwanted = [
        desk_case("mediation", me, claim_type="counterfeit", deadline_at=now - HOUR),
        desk_case("mediation", order=make_order(buyer, make_user()), claim_type="counterfeit"),
    ]
    login(client, me)
    query = "q=%E7%8E%8B%E8%8A%B3&state=mediation&assigned=mine&claim_type=counterfeit&overdue=y"

    first = page(client, f"/mediation/?{query}")
    next_href = re.search(r'<a href="([^"]+)">Next</a>', first).group(1).replace("&amp;", "&")
    second = page(client, next_href)

    assert parse_qs(urlsplit(next_href).query) == {
        "page": ["2"],
        "q": ["王芳"],
        "state": ["mediation"],
        "assigned": ["mine"],
        "claim_type": ["counterfeit"],
        "overdue": ["y"],
    }
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert listed(first, wanted + unwanted) | listed(second, wanted + unwanted) == {
        case.id for case in wanted
    }
    assert len(listed(second, wanted)) == 1
