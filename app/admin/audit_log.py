"""The admins' audit log: every audit event, newest first, filtered by case, actor, action
and time, with each action in words and no secret shown.

Pages are keyed by the last event shown (its time and id), not by an offset: the next page
starts where the last one ended however many events came in meanwhile, and no page counts
the whole log (which grows by millions of rows).
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, cast, or_, select

from app.auth.models import User
from app.cases.models import Case
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.execution.models import Obligation, SellingRestriction
from app.jury.models import Panel
from app.mediation.forms import AUDIT_ACTION_LABELS

# the actions outside a case's own trail (which ``AUDIT_ACTION_LABELS`` words); an action
# without words is shown as it is stored
ACTION_LABELS = AUDIT_ACTION_LABELS | {
    "case.appealed": _l("Appealed the decision"),
    "case.dossier_exported": _l("Exported the case's dossier"),
    "case.panel_verdict": _l("The reviewer panel decided"),
    "case.panel_returned": _l("The reviewer panel reached no verdict: back to the mediator"),
    "panel.drawn": _l("Drew a reviewer panel"),
    "panel.seed_revealed": _l("Published the seed of a closed panel's draws"),
    "jury.vote_cast": _l("A reviewer voted"),
    "jury.recused": _l("A reviewer stepped down from a seat"),
    "reviewer.enrolled": _l("Enrolled as a reviewer"),
    "reviewer.practice_restarted": _l("Restarted the practice cases"),
    "reviewer.suspended": _l("Suspended a reviewer"),
    "reviewer.reinstated": _l("Reinstated a reviewer"),
    "gold_case.added": _l("Added a case to the gold bank"),
    "gold_case.retired": _l("Retired a gold case"),
    "gold_case.seated": _l("Seated a reviewer on a gold case"),
    "gold_case.graded": _l("Graded a gold seat"),
    "deposit.paid_in": _l("Recorded a deposit pay-in"),
    "selling_restriction.lifted": _l("Lifted a selling restriction"),
    "mediator.profile_set": _l("Set a mediator's duty and skills"),
    "role.granted": _l("Granted a role"),
    "role.revoked": _l("Revoked a role"),
    "user.registered": _l("Registered an account"),
    "user.email_verified": _l("Confirmed the e-mail address"),
    "user.password_changed": _l("Changed the password"),
    "user.password_reset": _l("Reset the password"),
    "user.claimed": _l("Claimed an imported account"),
    "user.locked": _l("Locked an account"),
    "user.unlocked": _l("Unlocked an account"),
    "user.logged_out_everywhere": _l("Logged out everywhere"),
    "user.two_factor_enabled": _l("Turned on two-factor login"),
    "user.two_factor_disabled": _l("Turned off two-factor login"),
    "user.recovery_code_used": _l("Logged in with a recovery code"),
    "settings.staff_two_factor": _l("Changed whether staff need two-factor login"),
    "api_token.created": _l("Created an API token"),
    "api_token.revoked": _l("Revoked an API token"),
    "webhook_endpoint.added": _l("Added a webhook endpoint"),
    "webhook_endpoint.secret_rotated": _l("Rotated a webhook endpoint's secret"),
    "webhook_endpoint.disabled": _l("Disabled a webhook endpoint"),
    "webhook_endpoint.enabled": _l("Enabled a webhook endpoint"),
    "webhook_message.sent_again": _l("Sent a webhook message again"),
}
# a recorded fact whose name says it could be a credential is never shown, whatever it holds
SECRET_FACT = re.compile(r"secret|password|token|hash|signature|recovery|otp|(^|_)(key|code)$")
HIDDEN = "•••"
SYSTEM = "system"
# the rows of a case, besides the case itself, whose events belong to its story
CASE_ROWS = (
    (Obligation, Obligation.case_id),
    (Panel, Panel.case_id),
    (SellingRestriction, SellingRestriction.case_id),
)


@dataclass(frozen=True)
class AuditFilter:
    case_id: int | None = None
    actor_id: int | None = None
    system_only: bool = False  # events no person caused (sweeps, the marketplace)
    action: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive: the whole day


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    actor: User | None
    facts: list[tuple[str, str]]  # (name, value) recorded before and after, secrets hidden


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    older: int | None  # the id of the last event shown, when there are older ones
    accounts: dict[str, User]  # the accounts the page's events are about, by id


# what an event is about, in words (the case and the account link to their pages)
SUBJECT_LABELS = {
    "cases": _l("Case #%(id)s"),
    "users": _l("Account #%(id)s"),
    "obligations": _l("Step #%(id)s"),
    "panels": _l("Panel #%(id)s"),
    "seats": _l("Seat #%(id)s"),
    "gold_cases": _l("Gold case #%(id)s"),
    "selling_restrictions": _l("Restriction #%(id)s"),
    "deposit_entries": _l("Deposit entry #%(id)s"),
    "webhook_endpoints": _l("Webhook endpoint #%(id)s"),
    "outbox_messages": _l("Message #%(id)s"),
    "api_tokens": _l("API token #%(id)s"),
}


def subject_label(event: AuditEvent) -> str:
    label = SUBJECT_LABELS.get(event.subject_type)
    if label is None:
        return f"{event.subject_type} #{event.subject_id}"
    return label % {"id": event.subject_id}


def action_label(action: str):
    return ACTION_LABELS.get(action, action)


def audit_page(filters: AuditFilter, before_id: int | None, size: int) -> AuditPage:
    """One page of the log, newest first, after the event ``before_id`` when given."""
    statement = (
        select(AuditEvent, User)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(*_conditions(filters))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(size + 1)
    )
    anchor = db.session.get(AuditEvent, before_id) if before_id is not None else None
    if anchor is not None:
        statement = statement.where(
            or_(
                AuditEvent.created_at < anchor.created_at,
                and_(AuditEvent.created_at == anchor.created_at, AuditEvent.id < anchor.id),
            )
        )
    found = db.session.execute(statement).all()
    rows = [AuditRow(event, actor, _facts(event)) for event, actor in found[:size]]
    older = rows[-1].event.id if len(found) > size else None
    return AuditPage(rows, older, _accounts_of(rows))


def _accounts_of(rows: list[AuditRow]) -> dict[str, User]:
    ids = {int(row.event.subject_id) for row in rows if row.event.subject_type == "users"}
    if not ids:
        return {}
    users = db.session.scalars(select(User).where(User.id.in_(sorted(ids))))
    return {str(user.id): user for user in users}


def _conditions(filters: AuditFilter) -> list:
    conditions = []
    if filters.case_id is not None:
        conditions.append(_about_case(filters.case_id))
    if filters.system_only:
        conditions.append(AuditEvent.actor_id.is_(None))
    elif filters.actor_id is not None:
        conditions.append(AuditEvent.actor_id == filters.actor_id)
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.since is not None:
        conditions.append(AuditEvent.created_at >= _start_of(filters.since))
    if filters.until is not None:
        conditions.append(AuditEvent.created_at < _start_of(filters.until + timedelta(days=1)))
    return conditions


def _about_case(case_id: int):
    """The case's events and those of its obligations, panels and restrictions."""
    about = [
        and_(AuditEvent.subject_type == Case.__tablename__, AuditEvent.subject_id == str(case_id))
    ]
    for model, case_column in CASE_ROWS:
        ids = select(cast(model.id, String)).where(case_column == case_id)
        about.append(
            and_(AuditEvent.subject_type == model.__tablename__, AuditEvent.subject_id.in_(ids))
        )
    return or_(*about)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _facts(event: AuditEvent) -> list[tuple[str, str]]:
    """What the event recorded, ``old → new`` where both were, credentials hidden."""
    before, after = event.before or {}, event.after or {}
    facts = []
    for name in sorted(before.keys() | after.keys()):
        if SECRET_FACT.search(name.lower()):
            facts.append((name, HIDDEN))
        elif name in before and name in after and before[name] != after[name]:
            facts.append((name, f"{_shown(before[name])} → {_shown(after[name])}"))
        else:
            facts.append((name, _shown(after[name] if name in after else before[name])))
    return facts


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value) or "—"
    return str(value)
