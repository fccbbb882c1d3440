"""The benchmark's processes: what a run plans, the site under gunicorn on a free port, and
the ``flask bench ...`` steps, each a process of its own that prints one line of JSON."""

import json
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.core.config import PROJECT_ROOT

WORK_DIR = PROJECT_ROOT / "instance" / "bench"
FLASK = [sys.executable, "-m", "flask", "--app", "bench.wsgi"]
GUNICORN = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]


@dataclass
class Plan:
    sizes: list[int]
    seconds: int  # each measured load
    warmup: int
    due_panels: int
    connections: int = 8
    quick: bool = False
    workers: int = 1  # gunicorn workers of each web node (`WEB_WORKERS`)


QUICK = Plan(sizes=[10_000], seconds=5, warmup=2, due_panels=2_000, quick=True)
FULL = Plan(sizes=[10_000, 100_000, 1_000_000], seconds=15, warmup=3, due_panels=10_000)


# --- the site

_servers: dict[int, subprocess.Popen] = {}


@contextmanager
def serving(env: dict, log_name: str = "web.log"):
    """The site under gunicorn on a free port, with ``WEB_WORKERS`` from ``env``."""
    port = free_port()
    log = open(WORK_DIR / log_name, "w")  # noqa: SIM115  (closed below)
    server = subprocess.Popen(  # noqa: S603  (a fixed argv)
        GUNICORN + ["--bind", f"127.0.0.1:{port}", "bench.wsgi:app"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    _servers[port] = server
    try:
        _wait_until_listening(port, server, log_name)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
        del _servers[port]


def _wait_until_listening(port: int, server: subprocess.Popen, log_name: str) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {WORK_DIR / log_name}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not start listening")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_pid(port: int) -> int:
    """The gunicorn master serving ``port``."""
    return _servers[port].pid


def worker_pids(port: int) -> list[str]:
    """The gunicorn workers of the server on ``port`` (the master's children)."""
    master = server_pid(port)
    return Path(f"/proc/{master}/task/{master}/children").read_text().split()


# --- the steps


def flask(env: dict, *args: str) -> str:
    done = subprocess.run(  # noqa: S603  (a fixed argv)
        FLASK + list(args), cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def flask_json(env: dict, *args: str) -> dict:
    """``flask ARGS`` in a process of its own; the JSON of its last line."""
    return json.loads(flask(env, *args).strip().splitlines()[-1])
