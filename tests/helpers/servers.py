"""Real servers for tests: a free port, the site's web server, waiting for a site to answer,
and a throw-away Redis.

Redis is Debian's ``redis-server`` (``.ci/run`` installs it), started on a free port with no
persistence and stopped when the ``with`` block ends.
"""

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_web(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    """The site's web server (gunicorn, as in production) on ``port``, logging to
    ``log_path``."""
    command = [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", "wsgi:app"]
    with open(log_path, "w") as log:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


@contextmanager
def same_site_with(site, logs: Path, settings: dict[str, str]):
    """The journeys' ``site`` (its database and scheduler) served by a second web server
    whose configuration adds ``settings``; yields that site as the journeys read it."""
    port = free_port()
    env = site.environment | {"PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", **settings}
    server = serve_web(env, port, logs / "web.log")
    try:
        wait_until_up(f"http://127.0.0.1:{port}/login", [server], logs)
        yield type(site)(f"http://127.0.0.1:{port}", site.db_path, env)
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_until_up(url: str, processes, logs: Path, timeout: float = 30) -> None:
    """Poll ``url`` until it answers 200; fail with the logs if a process exits first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for process in processes:
            if process.poll() is not None:
                text = "\n".join(log.read_text() for log in logs.glob("*.log"))
                raise RuntimeError(f"a site process exited:\n{text[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


@contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """A Redis server of its own; yields its URL (redis://127.0.0.1:port/0)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is needed (apt-get install redis-server; .ci/run does)")
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_redis(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_redis(port: int, process, timeout: float = 10) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError("redis-server exited at start")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"redis-server did not answer on port {port}")
