"""The site on several nodes: two web nodes and two schedulers over one PostgreSQL, one Redis
and one S3 bucket (SeaweedFS), each node with a disk of its own, all started here, with one
web node and one scheduler killed with SIGKILL halfway through a load and started again.

The load goes through the real routes (sessions, CSRF, confirmation steps), each visitor's
requests alternating between the nodes: buyers open cases with a photo, parties add photos
to their timelines, reviewers vote on panels that the schedulers count. Afterwards every
write that was answered is stored exactly once (one that got no answer at most once), every
panel gives its verdict once, every stored file reads the same through either node, and a
login limit counted across both nodes is exact.

Runs in the PostgreSQL pass of ``make test`` (a schema of its own in CLUSTER_DATABASE_URL,
or else in TEST_DATABASE_URL's database).
"""

import os
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from itertools import chain, zip_longest

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from app import create_app
from app.cases.models import (
    Case,
    EvidenceEntry,
)
from app.cases.states import CaseState
from app.core import clock
from app.core.audit import AuditEvent
from app.core.config import PROJECT_ROOT
from app.core.extensions import db
from app.jury.models import Panel, Tally, Vote
from tests.helpers.case_factories import jpeg_bytes, make_case
from tests.helpers.cluster import (
    PANEL_MAJORITY,
    PANEL_SEATS,
    NoAnswer,
    Visitor,
    case_id_in,
    database_schema,
    running_cluster,
    sha256,
)
from tests.helpers.factories import PASSWORD, make_order, make_user
from tests.helpers.jury import REASON, make_panel, open_seats
from tests.helpers.panel_rows import OPTIONS

BUYERS = 8
UPLOADS = 8
PANELS = 3
# per panel, the majority for the buyer (the first option of the ballot)
BALLOTS = ["0"] * PANEL_MAJORITY
ACCOUNT_LIMIT = 5
LOGIN_ATTEMPTS = 12
CLAIM = {
    "claim_type": "not_as_described",
    "responsible_party": "seller",
    "description": "The earbuds arrived with one side silent and a cracked case.",
    "remedy": "full_refund",
}
# how many rows a write leaves: an answered one exactly one; one whose node died, none or one
STORED = {"done": {1}, "no answer": {0, 1}}
SETTINGS = {
    "COUNTING_SWEEP_SECONDS": "1",
    "LOGIN_RATE_LIMIT": "10000 per hour",
    "LOGIN_ACCOUNT_RATE_LIMIT": f"{ACCOUNT_LIMIT} per hour",
    "VOTE_RATE_LIMIT": "10000 per minute",
}

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="the cluster runs on PostgreSQL: set TEST_DATABASE_URL (make test's PostgreSQL pass)",
)


@pytest.fixture(autouse=True)
def _database():
    """This test talks to its own cluster and database: nothing to roll back."""
    yield


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """The cluster's schema, migrated, holding the people and cases the load needs."""
    url = os.environ.get("CLUSTER_DATABASE_URL") or os.environ["TEST_DATABASE_URL"]
    base = tmp_path_factory.mktemp("cluster-setup")
    with database_schema(url) as schema_url:
        setup = create_app(
            {
                "CONFIG_NAME": "testing",
                "SQLALCHEMY_DATABASE_URI": schema_url,
                "EVIDENCE_DIR": str(base / "unused"),
                "PANEL_SEATS": PANEL_SEATS,
                "PANEL_MAJORITY": PANEL_MAJORITY,
            }
        )
        with setup.app_context():
            upgrade(directory=str(PROJECT_ROOT / "migrations"))
            world = _world(setup)
            db.session.commit()
            db.engine.dispose()
        yield schema_url, setup, world


def _world(setup) -> dict:
    orders = [make_order() for _ in range(BUYERS)]
    uploads = [make_case("evidence") for _ in range(UPLOADS)]
    panels = []
    for _ in range(PANELS):
        # routed to its panel a minute ago: the factory lets the evidence window pass first
        window = setup.config["EVIDENCE_WINDOW"] + timedelta(minutes=2)
        with clock.frozen_at(clock.now() - window):
            panels.append(make_panel())
    return {
        "orders": [(order.id, order.buyer.email) for order in orders],
        "uploads": [(case.id, case.buyer.email) for case in uploads],
        "seats": [
            (panel.id, seat.id, seat.reviewer.email, ballot)
            for panel in panels
            for seat, ballot in zip(open_seats(panel), BALLOTS, strict=False)
        ],
        "limited": make_user().email,
    }


def test_two_nodes_lose_nothing_and_do_nothing_twice_when_one_dies(database, tmp_path):
    schema_url, setup, world = database
    with running_cluster(tmp_path, schema_url, SETTINGS) as cluster:
        outcomes = _load_with_a_crash(cluster, world)
        decided = _decided_panels(setup, world)
        with setup.app_context():
            _check_stored_once(world, outcomes, decided)
            _check_files_read_alike(cluster, world)
        _check_limit_exact(cluster, world["limited"])
        # both nodes took writes, and the killed one again once restarted
        assert all(
            cluster.writes_answered(*life) for life in [("web-0",), ("web-1",), ("web-0", 1)]
        )


# --- the load


def _operations(world) -> list:
    """Every kind in turn, so each runs before, during and after the crash."""
    opening = [("open", order, email) for order, email in world["orders"]]
    uploading = [("upload", case, email) for case, email in world["uploads"]]
    voting = [("vote", seat, email, ballot) for _panel, seat, email, ballot in world["seats"]]
    turns = chain.from_iterable(zip_longest(opening, uploading, voting))
    return [operation for operation in turns if operation is not None]


def _load_with_a_crash(cluster, world) -> dict:
    """Run every operation on four threads; when half have finished, kill web node 0 and
    scheduler 0, and start them again. Returns each operation's outcome: "done",
    "no answer", or the unexpected status."""
    operations = _operations(world)
    outcomes: dict = {}
    finished = threading.Semaphore(0)

    def run(operation):
        try:
            outcomes[operation] = _carry_out(cluster.nodes, *operation)
        except NoAnswer:
            outcomes[operation] = "no answer"
        finally:
            finished.release()

    with ThreadPoolExecutor(max_workers=4) as pool:
        for operation in operations:
            pool.submit(run, operation)
        for _ in range(len(operations) // 2):
            finished.acquire()
        cluster.kill("web-0")
        cluster.kill("scheduler-0")
        time.sleep(1)  # the load goes on against the node left
        cluster.restart("web-0")
        cluster.restart("scheduler-0")
    return outcomes


def _carry_out(nodes, kind, target, email, ballot=None):
    visitor = Visitor(nodes)
    if visitor.log_in(email, PASSWORD) != 302:
        return "login refused"
    if kind == "open":
        # bytes, not a stream: a request a dead node refused is sent again whole
        photo = [("evidence_files", ("parcel.jpg", jpeg_bytes(), "image/jpeg"))]
        form = f"/orders/{target}/case/new"
        answer = visitor.post_form(form, form, CLAIM, files=photo)
        opened = answer.status_code == 302 and case_id_in(answer.headers["Location"])
        return "done" if opened else answer.status_code
    if kind == "upload":
        photo = {"file": ("box.jpg", jpeg_bytes(colour=(target % 250, 90, 40)))}
        answer = visitor.post_form(
            f"/cases/{target}", f"/cases/{target}/evidence", {"kind": "image"}, files=photo
        )
        return "done" if answer.status_code == 302 else answer.status_code
    seat = f"/review/seats/{target}"
    answer = visitor.post_confirmed(seat, f"{seat}/vote", {"option": ballot, "reason": REASON})
    if answer.status_code != 302:
        return answer.status_code
    # a refused vote is sent back to the seat too: the seat's page says which it was
    cast = "Your vote is cast" in visitor.request("GET", answer.headers["Location"]).text
    return "done" if cast else "vote refused"


# --- afterwards


def _decided_panels(setup, world) -> set[int]:
    """The panels whose stored votes reach the majority, once the schedulers have counted
    each of them (they must, within ``timeout``)."""
    with setup.app_context():
        majority = db.session.scalars(
            select(Vote.panel_id)
            .where(Vote.panel_id.in_({panel for panel, *_ in world["seats"]}))
            .group_by(Vote.panel_id)
            .having(func.count(Vote.id) >= PANEL_MAJORITY)
        ).all()
        db.session.rollback()
    _wait_for_tallies(setup, set(majority))
    return set(majority)


def _wait_for_tallies(setup, panels: set[int], timeout: float = 40) -> None:
    end = time.monotonic() + timeout
    with setup.app_context():
        while time.monotonic() < end:
            tallies = db.session.scalar(
                select(func.count(Tally.id)).where(Tally.panel_id.in_(panels))
            )
            db.session.rollback()
            if tallies == len(panels):
                return
            time.sleep(0.5)
    raise AssertionError(f"the schedulers gave no verdict on some of the panels {panels}")


def _check_stored_once(world, outcomes, decided: set[int]) -> None:
    unexpected = {op: outcome for op, outcome in outcomes.items() if outcome not in STORED}
    assert not unexpected, unexpected
    assert Counter(outcomes.values())["done"] >= len(outcomes) // 2, outcomes

    for order, email in world["orders"]:
        cases = db.session.scalar(select(func.count(Case.id)).where(Case.order_id == order))
        assert cases in STORED[outcomes[("open", order, email)]], (order, cases)

    for case, email in world["uploads"]:
        photos = db.session.scalar(
            select(func.count(EvidenceEntry.id)).where(
                EvidenceEntry.case_id == case, EvidenceEntry.kind == "image"
            )
        )
        assert photos in STORED[outcomes[("upload", case, email)]], (case, photos)

    voted = Counter(db.session.scalars(select(Vote.seat_id)))
    for _panel, seat, email, ballot in world["seats"]:
        assert voted[seat] in STORED[outcomes[("vote", seat, email, ballot)]], seat

    for panel_id in {panel for panel, *_ in world["seats"]}:
        panel = db.session.get(Panel, panel_id)
        tallies = db.session.scalars(select(Tally).where(Tally.panel_id == panel_id)).all()
        verdicts = db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "case.panel_verdict",
                AuditEvent.subject_id == str(panel.case_id),
            )
        )
        if panel_id in decided:
            assert [tally.verdict for tally in tallies] == [OPTIONS[0]], panel_id
            assert verdicts == 1 and panel.case.state == CaseState.DECIDED.value, panel_id
        else:  # a vote lost with its node: the panel waits for its deadline
            assert (tallies, verdicts, panel.case.state) == ([], 0, CaseState.PANEL.value)


def _check_files_read_alike(cluster, world) -> None:
    entries = db.session.scalars(
        select(EvidenceEntry).where(EvidenceEntry.stored_name.is_not(None))
    ).all()
    assert entries
    people = {}
    for entry in entries:
        owner = entry.author.email
        if owner not in people:
            people[owner] = Visitor(cluster.nodes)
            assert people[owner].log_in(owner, PASSWORD) == 302
        path = f"/cases/{entry.case_id}/evidence/{entry.id}/file"
        bodies = [people[owner].read_from(node, path) for node in cluster.nodes]
        assert [body.status_code for body in bodies] == [200, 200], path
        assert sha256(bodies[0].content) == sha256(bodies[1].content) == entry.content_sha256


def _check_limit_exact(cluster, email: str) -> None:
    """Wrong passwords for one account from four visitors at once, over both nodes: exactly
    the limit is let through, whichever node counted."""
    statuses: Counter = Counter()
    lock = threading.Lock()

    def attempts(count: int) -> None:
        visitor = Visitor(cluster.nodes)
        for _ in range(count):
            status = visitor.log_in(email, "not the password")
            with lock:
                statuses[status] += 1

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(attempts, [LOGIN_ATTEMPTS // 4] * 4))
    assert statuses == {200: ACCOUNT_LIMIT, 429: LOGIN_ATTEMPTS - ACCOUNT_LIMIT}
