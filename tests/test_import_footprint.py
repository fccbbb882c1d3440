"""A web worker imports what its pages need, not what a few routes, a CLI command or a sweep
need: each library named here costs several MB of resident memory in every worker, so
``create_app()`` must not import it; the first use does. The commands that need them still
load them."""

import os
import subprocess
import sys

from app.core.config import PROJECT_ROOT

HEAVY_MODULES = {
    "alembic": "migrations: `flask db` only",
    "flask_migrate": "migrations: `flask db` only",
    "apscheduler": "the scheduler process only",
    "av": "video uploads and the demo's video",
    "pypdf": "PDF uploads and the dossier",
    "pypdfium2": "the dossier's previews",
    "httpx": "webhook delivery, a sweep",
    "cryptography": "sealing webhook secrets",
    "boto3": "evidence in object storage",
    "botocore": "evidence in object storage",
    "app.demo": "`flask demo` only (Pillow's drawing, PyAV's encoding)",
}
LIST_IMPORTED = """
import sys
from app import create_app
create_app()
print(" ".join(sorted(sys.modules)))
"""


def imported_by_create_app(tmp_path) -> set[str]:
    env = {
        **os.environ,
        "TRIBUNAL_CONFIG": "production",
        "SECRET_KEY": "import-footprint-not-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}",
        "EVIDENCE_DIR": str(tmp_path / "evidence"),
    }
    done = subprocess.run(
        [sys.executable, "-c", LIST_IMPORTED],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stdout.split())


def test_building_the_app_imports_no_heavy_library(tmp_path):
    imported = imported_by_create_app(tmp_path)
    assert "flask" in imported and "sqlalchemy" in imported  # the listing itself works
    loaded = {name: why for name, why in HEAVY_MODULES.items() if name in imported}
    assert not loaded, f"create_app() imported libraries its pages do not need: {loaded}"


def test_the_commands_load_their_modules_when_run(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "--help"])
    assert result.exit_code == 0, result.output
    assert "upgrade" in result.output  # Flask-Migrate's own commands
    # (Alembic prints to the stdout it found when first imported, not to the runner's)
    assert runner.invoke(args=["db", "heads"]).exit_code == 0
    assert app.extensions["migrate"].directory == str(PROJECT_ROOT / "migrations")
    result = runner.invoke(args=["demo", "--help"])
    assert result.exit_code == 0, result.output
    assert "seed" in result.output  # the real group's commands
