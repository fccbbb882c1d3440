"""An admin sets a mediator's duty and skills (design: Administration), which assignment
reads (``app.mediation.assignment``): only mediators on duty receive new cases, and those
who know the order's categories first. A mediator without a profile is on duty with no
skills."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.auth.models import Role, User
from app.core.audit import record_event
from app.core.errors import Refused
from app.core.extensions import db
from app.mediation.models import MediatorProfile
from app.orders.models import OrderItem


class ProfileRefused(Refused):
    """A mediator profile that cannot be set; the message says why."""


def _categories_in_order():
    """Each category once, in order, read by seeking the categories' index from one to the
    next (a recursive query: as many seeks as there are categories), where a DISTINCT would
    read every item ever sold."""
    first = select(func.min(OrderItem.category).label("category")).cte("categories", recursive=True)
    following = (
        select(func.min(OrderItem.category))
        .where(OrderItem.category > first.c.category)
        .scalar_subquery()
    )
    found = first.union_all(select(following).where(first.c.category.is_not(None)))
    return select(found.c.category).where(found.c.category.is_not(None)).order_by(found.c.category)


KNOWN_CATEGORIES = _categories_in_order()


def known_categories() -> list[str]:
    """Every order item category the marketplace has sent, in order: the skills to choose
    from."""
    return list(db.session.scalars(KNOWN_CATEGORIES))


def profile_of(mediator: User) -> MediatorProfile:
    """The mediator's profile as assignment reads it (unsaved default when there is none)."""
    return db.session.get(MediatorProfile, mediator.id) or MediatorProfile(
        user_id=mediator.id, on_duty=True, skills=[]
    )


def set_mediator_profile(mediator: User, on_duty: bool, skills: list[str], actor: User) -> bool:
    """Set whether ``mediator`` is on duty and which categories they know; False if nothing
    changed. Refused for an account without the mediator role, and for a category no order
    has."""
    if not mediator.has_role(Role.MEDIATOR):
        raise ProfileRefused(_l("Only a mediator has a duty and skills."))
    chosen = sorted(set(skills))
    unknown = sorted(set(chosen) - set(known_categories()))
    if unknown:
        raise ProfileRefused(
            _l("No order has the category %(category)s.", category=", ".join(unknown)),
            "skills",
        )
    profile = profile_of(mediator)
    before = {"on_duty": profile.on_duty, "skills": sorted(profile.skills or [])}
    after = {"on_duty": bool(on_duty), "skills": chosen}
    if before == after:
        return False
    profile.on_duty, profile.skills = after["on_duty"], chosen
    db.session.add(profile)
    record_event(actor, "mediator.profile_set", mediator, before=before, after=after)
    return True
