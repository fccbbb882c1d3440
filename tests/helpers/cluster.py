"""A cluster of the site on one machine, for the cluster test: two web nodes (gunicorn, each
its own process group, on ports of their own), two scheduler processes, a PostgreSQL schema
of its own, a Redis of its own for the rate limits, and a SeaweedFS of its own whose S3
bucket holds the evidence.

Every process gets the same environment (``Cluster.environment``); where the evidence files
live is decided in one place (``evidence_storage``). A visitor (``Visitor``) alternates
between the nodes request by request, with one session cookie for both, as a client behind a
balancer would; ``Cluster.kill`` ends a process group with SIGKILL and ``Cluster.restart``
starts it again.
"""

import hashlib
import os
import re
import signal
import subprocess
import sys
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape
from itertools import count
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from urllib3.exceptions import MaxRetryError, NewConnectionError

from tests.helpers.object_store import new_bucket, s3_settings, seaweedfs_server
from tests.helpers.pages import HIDDEN_INPUT, csrf_token_from
from tests.helpers.servers import ROOT, free_port, redis_server, wait_until_up

BIN = Path(sys.executable).parent
PANEL_SEATS, PANEL_MAJORITY = 5, 3
TIMEOUT = 30


@contextmanager
def evidence_storage(base: Path):
    """Where every node keeps and reads evidence files; yields the settings that say so: a
    bucket of a SeaweedFS of the cluster's own (its S3 gateway), and no folder they share
    (each node's own ``EVIDENCE_DIR`` holds only its scratch files)."""
    with seaweedfs_server(base / "seaweedfs") as endpoint:
        yield s3_settings(endpoint, new_bucket(endpoint))


@contextmanager
def database_schema(url: str):
    """A PostgreSQL schema of the cluster's own in the database at ``url``; yields the URL
    that works in it. Dropped, with everything in it, at the end."""
    schema = f"cluster_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@dataclass
class Cluster:
    base: Path
    environment: dict[str, str]
    nodes: list[str] = field(default_factory=list)  # base URLs
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    lives: list[str] = field(default_factory=list)  # each process started, in order

    def start(self, name: str) -> None:
        """Start ``web-0``, ``web-1`` (on the port its URL names) or ``scheduler-N``."""
        if name.startswith("web-"):
            port = self.nodes[int(name.split("-")[1])].rsplit(":", 1)[1]
            command = [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py"]
            command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "-", "wsgi:app"]
        else:
            command = [str(BIN / "flask"), "--app", "wsgi", "scheduler", "run"]
        life = sum(1 for started in self.lives if started == name)
        self.lives.append(name)
        with open(self.base / f"{name}.{life}.log", "w") as log:
            self.processes[name] = subprocess.Popen(
                command,
                cwd=ROOT,
                # a disk of its own: whatever a node needs from another is in the bucket
                env=self.environment | {"EVIDENCE_DIR": str(self.base / f"{name}-disk")},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, killed as one
            )
        if name.startswith("web-"):
            url = self.nodes[int(name.split("-")[1])]
            wait_until_up(url + "/login", [self.processes[name]], self.base, timeout=60)

    def kill(self, name: str) -> None:
        """SIGKILL the whole process group: no worker finishes what it was doing."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def restart(self, name: str) -> None:
        self.start(name)

    def writes_answered(self, name: str, life: int = 0) -> int:
        """How many POSTs the web node ``name`` answered in its ``life`` (0: till killed)."""
        log = (self.base / f"{name}.{life}.log").read_text()
        return sum(1 for line in log.splitlines() if '"POST ' in line)

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@contextmanager
def running_cluster(base: Path, database_url: str, settings: dict[str, str]):
    """Redis, two web nodes and two schedulers on the migrated database at ``database_url``;
    yields the ``Cluster``. ``settings`` add to every process's environment."""
    with redis_server(base) as redis_url, evidence_storage(base) as storage:
        environment = {
            **os.environ,
            "TRIBUNAL_CONFIG": "development",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "cluster-test-not-secret",
            "SESSION_COOKIE_SECURE": "0",
            "MAIL_BACKEND": "memory",
            "RATELIMIT_STORAGE_URI": redis_url,
            "PANEL_SEATS": str(PANEL_SEATS),
            "PANEL_MAJORITY": str(PANEL_MAJORITY),
            "WEB_WORKERS": "1",
            "WEB_THREADS": "4",
            "ARGON2_TIME_COST": "2",
            "ARGON2_MEMORY_COST_KIB": "19456",
            "ARGON2_PARALLELISM": "1",
            **storage,
            **settings,
        }
        environment.pop("TEST_DATABASE_URL", None)
        cluster = Cluster(base, environment, [f"http://127.0.0.1:{free_port()}" for _ in "ab"])
        try:
            for name in ("web-0", "web-1", "scheduler-0", "scheduler-1"):
                cluster.start(name)
            yield cluster
        finally:
            cluster.stop_all()


class NoAnswer(Exception):
    """The request may or may not have been carried out: its node died while answering."""


_turns = count()
_turns_lock = threading.Lock()


def _next_node(nodes: list[str]) -> int:
    with _turns_lock:
        return next(_turns) % len(nodes)


def _never_reached(error: requests.ConnectionError) -> bool:
    """The node refused the connection: nothing of the request was carried out."""
    reason = error.args[0] if error.args else None
    return isinstance(reason, MaxRetryError) and isinstance(reason.reason, NewConnectionError)


class Visitor:
    """One person's browser: one session cookie, its requests spread over the nodes in turn.
    A request a dead node refused goes to the next node; one a node died answering raises
    ``NoAnswer``."""

    def __init__(self, nodes: list[str]):
        self.nodes = nodes
        self.session = requests.Session()

    def request(self, method: str, path: str, **options) -> requests.Response:
        first = _next_node(self.nodes)
        for turn in range(len(self.nodes)):
            url = self.nodes[(first + turn) % len(self.nodes)] + path
            try:
                return self.session.request(
                    method, url, allow_redirects=False, timeout=TIMEOUT, **options
                )
            except requests.ConnectionError as error:
                if not _never_reached(error):
                    raise NoAnswer(f"{method} {path}: {error}") from error
        raise NoAnswer(f"{method} {path}: no node answered")

    def token(self, path: str) -> str:
        page = self.request("GET", path)
        assert page.status_code == 200, (path, page.status_code)
        return csrf_token_from(page.text)

    def log_in(self, email: str, password: str) -> int:
        data = {"email": email, "password": password, "csrf_token": self.token("/login")}
        return self.request("POST", "/login", data=data).status_code

    def post_form(self, form_page: str, action: str, data: dict, files=None):
        data = {**data, "csrf_token": self.token(form_page)}
        return self.request("POST", action, data=data, files=files)

    def post_confirmed(self, form_page: str, action: str, data: dict):
        """A form with a confirmation step, confirmed."""
        step = self.post_form(form_page, action, data)
        assert 'id="confirmation-form"' in step.text, (action, step.status_code)
        form = step.text.split('id="confirmation-form"', 1)[1].split("</form>", 1)[0]
        fields = [(name, unescape(value)) for name, value in HIDDEN_INPUT.findall(form)]
        return self.request("POST", action, data=[*fields, ("confirmed", "yes")])

    def read_from(self, node: str, path: str) -> requests.Response:
        """A download from ``node``, following it wherever the node sends the reader."""
        return self.session.get(node + path, timeout=TIMEOUT)


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def case_id_in(location: str) -> int:
    return int(re.search(r"/cases/(\d+)", location).group(1))
