"""The sweeps the scheduler triggers, and how one runs.

A sweep is a function of no arguments that processes whatever rows are due (design,
scheduler rule 2). Features add theirs to ``SWEEPS``; the job id is the sweep's id and must
never change, and the interval is read from the named setting.
"""

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from app.analytics.facts import refresh_case_facts
from app.auth.reset import send_password_resets
from app.cases.files.orphans import sweep_orphan_files
from app.core.extensions import db
from app.core.idempotency import sweep_idempotency_keys
from app.core.rate_limits import sweep_expired_counters
from app.execution.sweeps import sweep_obligation_reminders, sweep_obligations
from app.jury.counting import count_due_panels
from app.jury.gold.grading import grade_gold_seats
from app.jury.notices import sweep_seat_reminders
from app.mediation.escalation import sweep_escalations
from app.mediation.reminders import sweep_question_reminders
from app.notifications.delivery import deliver_to_people, deliver_webhooks
from app.scheduler.deadlines import remind_case_deadlines, sweep_case_deadlines
from app.scheduler.heartbeat import beat

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sweep:
    id: str
    func: Callable[[], object]
    seconds_setting: str


SWEEPS: list[Sweep] = [
    Sweep(id="deliver-outbox", func=deliver_to_people, seconds_setting="SCHEDULER_OUTBOX_SECONDS"),
    Sweep(
        id="deliver-webhooks", func=deliver_webhooks, seconds_setting="SCHEDULER_WEBHOOKS_SECONDS"
    ),
    Sweep(id="heartbeat", func=beat, seconds_setting="SCHEDULER_HEARTBEAT_SECONDS"),
    Sweep(
        id="case-deadlines",
        func=sweep_case_deadlines,
        seconds_setting="SCHEDULER_CASE_DEADLINES_SECONDS",
    ),
    Sweep(
        id="count-panels",
        func=count_due_panels,
        seconds_setting="COUNTING_SWEEP_SECONDS",
    ),
    Sweep(
        id="grade-gold-seats",
        func=grade_gold_seats,
        seconds_setting="GOLD_GRADING_SECONDS",
    ),
    Sweep(
        id="execution",
        func=sweep_obligations,
        seconds_setting="SCHEDULER_EXECUTION_SECONDS",
    ),
    Sweep(
        id="case-reminders",
        func=remind_case_deadlines,
        seconds_setting="SCHEDULER_REMINDERS_SECONDS",
    ),
    Sweep(
        id="obligation-reminders",
        func=sweep_obligation_reminders,
        seconds_setting="SCHEDULER_REMINDERS_SECONDS",
    ),
    Sweep(
        id="question-reminders",
        func=sweep_question_reminders,
        seconds_setting="SCHEDULER_REMINDERS_SECONDS",
    ),
    Sweep(
        id="seat-reminders",
        func=sweep_seat_reminders,
        seconds_setting="SCHEDULER_REMINDERS_SECONDS",
    ),
    Sweep(
        id="escalate-overdue-cases",
        func=sweep_escalations,
        seconds_setting="SCHEDULER_ESCALATION_SECONDS",
    ),
    Sweep(
        id="password-resets",
        func=send_password_resets,
        seconds_setting="SCHEDULER_PASSWORD_RESETS_SECONDS",
    ),
    Sweep(
        id="idempotency-keys",
        func=sweep_idempotency_keys,
        seconds_setting="SCHEDULER_IDEMPOTENCY_KEYS_SECONDS",
    ),
    Sweep(
        id="rate-limit-counters",
        func=sweep_expired_counters,
        seconds_setting="SCHEDULER_RATE_LIMIT_COUNTERS_SECONDS",
    ),
    Sweep(
        id="orphan-files",
        func=sweep_orphan_files,
        seconds_setting="SCHEDULER_ORPHANS_SECONDS",
    ),
    Sweep(
        id="analytics-facts",
        func=refresh_case_facts,
        seconds_setting="SCHEDULER_FACTS_SECONDS",
    ),
]


def run_sweep(app: Flask, sweep: Sweep) -> bool:
    """Run one sweep in its own app context and commit; on error roll back, log, and return
    False. Never raises an ``Exception``, so a failing sweep cannot stop the scheduler."""
    with app.app_context():
        try:
            sweep.func()
            db.session.commit()
        except Exception as error:
            _rollback_quietly()
            logger.error("sweep %s failed: %s at %s", sweep.id, type(error).__name__, _where(error))
            return False
        finally:
            db.session.remove()
    return True


def _where(error: Exception) -> str:
    """The stack as file:line:function only. Exception texts (SQL parameters, addresses) and
    source lines can carry personal data, which must not reach the log."""
    frames = traceback.extract_tb(error.__traceback__)
    return " <- ".join(f"{f.filename}:{f.lineno}:{f.name}" for f in reversed(frames))


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection itself is gone; remove() discards it
        logger.error("rollback after a failed sweep failed too")
