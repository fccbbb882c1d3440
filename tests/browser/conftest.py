"""Browser journeys against the real site: gunicorn and the scheduler as subprocesses, on a
fresh SQLite file loaded with the demo data, driven by Playwright's Chromium.

Every page a journey sees is checked with axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA):
each page opened with ``go`` as it loads, and the pages reached by clicking once more when
the person's browser closes; a serious or critical violation fails the test that saw it.

These tests never touch the suite's test database: ``_database`` below replaces the
autouse fixture of ``tests/conftest.py`` for this directory.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers.accessibility import violations_of
from tests.helpers.journeys import journey_orders
from tests.helpers.servers import free_port, serve_web, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "tribunal-demo"  # every demo account's password
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Redoc draws the API's documentation for the marketplace's developers: its colours and
# controls are Redoc's own, outside the product's pages.
AXE_EXEMPT = ("/api/v1/docs",)


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _database():
    """The browser tests talk to their own server and database: nothing to roll back."""
    yield


class Site:
    """The running site: its address and its database file."""

    def __init__(self, url: str, db_path: Path, environment: dict[str, str]):
        self.url = url
        self.db_path = db_path
        self.environment = environment  # what its processes run with

    def sql(self, statement: str, params: tuple = ()) -> list[tuple]:
        connection = sqlite3.connect(self.db_path, timeout=30)
        try:
            rows = connection.execute(statement, params).fetchall()
            connection.commit()
            return rows
        finally:
            connection.close()

    def case_state(self, case_id: int) -> str:
        return self.sql("SELECT state FROM cases WHERE id = ?", (case_id,))[0][0]

    def expire_deadline(self, case_id: int) -> None:
        """Move the case's running deadline into the past, as if the time had passed."""
        past = (datetime.now(UTC) - timedelta(minutes=1)).replace(tzinfo=None)
        self.sql(
            "UPDATE cases SET deadline_at = ? WHERE id = ?",
            (past.strftime("%Y-%m-%d %H:%M:%S.%f"), case_id),
        )

    def mail_link(self, address: str, path: str, timeout: float = 25) -> str:
        """The link to ``path`` in the newest mail queued for ``address``, once it is there
        (some are written by the scheduler's sweeps)."""
        end = time.monotonic() + timeout
        while True:
            rows = self.sql(
                "SELECT body FROM outbox_messages WHERE recipient_address = ? AND body LIKE ?"
                " ORDER BY id DESC LIMIT 1",
                (address, f"%{path}%"),
            )
            if rows:
                body = rows[0][0]
                start = body.rindex("http", 0, body.index(path))
                return body[start:].split()[0]
            if time.monotonic() > end:
                raise AssertionError(f"no mail to {address} with {path}")
            time.sleep(0.3)

    def wait_for_outbox_drained(self, timeout: float = 120) -> None:
        """Wait until the scheduler has delivered the demo's notices: a journey starts on a
        site whose sweeps have caught up, as a site that has been running would be."""
        end = time.monotonic() + timeout
        while self.sql(
            "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND failed_at IS NULL"
            " AND channel IN ('inbox', 'email')"
        )[0][0]:
            if time.monotonic() > end:
                raise AssertionError("the scheduler did not deliver the demo's notices")
            time.sleep(0.5)

    def wait_for_state(self, case_id: int, *states: str, timeout: float = 25) -> str:
        """Poll until the scheduler has moved the case into one of ``states``."""
        end = time.monotonic() + timeout
        while True:
            state = self.case_state(case_id)
            if state in states:
                return state
            if time.monotonic() > end:
                raise AssertionError(f"case {case_id} stayed {state!r}, expected {states}")
            time.sleep(0.3)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser-site")
    db_path = base / "tribunal.db"
    port = free_port()
    env = {
        **os.environ,
        "TRIBUNAL_CONFIG": "development",
        "DATABASE_URL": f"sqlite:///{db_path}",
        "EVIDENCE_DIR": str(base / "evidence"),
        "SECRET_KEY": "browser-journeys-not-secret",
        "SESSION_COOKIE_SECURE": "0",
        "MAIL_BACKEND": "memory",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "RATELIMIT_ENABLED": "0",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "SCHEDULER_CASE_DEADLINES_SECONDS": "2",
        "COUNTING_SWEEP_SECONDS": "2",
        "SCHEDULER_OUTBOX_SECONDS": "2",
        "SCHEDULER_EXECUTION_SECONDS": "2",
        "SCHEDULER_PASSWORD_RESETS_SECONDS": "2",
        "SCHEDULER_FACTS_SECONDS": "2",
        # quick password hashes: ~40 logins a run
        "ARGON2_TIME_COST": "2",
        "ARGON2_MEMORY_COST_KIB": "19456",
        "ARGON2_PARALLELISM": "1",
    }
    env.pop("TEST_DATABASE_URL", None)
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    log = open(base / "setup.log", "w")  # noqa: SIM115
    orders = base / "orders.json"
    orders.write_text(json.dumps(journey_orders()))
    for command in (["db", "upgrade"], ["demo", "seed"], ["orders", "import", str(orders)]):
        done = subprocess.run(flask + command, cwd=ROOT, env=env, stdout=log, stderr=log)
        if done.returncode:
            log.flush()
            raise RuntimeError(f"flask {command} failed:\n{(base / 'setup.log').read_text()}")
    processes = [
        serve_web(env, port, base / "web.log"),
        subprocess.Popen(
            flask + ["scheduler", "run"],
            cwd=ROOT,
            env=env,
            stdout=open(base / "scheduler.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        ),
    ]
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/login", processes, base)
        site = Site(url, db_path, env)
        site.wait_for_outbox_drained()
        yield site
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Actor:
    """One person in their own browser context (own cookies), on the running site, at desktop
    size or, with ``phone=True``, at a 390 px wide phone's."""

    def __init__(
        self,
        browser,
        site: Site,
        journey: str,
        email: str,
        locale: str = "en-GB",
        phone: bool = False,
    ):
        self.site = site
        self.journey = journey
        self.email = email
        self.context = browser.new_context(
            locale=locale,
            extra_http_headers={"Accept-Language": locale},
            viewport=PHONE if phone else DESKTOP,
            is_mobile=phone,
            has_touch=phone,
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.violations: dict[str, list[str]] = {}
        self.checked: set[str] = set()
        self.exempt = tuple(site.url + path for path in AXE_EXEMPT)
        self.loaded: list[str] = []
        self.page.on("load", lambda page: self.loaded.append(page.url))

    def check_accessibility(self) -> None:
        """Runs axe-core on the page as it stands (once for each shape of page) and keeps
        its serious and critical violations."""
        page = self.page
        url = page.url.split("#")[0]
        if not url.startswith(self.site.url) or url.startswith(self.exempt):
            return
        self.checked.add(url)
        if page.evaluate("document.contentType") != "text/html":
            return
        found = violations_of(page)
        if found:
            self.violations[url] = found

    def check_pages_passed_through(self) -> None:
        """Pages reached by a click rather than ``go`` are checked here, opened again:
        the page in view now, then every other one that still answers."""
        self.check_accessibility()
        for url in dict.fromkeys(url.split("#")[0] for url in self.loaded):
            if (
                url in self.checked
                or not url.startswith(self.site.url)
                or url.startswith(self.exempt)
            ):
                continue
            response = self.page.goto(url)
            if response is not None and response.status < 400:
                self.check_accessibility()

    def go(self, path: str):
        response = self.page.goto(self.site.url + path)
        assert response is not None and response.status < 400, (path, response and response.status)
        self.check_accessibility()
        return self.page

    def login(self) -> "Actor":
        page = self.go("/login")
        page.fill("#email", self.email)
        page.fill("#password", PASSWORD)
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state()
        assert "/login" not in page.url, f"{self.email} could not log in"
        return self

    def shot(self, step: str, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.journey}-{step}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def close(self) -> None:
        """Checks the pages passed through, then closes the browser context; a second call
        (a journey that closed a person's browser itself) does nothing."""
        if self.page.is_closed():
            return
        self.check_pages_passed_through()
        self.context.close()


@pytest.fixture
def actors(browser, site, request):
    """``actors(email)`` opens a logged-in browser context for that person
    (``log_in=False``: not logged in yet, for someone who is still to register;
    ``phone=True``: at a phone's width). Fails the test if axe-core finds a serious or
    critical violation on any page it saw."""
    opened: list[Actor] = []
    journey = getattr(request.function, "journey", request.node.name.removeprefix("test_"))

    def open_actor(
        email: str,
        locale: str = "en-GB",
        name: str | None = None,
        *,
        log_in: bool = True,
        phone: bool = False,
    ) -> Actor:
        actor = Actor(browser, site, name or journey, email, locale, phone)
        opened.append(actor)
        return actor.login() if log_in else actor

    yield open_actor
    violations: dict[str, list[str]] = {}
    for actor in opened:
        actor.close()
        violations.update(actor.violations)
    assert not violations, "axe-core found serious or critical violations:\n" + "\n".join(
        f"{url}\n  " + "\n  ".join(found) for url, found in violations.items()
    )
