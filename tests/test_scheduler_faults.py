"""The real scheduler process (``flask --app wsgi scheduler run``) under faults.

* killed with SIGKILL in the middle of its sweeps and restarted: every due panel is decided
  once, no vote is lost, every inbox message is delivered once;
* two scheduler processes at once for ``TRIBUNAL_FAULT_SECONDS`` (45 by default) while votes
  arrive from a thread: every panel that reached a majority is decided once, no committed
  vote is lost, no notification is doubled;
* webhooks to a real receiver in the test: killed mid-delivery and restarted, every event
  arrives (at least once, with its webhook-id, and at most the one in flight twice); two
  schedulers at once deliver each exactly once.

The processes run against the test database (SQLite file in WAL mode, or PostgreSQL with
TEST_DATABASE_URL) with every sweep due each second.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cases.models import Case
from app.cases.states import CaseState
from app.core import clock
from app.core.audit import AuditEvent
from app.core.config import PROJECT_ROOT
from app.core.extensions import db
from app.jury.models import Panel, PanelStatus, Seat, Tally, Vote
from app.jury.voting import JuryRefused, cast_vote
from app.notifications.models import InboxItem
from app.notifications.outbox import OutboxMessage, queue_message
from app.notifications.webhooks.events import queue_event
from tests.helpers.factories import make_user
from tests.helpers.jury import FOR_BUYER, FOR_SELLER, REASON, make_panel, votes
from tests.helpers.webhooks import endpoint_for, receiver, verify

pytestmark = pytest.mark.committing

FAULT_SECONDS = float(os.environ.get("TRIBUNAL_FAULT_SECONDS", "45"))
SETTLE_TIMEOUT = 60  # seconds for the schedulers to finish the due work


# --- the scheduler process ------------------------------------------------------------------


def scheduler_env(app) -> dict[str, str]:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    return {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "TRIBUNAL_CONFIG": "testing",  # TestingConfig reads TEST_DATABASE_URL
        "TEST_DATABASE_URL": url,
        "DATABASE_URL": url,
        "MAIL_BACKEND": "memory",
        "EVIDENCE_DIR": app.config["EVIDENCE_DIR"],
        "SCHEDULER_OUTBOX_SECONDS": "1",
        "SCHEDULER_WEBHOOKS_SECONDS": "1",
        "COUNTING_SWEEP_SECONDS": "1",
        "SCHEDULER_CASE_DEADLINES_SECONDS": "1",
        "SCHEDULER_EXECUTION_SECONDS": "1",
        "SCHEDULER_HEARTBEAT_SECONDS": "1",
        # a killed process's claims are free again soon, not after the 2-minute default
        "OUTBOX_LEASE_SECONDS": "5",
        "OUTBOX_BATCH_SIZE": "400",
    }


class Scheduler:
    """One ``flask scheduler run`` process, its output kept in a file."""

    def __init__(self, app, log: Path):
        self.log_path = log
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=scheduler_env(app),
            cwd=PROJECT_ROOT,
        )

    def kill(self) -> int:
        self.process.kill()  # SIGKILL: no handler, no cleanup, no commit
        return self._wait(10)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self._wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self._wait(10)
            raise

    def _wait(self, timeout: float) -> int:
        try:
            return self.process.wait(timeout=timeout)
        finally:
            if self.process.poll() is not None:
                self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


def run_once(app) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run-once"],
        capture_output=True,
        text=True,
        env=scheduler_env(app),
        cwd=PROJECT_ROOT,
        timeout=120,
    )


@pytest.fixture
def schedulers(app, tmp_path):
    """Start schedulers with ``start()``; any still running are killed afterwards."""
    started: list[Scheduler] = []

    def start() -> Scheduler:
        scheduler = Scheduler(app, tmp_path / f"scheduler-{len(started)}.log")
        started.append(scheduler)
        return scheduler

    yield start
    for scheduler in started:
        if scheduler.process.poll() is None:
            scheduler.kill()


def live_panel(app) -> Panel:
    """A panel opened a minute ago by the real clock: the factory moves the clock through the
    evidence window, so it starts that long before now. The scheduler process runs on the
    real clock, so nothing seeded may lie in its future."""
    window = app.config["EVIDENCE_WINDOW"]
    clock.freeze(datetime.now(UTC) - window - timedelta(minutes=2))
    panel = make_panel()
    assert clock.now() <= datetime.now(UTC)
    return panel


# --- reading the database -------------------------------------------------------------------


def fresh_scalar(statement):
    """A value read in a new transaction (a held SQLite snapshot would hide new commits).

    On SQLite the read goes through a plain connection in autocommit mode: the app's
    sessions begin with ``BEGIN IMMEDIATE``, and polling with the write lock would make the
    test compete with the schedulers it watches (and time out under load)."""
    if db.engine.dialect.name == "sqlite":
        sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
        connection = sqlite3.connect(db.engine.url.database, timeout=30, isolation_level=None)
        try:
            return connection.execute(sql).fetchone()[0]
        finally:
            connection.close()
    db.session.rollback()
    try:
        return db.session.scalar(statement)
    finally:
        db.session.rollback()


def open_panels(panel_ids) -> int:
    return fresh_scalar(
        select(func.count(Panel.id)).where(
            Panel.id.in_(panel_ids), Panel.status == PanelStatus.OPEN.value
        )
    )


def unsent_messages() -> int:
    return fresh_scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None)
        )
    )


def sent_messages() -> int:
    return fresh_scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.sent_at.is_not(None))
    )


def wait_until(condition, timeout: float, what: str, processes=(), detail=None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for process in processes:
            assert process.process.poll() is None, f"a scheduler died:\n{process.output()}"
        if time.monotonic() > deadline:
            logs = "\n".join(p.output() for p in processes)
            state = detail() if detail else ""
            pytest.fail(f"timed out waiting for {what} {state}\n{logs}")
        time.sleep(0.05)


def verdicts_by_case() -> Counter:
    rows = db.session.scalars(
        select(AuditEvent.subject_id).where(AuditEvent.action == "case.panel_verdict")
    ).all()
    return Counter(int(subject) for subject in rows)


def assert_notifications_once() -> None:
    """Unique idempotency keys; one inbox item per delivered inbox message, and none for an
    undelivered one; nothing given up."""
    keys = db.session.scalars(select(OutboxMessage.idempotency_key)).all()
    doubled = [key for key, n in Counter(keys).items() if n > 1]
    assert not doubled, doubled
    items = Counter(db.session.scalars(select(InboxItem.outbox_message_id)).all())
    assert not [message for message, n in items.items() if n > 1]
    inbox = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.sent_at, OutboxMessage.failed_at).where(
            OutboxMessage.channel == "inbox"
        )
    ).all()
    assert inbox, "no inbox message was queued"
    assert [m.id for m in inbox if m.failed_at is not None] == []
    assert [m.id for m in inbox if m.sent_at is not None and items[m.id] != 1] == []
    assert [m.id for m in inbox if m.sent_at is None and items[m.id] != 0] == []
    assert set(items) <= {m.id for m in inbox}


# --- a: SIGKILL in the middle of the sweeps -------------------------------------------------

KILL_PANELS = 30
KILL_MESSAGES = 100


def test_a_scheduler_killed_mid_sweep_and_restarted_decides_and_delivers_everything_once(
    app, schedulers
):
    panels = []
    for _ in range(KILL_PANELS):
        panel = live_panel(app)
        votes(panel, FOR_BUYER, app.config["PANEL_MAJORITY"])
        panels.append((panel.id, panel.case_id))
    clock.reset()
    recipient = make_user()
    for n in range(KILL_MESSAGES):
        queue_message(recipient, f"fault-test:{n}", f"Message {n}", "Body.", link="/cases")
    db.session.commit()
    panel_ids = [panel_id for panel_id, _case_id in panels]
    votes_before = dict(
        db.session.execute(select(Vote.panel_id, func.count(Vote.id)).group_by(Vote.panel_id)).all()
    )
    messages = fresh_scalar(select(func.count(OutboxMessage.id)))
    db.session.remove()

    # first kill: just after the jobs started, while the first sweeps (counting 30 panels in
    # one transaction, delivering) are running
    first = schedulers()
    wait_until(lambda: "Scheduler started" in first.output(), 60, "the start", [first])
    time.sleep(0.3)
    assert first.kill() == -signal.SIGKILL
    at_first_kill = (open_panels(panel_ids), sent_messages())
    # second kill: as soon as deliveries are under way, with leases held
    second = schedulers()
    sent = at_first_kill[1]
    wait_until(lambda: sent_messages() > sent, 60, "a delivery", [second])
    assert second.kill() == -signal.SIGKILL
    at_kill = (at_first_kill, (open_panels(panel_ids), sent_messages()))
    assert at_kill[1][1] < messages, "the second kill came after all the work"

    third = schedulers()
    wait_until(
        lambda: open_panels(panel_ids) == 0 and unsent_messages() == 0,
        SETTLE_TIMEOUT,
        "every panel decided and every message delivered",
        [third],
        lambda: (
            f"(open panels, unsent messages, at the kill): {open_panels(panel_ids)}, "
            f"{unsent_messages()}, {at_kill}"
        ),
    )
    assert third.stop() == 0, third.output()

    db.session.rollback()
    verdicts = verdicts_by_case()
    for panel_id, case_id in panels:
        assert verdicts[case_id] == 1, (case_id, verdicts[case_id])
        assert db.session.get(Case, case_id).current_state is CaseState.DECIDED
        tallies = db.session.scalars(select(Tally).where(Tally.panel_id == panel_id)).all()
        assert len(tallies) == 1 and tallies[0].verdict == FOR_BUYER
        assert tallies[0].votes_cast == votes_before[panel_id]
    votes_after = dict(
        db.session.execute(select(Vote.panel_id, func.count(Vote.id)).group_by(Vote.panel_id)).all()
    )
    assert votes_after == votes_before
    assert_notifications_once()
    for panel_id, case_id in panels:  # both parties told of each verdict, once
        case = db.session.get(Case, case_id)
        for user_id in (case.buyer_id, case.seller_id):
            key = f"panel-{panel_id}:verdict:{user_id}:inbox"
            message = db.session.scalar(
                select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
            )
            assert message is not None and message.sent_at is not None, key


# --- b: two schedulers at once while votes arrive --------------------------------------------

DECIDING_PANELS = 6  # 9 votes for the buyer, then 2 more that may come too late
SPLIT_PANELS = 3  # 5 for the buyer, 4 for the seller: no majority, stays open
EXTRA_VOTES = 2


class Voter(threading.Thread):
    """Casts the planned votes one by one at a steady pace, each in its own app context and
    committed; records what was committed and what was refused."""

    def __init__(self, app, plan: list[tuple[int, str]], pace: float):
        super().__init__(daemon=True)
        self.app, self.plan, self.pace = app, plan, pace
        self.committed: list[tuple[int, int, str]] = []  # (vote id, panel id, option)
        self.refused: list[tuple[int, str]] = []
        self.errors: list[BaseException] = []

    def run(self) -> None:
        for seat_id, option in self.plan:
            with self.app.app_context():
                try:
                    seat = db.session.get(Seat, seat_id)
                    vote = cast_vote(seat, seat.reviewer, option, REASON)
                    vote_id, panel_id = vote.id, vote.panel_id
                    db.session.commit()
                    self.committed.append((vote_id, panel_id, option))
                except JuryRefused as refusal:
                    db.session.rollback()
                    self.refused.append((seat_id, str(refusal)))
                except BaseException as error:  # noqa: BLE001  (reported to the test)
                    db.session.rollback()
                    self.errors.append(error)
                finally:
                    db.session.remove()
            time.sleep(self.pace)


def voting_plan(app) -> tuple[list[tuple[int, str]], list[int], list[int]]:
    """Round-robin over the panels, so they all fill up during the run."""
    majority = app.config["PANEL_MAJORITY"]
    per_panel: list[list[tuple[int, str]]] = []
    deciding, split = [], []
    for n in range(DECIDING_PANELS + SPLIT_PANELS):
        panel = live_panel(app)
        seats = [seat.id for seat in panel.seat_rows]
        if n < DECIDING_PANELS:
            deciding.append(panel.id)
            options = [FOR_BUYER] * (majority + EXTRA_VOTES)
        else:
            split.append(panel.id)
            options = [FOR_BUYER] * (majority // 2 + 1) + [FOR_SELLER] * (majority // 2)
        per_panel.append(list(zip(seats, options, strict=False)))
    plan = []
    for round_ in range(max(len(p) for p in per_panel)):
        plan += [p[round_] for p in per_panel if round_ < len(p)]
    return plan, deciding, split


def test_two_schedulers_at_once_while_votes_arrive_decide_each_panel_once(app, schedulers):
    plan, deciding, split = voting_plan(app)
    clock.reset()
    db.session.commit()
    db.session.remove()
    voting_seconds = max(FAULT_SECONDS - 5, 1)
    voter = Voter(app, plan, pace=voting_seconds / len(plan))

    started = time.monotonic()
    both = [schedulers(), schedulers()]
    voter.start()
    while time.monotonic() - started < FAULT_SECONDS:
        for scheduler in both:
            assert scheduler.process.poll() is None, scheduler.output()
        time.sleep(0.5)
    voter.join(timeout=60)
    assert not voter.is_alive()
    for scheduler in both:
        assert scheduler.stop() == 0, scheduler.output()
    assert voter.errors == []

    for _ in range(2):  # the final count, then the delivery of what it queued
        final = run_once(app)
        assert final.returncode == 0, final.stdout + final.stderr

    db.session.rollback()
    # no vote lost: every committed vote is there, and nothing else
    stored = dict(db.session.execute(select(Vote.id, Vote.panel_id)).all())
    assert stored == {vote_id: panel_id for vote_id, panel_id, _option in voter.committed}
    # every vote refused was refused because its panel had closed
    closed = set(
        db.session.scalars(
            select(Seat.panel_id).where(Seat.id.in_([seat for seat, _ in voter.refused]))
        )
    )
    assert closed <= set(deciding), voter.refused
    majority = app.config["PANEL_MAJORITY"]
    for_buyer = Counter(
        panel_id for _id, panel_id, option in voter.committed if option == FOR_BUYER
    )
    verdicts = verdicts_by_case()
    for panel_id in deciding:
        panel = db.session.get(Panel, panel_id)
        assert for_buyer[panel_id] >= majority, panel_id  # every one reached the majority
        assert panel.status == PanelStatus.DECIDED.value
        assert verdicts[panel.case_id] == 1
        assert db.session.get(Case, panel.case_id).current_state is CaseState.DECIDED
        tallies = db.session.scalars(select(Tally).where(Tally.panel_id == panel_id)).all()
        assert len(tallies) == 1 and tallies[0].verdict == FOR_BUYER
        assert tallies[0].counts[FOR_BUYER] >= majority
        # no vote slipped in between the count and the close: the tally holds every vote
        stored = db.session.scalar(select(func.count(Vote.id)).where(Vote.panel_id == panel_id))
        assert tallies[0].votes_cast == stored
    for panel_id in split:
        panel = db.session.get(Panel, panel_id)
        assert panel.status == PanelStatus.OPEN.value
        assert verdicts[panel.case_id] == 0
        assert (
            db.session.scalar(select(func.count(Tally.id)).where(Tally.panel_id == panel_id)) == 0
        )
    assert db.session.scalar(select(func.count(Tally.id))) == len(deciding)
    assert_notifications_once()
    assert (
        db.session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.sent_at.is_(None))
        )
        == 0
    )


# --- c: webhooks to a real receiver -----------------------------------------------------------

WEBHOOK_EVENTS = 60


def queued_webhooks(hook_url: str) -> tuple[str, list[str]]:
    """An endpoint for ``hook_url`` and ``WEBHOOK_EVENTS`` events queued for it, committed;
    returns its secret and the webhook-ids."""
    _endpoint, secret = endpoint_for(hook_url)
    for n in range(WEBHOOK_EVENTS):
        queue_event("case.opened", {"case": {"id": n}})
    db.session.commit()
    ids = db.session.scalars(
        select(OutboxMessage.idempotency_key).where(OutboxMessage.channel == "webhook")
    ).all()
    db.session.remove()
    return secret, ids


def unsent_webhooks() -> int:
    return fresh_scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.channel == "webhook", OutboxMessage.sent_at.is_(None)
        )
    )


def test_a_scheduler_killed_mid_delivery_and_restarted_delivers_every_webhook(app, schedulers):
    with receiver() as hook:
        hook.on_request = lambda _delivery: time.sleep(0.05)  # deliveries take a while
        secret, ids = queued_webhooks(hook.url)

        first = schedulers()
        wait_until(lambda: len(hook.deliveries) >= 5, 60, "some deliveries", [first])
        assert first.kill() == -signal.SIGKILL
        at_kill = len(hook.deliveries)
        assert at_kill < WEBHOOK_EVENTS, "the kill came after all the work"

        second = schedulers()
        wait_until(
            lambda: unsent_webhooks() == 0,
            SETTLE_TIMEOUT,
            "every webhook delivered",
            [second],
            lambda: (
                f"(unsent, received, at the kill): {unsent_webhooks()}, "
                f"{len(hook.deliveries)}, {at_kill}"
            ),
        )
        assert second.stop() == 0, second.output()

    received = Counter(d.webhook_id for d in hook.deliveries)
    assert set(received) == set(ids)  # every event arrived, under its own webhook-id
    assert sum(received.values()) - len(ids) <= 1  # at most the one in flight came twice
    for delivery in hook.deliveries:
        assert verify(delivery, secret)["type"] == "case.opened"


def test_two_schedulers_at_once_deliver_each_webhook_exactly_once(app, schedulers):
    with receiver() as hook:
        hook.on_request = lambda _delivery: time.sleep(0.02)
        _secret, ids = queued_webhooks(hook.url)
        both = [schedulers(), schedulers()]
        wait_until(lambda: unsent_webhooks() == 0, SETTLE_TIMEOUT, "every webhook", both)
        for scheduler in both:
            assert scheduler.stop() == 0, scheduler.output()

    received = Counter(d.webhook_id for d in hook.deliveries)
    assert received == Counter({webhook_id: 1 for webhook_id in ids})
