"""Rows written straight into a database at an older revision, for the tests of the
migrations that convert them: the database brought up to just before the migration under
test, and the rows it finds there."""

from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import upgrade

from app import create_app
from app.core.config import PROJECT_ROOT
from app.core.extensions import db

MIGRATIONS = str(PROJECT_ROOT / "migrations")


def revision_before(name: str) -> str:
    """The revision the migration named ``…_<name>`` follows, however the chain is numbered."""
    script = ScriptDirectory(MIGRATIONS)
    [revision] = [r for r in script.walk_revisions() if r.revision.endswith(f"_{name}")]
    return revision.down_revision


def app_before(path: Path, name: str) -> Flask:
    """An app on a SQLite database at ``path``, migrated up to just before ``name``."""
    app = create_app({"CONFIG_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision=revision_before(name))
        db.engine.dispose()
    return app


# placeholders that must have a form: a panel's seed is hex (the draws migration reads it)
SHAPED_PLACEHOLDERS = {"seed": "00" * 32}


def insert_row(connection, table: str, **given) -> None:
    """A row with ``given`` values, and a placeholder in every other required column."""
    values = {}
    for _cid, name, type_, not_null, default, primary_key in connection.execute(
        f"PRAGMA table_info({table})"
    ):
        if name in given:
            values[name] = given[name]
        elif not_null and default is None and name in SHAPED_PLACEHOLDERS:
            values[name] = SHAPED_PLACEHOLDERS[name]
        elif not_null and default is None and not primary_key:
            kind = (type_ or "").upper()
            values[name] = (
                1
                if "INT" in kind or "BOOL" in kind
                else "2026-01-01 00:00:00.000000"
                if "DATETIME" in kind
                else "[]"
                if "JSON" in kind
                else "x"
            )
    marks = ", ".join("?" for _ in values)
    connection.execute(
        f"INSERT INTO {table} ({', '.join(values)}) VALUES ({marks})", list(values.values())
    )


def order_and_case(connection, case_id: int, **claim) -> None:
    insert_row(
        connection,
        "orders",
        id=case_id,
        amount_fen=19900,
        buyer_id=1,
        seller_id=2,
        marketplace_order_id=f"order-{case_id}",
    )
    insert_row(
        connection,
        "cases",
        id=case_id,
        order_id=case_id,
        buyer_id=1,
        seller_id=2,
        state="panel",
        claim_type="counterfeit",
        responsible_party="seller",
        severity="general",
        **claim,
    )
