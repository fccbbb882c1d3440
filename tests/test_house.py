"""The suite's own house rules: what tests share lives in ``tests/helpers/``; no test module
imports another test module, and nothing imports a ``conftest``."""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def imported_modules(source: str, package: str) -> set[str]:
    """Every module an ``import`` anywhere in ``source`` names (at the top, inside a function,
    relative or absolute), as a dotted name; ``package`` resolves relative imports."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(filter(None, [*parent, base]))
            found.add(base)
            # ``from tests import test_x`` names a module too
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def forbidden(module: str) -> str | None:
    """Why importing ``module`` breaks the house rules, or None. A dotted name counts only if
    it is a file of the suite (``from tests.helpers.x import test_data`` names no module)."""
    path = TESTS.parent.joinpath(*module.split(".")).with_suffix(".py")
    if not path.is_relative_to(TESTS) or not path.is_file():
        return None
    if path.name.startswith("test_"):
        return "a test module"
    if path.name == "conftest.py":
        return "a conftest"
    return None


def suite_modules() -> list[Path]:
    return sorted(path for path in TESTS.rglob("*.py") if ".venv" not in path.parts)


def package_of(path: Path) -> str:
    return ".".join(("tests", *path.relative_to(TESTS).parent.parts))


@pytest.mark.parametrize(
    ("source", "package"),
    [
        ("from tests.test_route_matrix import TABLE", "tests"),
        ("import tests.test_jury_voting", "tests"),
        ("from tests import test_jury_voting", "tests"),
        ("from .test_jury_voting import votes", "tests"),
        ("from . import test_jury_voting", "tests"),
        ("from ..test_jury_voting import votes", "tests.browser"),
        ("def f():\n    from tests.test_jury_voting import votes\n", "tests"),
        ("from tests.conftest import login", "tests"),
        ("from tests.browser.conftest import Site", "tests"),
    ],
)
def test_the_scan_sees_every_way_of_importing_a_test_module(source, package):
    assert [m for m in imported_modules(source, package) if forbidden(m)]


@pytest.mark.parametrize(
    "source",
    [
        "from tests.helpers.jury import votes",
        "from tests.helpers import hostile",
        "import pytest",
        "from app.jury.voting import cast_vote",
        "from tests.helpers.jury import test_data_that_is_no_module",
    ],
)
def test_the_scan_lets_helpers_and_the_app_through(source):
    assert not [m for m in imported_modules(source, "tests") if forbidden(m)]


def test_the_scan_finds_the_suite():
    names = {path.name for path in suite_modules()}
    assert {"conftest.py", "test_house.py", "test_route_matrix.py", "test_journeys.py"} <= names
    assert (TESTS / "helpers" / "__init__.py").is_file()


def test_no_module_of_the_suite_imports_a_test_module_or_a_conftest():
    broken = []
    for path in suite_modules():
        for module in sorted(imported_modules(path.read_text(), package_of(path))):
            if why := forbidden(module):
                broken.append(f"{path.relative_to(TESTS)} imports {module} ({why})")
    assert not broken, "move what is shared into tests/helpers/:\n" + "\n".join(broken)


def test_the_helpers_are_not_test_modules():
    """pytest collects ``test_*.py``: a helper named so would be collected, and imported."""
    helpers = sorted(path.name for path in (TESTS / "helpers").glob("*.py"))
    assert helpers and not [name for name in helpers if name.startswith("test_")]
