"""The counting sweep, measured: the real one as the scheduler runs it, and a reference in
plain SQL that performs the same reads and writes for a verdict.

Per panel the reference reads the panel (locked on PostgreSQL), its vote counts, the case
with its order and the parties' languages, and writes what the real sweep writes: the
panel closed by compare-and-set, the tally, outstanding obligations cancelled, the case
decided by compare-and-set, its audit event, eight notifications (the case decision to
three people on two channels, the panel's verdict to both parties on two; a key already
queued is skipped) and the voters' reputation, each panel in its own savepoint. It handles
verdicts only (the benchmark's due panels all have one) and is never used by the product.
"""

import time
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import JSON, Integer, String, bindparam, select, text

from app.cases.states import Remedy
from app.core import clock
from app.core.db import UTCDateTime
from app.core.extensions import db
from app.jury.counting import has_work
from app.jury.models import Panel, PanelStatus
from app.jury.rules import decide_from_counts
from app.scheduler.jobs import SWEEPS, run_sweep
from bench.memory import memory_mb

DUE_PANELS = """
SELECT p.id FROM panels p WHERE p.status = 'open' AND (
  p.deadline_at <= :now
  OR EXISTS (SELECT v.option FROM votes v WHERE v.panel_id = p.id
             GROUP BY v.option HAVING count(v.id) >= p.majority)
  OR EXISTS (SELECT s.id FROM seats s WHERE s.panel_id = p.id AND s.status = 'open'
             AND s.vote_due_at <= :now)
  OR (p.replacement_rounds < :rounds AND (SELECT count(s.id) FROM seats s
      WHERE s.panel_id = p.id AND s.status IN ('open', 'voted')) < p.seats)
) ORDER BY p.id LIMIT :batch
"""
PANEL = "SELECT id, case_id, status, majority, options, deadline_at FROM panels WHERE id = :id"
VOTE_COUNTS = "SELECT option, count(id) FROM votes WHERE panel_id = :id GROUP BY option"
CASE = (
    "SELECT c.id, c.buyer_id, c.seller_id, c.mediator_id, c.remedy, c.remedy_amount_fen,"
    " o.amount_fen FROM cases c JOIN orders o ON o.id = c.order_id WHERE c.id = :id"
)
CLOSE_PANEL = (
    "UPDATE panels SET status = 'decided', closed_at = :now WHERE id = :id AND status = 'open'"
)
TALLY = (
    "INSERT INTO tallies (panel_id, counts, verdict, votes_cast, counted_at)"
    " VALUES (:panel_id, :counts, :verdict, :votes_cast, :now)"
)
CANCEL_OBLIGATIONS = (
    "UPDATE obligations SET status = 'cancelled'"
    " WHERE case_id = :id AND status IN ('open', 'waiting', 'disputed')"
)
DECIDE_CASE = (
    "UPDATE cases SET state = 'decided', deadline_at = :deadline, outcome = :outcome,"
    " decision_kind = 'panel', decision_remedy = :remedy, decision_amount_fen = :amount,"
    " decision_reasons = :reasons, decided_at = :now, updated_at = :now"
    " WHERE id = :id AND state = 'panel'"
)
AUDIT = (
    'INSERT INTO audit_events (actor_id, action, subject_type, subject_id, "before", "after",'
    " created_at) VALUES (NULL, 'case.panel_verdict', 'cases', :subject_id, :before, :after,"
    " :now)"
)
RECIPIENTS = "SELECT id, locale, email, display_name FROM users WHERE id IN :ids"
MESSAGE = (
    "INSERT INTO outbox_messages (idempotency_key, channel, recipient_id, recipient_address,"
    " recipient_name, subject, body, link, created_at, attempts, available_at) VALUES (:key,"
    " :channel, :recipient, :address, :name, :subject, :body, :link, :now, 0, :now)"
    " ON CONFLICT (idempotency_key) DO NOTHING"
)
VOTERS = (
    "SELECT s.reviewer_id, v.option FROM seats s JOIN votes v ON v.seat_id = s.id"
    " WHERE s.panel_id = :id"
)
REPUTATION = (
    "UPDATE reviewers SET resolved = resolved + 1,"
    " coherent = coherent + CASE WHEN user_id IN :coherent THEN 1 ELSE 0 END"
    " WHERE user_id IN :voters"
)
SCORE = (
    "UPDATE reviewers SET score = CASE WHEN (200 * coherent + resolved + 10)"
    " / (2 * (resolved + 10)) - 5 * no_shows < 0 THEN 0 ELSE (200 * coherent + resolved + 10)"
    " / (2 * (resolved + 10)) - 5 * no_shows END WHERE user_id IN :voters"
)
LOW_SCORES = (
    "SELECT user_id FROM reviewers WHERE user_id IN :voters AND status = 'active'"
    " AND resolved >= :after AND score < :floor"
)


def _sql(statement: str, **types) -> text:
    params = [bindparam(name, type_=type_) for name, type_ in types.items()]
    params += [bindparam(name, expanding=True) for name in ("ids", "coherent", "voters")]
    wanted = [p for p in params if f":{p.key}" in statement]
    return text(statement).bindparams(*wanted)


NOW = {"now": UTCDateTime()}


def PANEL_ROW(locking: str):  # noqa: N802  (a statement, like the others)
    return text(PANEL + locking).columns(
        id=Integer(),
        case_id=Integer(),
        status=String(),
        majority=Integer(),
        options=JSON(),
        deadline_at=UTCDateTime(),
    )


def reference_count_due_panels() -> int:
    """The plain-SQL counting sweep: returns how many panels it decided."""
    connection = db.session.connection()
    config = current_app.config
    now = clock.now()
    ids = connection.execute(
        _sql(DUE_PANELS, **NOW),
        {
            "now": now,
            "rounds": config["SEAT_REPLACEMENT_ROUNDS"],
            "batch": config["SWEEP_BATCH_SIZE"],
        },
    ).scalars()
    locking = " FOR UPDATE" if connection.dialect.name == "postgresql" else ""
    decided = 0
    for panel_id in list(ids):
        with connection.begin_nested():
            panel = connection.execute(PANEL_ROW(locking), {"id": panel_id}).one()
            decided += _decide(connection, panel, now)
    return decided


def _decide(connection, panel, now: datetime) -> int:
    config = current_app.config
    counted = dict(connection.execute(text(VOTE_COUNTS), {"id": panel.id}).all())
    counts = {option: counted.get(option, 0) for option in panel.options}
    verdict = decide_from_counts(counts, panel.majority, now >= panel.deadline_at)
    if panel.status != "open" or verdict is None:
        raise NotImplementedError("the reference counts verdicts only")
    case = connection.execute(text(CASE), {"id": panel.case_id}).one()
    if connection.execute(_sql(CLOSE_PANEL, **NOW), {"id": panel.id, "now": now}).rowcount != 1:
        return 0
    cast = sum(counts.values())
    connection.execute(
        _sql(TALLY, counts=JSON(), **NOW),
        {
            "panel_id": panel.id,
            "counts": counts,
            "verdict": verdict,
            "votes_cast": cast,
            "now": now,
        },
    )
    for_buyer = panel.options.index(verdict) == 0
    decision = {
        "outcome": "for_buyer" if for_buyer else "for_seller",
        "remedy": case.remedy if for_buyer else Remedy.CLAIM_REJECTED.value,
        "amount": _claimed(case) if for_buyer else None,
        "reasons": f"Panel verdict: {counts[verdict]} of {cast} votes for “{verdict}”.",
        "deadline": now + config["APPEAL_WINDOW"],
    }
    connection.execute(text(CANCEL_OBLIGATIONS), {"id": case.id})
    changed = connection.execute(
        _sql(DECIDE_CASE, deadline=UTCDateTime(), **NOW), {"id": case.id, "now": now, **decision}
    )
    if changed.rowcount != 1:
        raise RuntimeError("the case moved on")
    after = {"state": "decided", **{k: str(v) for k, v in decision.items()}}
    connection.execute(
        _sql(AUDIT, before=JSON(), after=JSON(), **NOW),
        {"subject_id": str(case.id), "before": {"state": "panel"}, "after": after, "now": now},
    )
    people = [case.buyer_id, case.seller_id, case.mediator_id]
    ids = [p for p in people if p is not None]
    recipients = {row.id: row for row in connection.execute(_sql(RECIPIENTS), {"ids": ids})}
    messages = _messages(case, panel, counts, verdict, now)
    for message in messages:
        recipient = recipients[message["recipient"]]
        message.update(address=recipient.email, name=recipient.display_name)
    connection.execute(_sql(MESSAGE, **NOW), messages)
    _reputation(connection, panel, verdict)
    return 1


def _claimed(case) -> int:
    return case.remedy_amount_fen if case.remedy_amount_fen is not None else case.amount_fen


def _messages(case, panel, counts: dict, verdict: str, now: datetime) -> list[dict]:
    link = f"/cases/{case.id}"
    winner = "buyer" if verdict == panel.options[0] else "seller"
    decided = f"Case #{case.id} was decided for the {winner}"
    rows = []
    for recipient in (case.buyer_id, case.seller_id, case.mediator_id):
        for channel in ("inbox", "email"):
            key = f"case-{case.id}:panel-verdict:{recipient}:{channel}"
            body = "Open the case to see the decision and what happens next."
            rows.append(_message(key, channel, recipient, decided, body, link, now))
    cast = sum(counts.values())
    for recipient in (case.buyer_id, case.seller_id):
        for channel in ("inbox", "email"):
            key = f"panel-{panel.id}:verdict:{recipient}:{channel}"
            subject = f"Case #{case.id}: the reviewer panel has decided"
            body = f"{counts[verdict]} of {cast} reviewers voted for “{verdict}”."
            rows.append(_message(key, channel, recipient, subject, body, link, now))
    return rows


def _message(key, channel, recipient, subject, body, link, now) -> dict:
    return {
        "key": key,
        "channel": channel,
        "recipient": recipient,
        "subject": subject,
        "body": body,
        "link": link,
        "now": now,
    }


def _reputation(connection, panel, verdict: str) -> None:
    config = current_app.config
    votes = connection.execute(text(VOTERS), {"id": panel.id}).all()
    voters = [user_id for user_id, _option in votes]
    coherent = [user_id for user_id, option in votes if option == verdict] or [-1]
    connection.execute(_sql(REPUTATION), {"voters": voters, "coherent": coherent})
    connection.execute(_sql(SCORE), {"voters": voters})
    low = connection.execute(
        _sql(LOW_SCORES),
        {
            "voters": voters,
            "after": config["REPUTATION_SUSPEND_AFTER_CASES"],
            "floor": config["REPUTATION_LEVELS"][0],
        },
    ).all()
    if low:
        raise NotImplementedError("the reference does not suspend reviewers")


# Running either until nothing is due, as the scheduler would, batch after batch


def count_until_done(app: Flask, kind: str) -> dict:
    """Run the real sweep (``kind="real"``, through the scheduler's ``run_sweep``) or the
    reference until no panel is due; returns panels decided, seconds and peak memory."""
    sweep = next(s for s in SWEEPS if s.id == "count-panels")
    reference = type(sweep)(sweep.id, reference_count_due_panels, sweep.seconds_setting)
    chosen = sweep if kind == "real" else reference
    before = _closed_panels(app)
    started = time.perf_counter()
    while _due_panels(app):
        if not run_sweep(app, chosen):
            raise RuntimeError(f"the {kind} sweep failed; see the log")
    seconds = time.perf_counter() - started
    decided = _closed_panels(app) - before
    return {
        "kind": kind,
        "panels": decided,
        "seconds": round(seconds, 3),
        "panels_per_second": round(decided / seconds, 1) if seconds else None,
        "peak_rss_mb": memory_mb(),
    }


def _due_panels(app: Flask) -> bool:
    """Whether any panel still has work, by the product's own rule."""
    with app.app_context():
        found = db.session.scalar(
            select(Panel.id).where(Panel.status == PanelStatus.OPEN.value, has_work(clock.now()))
        )
        db.session.remove()
        return found is not None


def _closed_panels(app: Flask) -> int:
    with app.app_context():
        closed = db.session.scalar(text("SELECT count(id) FROM panels WHERE status <> 'open'"))
        db.session.remove()
        return closed
