"""Finding the demo's cases in the suite's database."""

from sqlalchemy import func, select

from app.cases.models import Case
from app.core.extensions import db


def demo_case_id(number: int) -> int:
    """The id of the demo's case #``number``. A fresh database numbers them from 1; in the
    suite's database they follow the ids earlier tests used (PostgreSQL's sequences do not
    roll back), so they are counted from the first case the seeding made."""
    return db.session.scalar(select(func.min(Case.id))) + number - 1
