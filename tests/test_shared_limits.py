"""The login limits hold exactly when two gunicorn workers share their counters: in the
database, as the site keeps them by default, or in one Redis.

A real site (gunicorn, two worker processes, a migrated SQLite file) counts its attempts in
its database's rate-limit counters, or in a Redis server of its own. Login attempts arrive
from several threads at once; the access log names the worker process that answered each, so
the test knows both workers took part. Per process memory would let each worker allow the
whole limit; shared storage allows exactly it.
"""

import os
import re
import runpy
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from contextlib import nullcontext
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from app.core.config import PROJECT_ROOT
from tests.helpers.servers import free_port, redis_server, wait_until_up

BIN = Path(sys.executable).parent
ADDRESS_LIMIT = 12
ACCOUNT_LIMIT = 5
ATTEMPTS = 24
THREADS = 4
ROUNDS = 5


@pytest.fixture(autouse=True)
def _database():
    """This test talks to its own site and database: nothing to roll back."""
    yield


@pytest.fixture(scope="module", params=["database", "redis"])
def site(request, tmp_path_factory):
    base = tmp_path_factory.mktemp("shared-limits")
    port = free_port()
    storage = redis_server(base) if request.param == "redis" else nullcontext("")
    with storage as storage_uri:
        env = {
            **os.environ,
            "TRIBUNAL_CONFIG": "development",
            "DATABASE_URL": f"sqlite:///{base / 'tribunal.db'}",
            "EVIDENCE_DIR": str(base / "evidence"),
            "SECRET_KEY": "shared-limits-not-secret",
            "SESSION_COOKIE_SECURE": "0",
            "MAIL_BACKEND": "memory",
            "RATELIMIT_STORAGE_URI": storage_uri,  # unset: the database
            "LOGIN_RATE_LIMIT": f"{ADDRESS_LIMIT} per hour",
            "LOGIN_ACCOUNT_RATE_LIMIT": f"{ACCOUNT_LIMIT} per hour",
            "PROXY_FIX_HOPS": "1",  # each request says which address it comes from
            "WEB_WORKERS": "2",
            "WEB_THREADS": "1",
            "ARGON2_TIME_COST": "2",
            "ARGON2_MEMORY_COST_KIB": "19456",
            "ARGON2_PARALLELISM": "1",
        }
        env.pop("TEST_DATABASE_URL", None)
        migrate = [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"]
        subprocess.run(migrate, cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
        access_log = base / "access.txt"
        web = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                str(access_log),
                "--access-logformat",
                "%(p)s %(m)s %(U)s %(s)s %({x-forwarded-for}i)s",
                "wsgi:app",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=open(base / "web.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(url + "/login", [web], base)
            yield url, access_log
        finally:
            web.terminate()
            web.wait(timeout=10)


class Browser:
    """One visitor: its own cookies and the login form's CSRF token."""

    def __init__(self, url: str):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirects()
        )
        page = self.opener.open(url + "/login", timeout=30).read().decode()
        self.csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def log_in(self, email: str, from_address: str) -> int:
        body = urllib.parse.urlencode(
            {"csrf_token": self.csrf, "email": email, "password": "not the password"}
        ).encode()
        request = urllib.request.Request(  # noqa: S310  (the test's own http:// site)
            self.url + "/login", data=body, headers={"X-Forwarded-For": from_address}
        )
        try:
            return self.opener.open(request, timeout=30).status
        except urllib.error.HTTPError as error:
            return error.code


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def attempts_at_once(url: str, attempt) -> Counter:
    """``ATTEMPTS`` logins from ``THREADS`` visitors at once; the statuses they got."""
    statuses: Counter = Counter()
    lock = threading.Lock()

    def visitor(first: int) -> None:
        browser = Browser(url)
        for number in range(first, ATTEMPTS, THREADS):
            status = browser.log_in(*attempt(number))
            with lock:
                statuses[status] += 1

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def login_workers(access_log: Path, addresses: set[str]) -> set[str]:
    """The worker processes that answered logins from ``addresses``."""
    workers = set()
    for line in access_log.read_text().splitlines():
        pid, method, path, _status, address = line.split()
        if (method, path) == ("POST", "/login") and address in addresses:
            workers.add(pid)
    return workers


def rounds_until_both_workers_answer(access_log: Path, one_round) -> None:
    """Run ``one_round(n)`` (it asserts the exact counts, and returns the addresses it came
    from) until a round was answered by both workers: on a busy machine one worker can
    happen to take a whole round, which would prove nothing about sharing."""
    for number in range(ROUNDS):
        if len(login_workers(access_log, one_round(number))) == 2:
            return
    raise AssertionError(f"one worker answered every login in {ROUNDS} rounds")


def test_one_accounts_limit_is_exact_across_two_workers(site):
    url, access_log = site

    def one_round(number: int) -> set[str]:
        def attempt(n):
            return f"target{number}@example.com", f"10.{number}.0.{n + 1}"

        statuses = attempts_at_once(url, attempt)
        assert statuses == {200: ACCOUNT_LIMIT, 429: ATTEMPTS - ACCOUNT_LIMIT}
        return {attempt(n)[1] for n in range(ATTEMPTS)}

    rounds_until_both_workers_answer(access_log, one_round)


def test_one_addresss_limit_is_exact_across_two_workers(site):
    url, access_log = site

    def one_round(number: int) -> set[str]:
        address = f"198.51.{number}.9"
        statuses = attempts_at_once(url, lambda n: (f"person{number}-{n}@example.com", address))
        assert statuses == {200: ADDRESS_LIMIT, 429: ATTEMPTS - ADDRESS_LIMIT}
        return {address}

    rounds_until_both_workers_answer(access_log, one_round)


def test_make_run_serves_with_one_web_worker_per_core(monkeypatch):
    procfile = (PROJECT_ROOT / "Procfile").read_text()
    assert "--config gunicorn.conf.py" in procfile.split("web:", 1)[1].splitlines()[0]
    settings = str(PROJECT_ROOT / "gunicorn.conf.py")
    monkeypatch.delenv("WEB_WORKERS", raising=False)
    assert runpy.run_path(settings)["workers"] == len(os.sched_getaffinity(0))
    monkeypatch.setenv("WEB_WORKERS", "3")
    assert runpy.run_path(settings)["workers"] == 3
