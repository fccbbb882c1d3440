"""Who handles a new case: the on-duty mediator with the fewest open cases, preferring those
who know the order's categories (design: Mediation)."""

from collections.abc import Collection

from sqlalchemy import Select, func, select

from app.auth.models import Role, RoleGrant, User
from app.cases.models import Case
from app.cases.states import CaseState
from app.cases.transitions import touch
from app.core.extensions import db
from app.jury.appeals import stood_down_mediator
from app.mediation.models import MediatorProfile


def _on_duty() -> Select:
    """Mediators who have not said they are off duty (no profile means on duty), whose
    account is not locked."""
    return (
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .outerjoin(MediatorProfile, MediatorProfile.user_id == User.id)
        .where(
            RoleGrant.role == Role.MEDIATOR.value,
            User.disabled_at.is_(None),
            MediatorProfile.on_duty.is_not(False),
        )
    )


def on_duty_mediators() -> list[User]:
    return db.session.scalars(_on_duty().order_by(User.id)).all()


def is_on_duty(user_id: int | None) -> bool:
    """Whether this account is a mediator on duty (None, no mediator, is not)."""
    return (
        user_id is not None and db.session.scalar(_on_duty().where(User.id == user_id)) is not None
    )


def choose_mediator(case: Case, excluding: Collection[int | None] = ()) -> User | None:
    """The mediator for ``case`` by the rule above, leaving out the ``excluding`` ids (those
    who already had the case, when its decision is appealed to a second mediator) and, for
    any later reassignment, the mediator who stood down after that appeal."""
    left_out = {*excluding, stood_down_mediator(case)}
    candidates = [
        m for m in on_duty_mediators() if case.party_of(m) is None and m.id not in left_out
    ]
    if not candidates:
        return None
    open_counts = dict(
        db.session.execute(
            select(Case.mediator_id, func.count(Case.id))
            .where(
                Case.mediator_id.in_([m.id for m in candidates]),
                Case.state != CaseState.CLOSED.value,
            )
            .group_by(Case.mediator_id)
        ).all()
    )
    categories = {item.category for item in case.order.items}
    skills = {
        profile.user_id: set(profile.skills or [])
        for profile in db.session.scalars(
            select(MediatorProfile).where(MediatorProfile.user_id.in_([m.id for m in candidates]))
        )
    }

    def rank(mediator: User) -> tuple[int, int, int]:
        knows_the_goods = bool(categories & skills.get(mediator.id, set()))
        return (0 if knows_the_goods else 1, open_counts.get(mediator.id, 0), mediator.id)

    return min(candidates, key=rank)


def take_over(case: Case, mediator: User) -> None:
    """``mediator`` acts on a case that is a colleague's: it becomes theirs, audited (the
    confirmation step named the colleague first)."""
    if case.mediator_id is None or case.mediator_id == mediator.id:
        return
    touch(
        case,
        mediator,
        "case.taken_over",
        expect=case.current_state,
        audit=({"mediator": case.mediator_id}, {"mediator": mediator.id}),
        mediator_id=mediator.id,
    )
