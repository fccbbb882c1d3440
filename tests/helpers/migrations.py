"""Empty databases upgraded by the migrations: a SQLite file, and when the tests run on
PostgreSQL a schema of its own there, dropped afterwards."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app import create_app
from app.core.config import PROJECT_ROOT
from app.core.extensions import db

MIGRATIONS = PROJECT_ROOT / "migrations"


@contextmanager
def _schema(name: str | None) -> Iterator[None]:
    if name is None:
        yield
        return
    admin_engine = create_engine(os.environ["TEST_DATABASE_URL"])
    with admin_engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {name}"))
    try:
        yield
    finally:
        with admin_engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {name} CASCADE"))
        admin_engine.dispose()


def migrated_databases(tmp_path) -> Iterator[tuple[str, str | None]]:
    """For each backend, ``(backend, schema)`` (the schema None on SQLite) inside the app
    context of a database the migrations have just upgraded from empty."""
    backends = [("sqlite", f"sqlite:///{tmp_path / 'migrated.db'}", None)]
    url = os.environ.get("TEST_DATABASE_URL")
    if url and url.startswith("postgresql"):
        schema = f"migration_check_{uuid.uuid4().hex[:8]}"
        separator = "&" if "?" in url else "?"
        backends.append(("postgresql", f"{url}{separator}options=-csearch_path%3D{schema}", schema))
    for backend, database_url, schema in backends:
        with _schema(schema):
            migrated = create_app(
                {"CONFIG_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_url}
            )
            with migrated.app_context():
                upgrade(directory=str(MIGRATIONS))
                try:
                    yield backend, schema
                finally:
                    db.engine.dispose()
