"""``flask db`` and Alembic's view of the app, set up when first used.

Flask-Migrate imports Alembic (about 11 MB resident) and a web worker never migrates, so
``create_app`` imports neither: ``app.extensions["migrate"]`` holds a stand-in that sets
Flask-Migrate up on its first read (by ``flask db``, ``migrations/env.py`` or a test's
``upgrade()``), and the ``db`` group loads Flask-Migrate's commands when it is run.
"""

from flask import Flask

from app.core.config import PROJECT_ROOT
from app.core.extensions import db
from app.core.lazy_commands import LazyGroup

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def init_app(app: Flask) -> None:
    app.extensions["migrate"] = _MigrateOnFirstUse(app)
    app.cli.add_command(LazyGroup("db", "flask_migrate.cli:db", help="Database migrations."))


class _MigrateOnFirstUse:
    def __init__(self, app: Flask):
        self._app = app

    def __getattr__(self, name: str):
        from flask_migrate import Migrate

        # puts Flask-Migrate's own configuration in this stand-in's place
        Migrate(self._app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
        return getattr(self._app.extensions["migrate"], name)
