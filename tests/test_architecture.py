"""The house's rules, checked: the import contracts of pyproject.toml (features import only
what is below them, the core imports no feature), and small modules."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
MODULE_MAX_LINES = 500


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=project, capture_output=True, text=True
    )


def test_the_import_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "upward_import"),
    [
        ("app/cases/models.py", "from app.mediation import assignment"),
        ("app/core/clock.py", "from app.auth import models"),
        # hidden inside a function to dodge a circle: still a circle
        ("app/execution/services.py", "def later():\n    from app.jury import counting"),
        # side by side on one row: independent of each other
        ("app/api/views.py", "from app.admin import views"),
    ],
)
def test_an_import_against_the_arrows_breaks_the_build(tmp_path, module, upward_import):
    project = tmp_path / "project"
    project.mkdir()
    for package in ("app", "bench"):
        shutil.copytree(ROOT / package, project / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", project)
    with (project / module).open("a") as file:
        file.write(f"\n{upward_import}\n")

    result = lint_imports(project)

    assert result.returncode == 1
    assert "1 broken" in result.stdout
    importer = module.removesuffix(".py").replace("/", ".")
    imported = upward_import.split("from ")[1].replace(" import ", ".")
    assert f"{importer} -> {imported}" in result.stdout


def test_every_module_is_small():
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines())
        for path in (ROOT / "app").rglob("*.py")
    }
    too_long = {path: lines for path, lines in sizes.items() if lines > MODULE_MAX_LINES}
    assert too_long == {}


def test_the_benchmark_is_not_in_the_product_package():
    assert not (ROOT / "app" / "bench").exists()
