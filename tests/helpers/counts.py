"""Counting rows as the database holds them."""

from sqlalchemy import text

from app.core.extensions import db


def table_count(model) -> int:
    return db.session.execute(text(f"SELECT COUNT(*) FROM {model.__tablename__}")).scalar_one()
