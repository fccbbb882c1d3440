"""One benchmark run: for each backend and size, a fresh database generated at that size,
the real site under gunicorn with the production configuration driven by wrk from another
process, then the counting sweep against its plain-SQL reference.

The server and every command run the benchmark's app (``bench.wsgi``): the product's app
with the reference routes and the ``flask bench`` commands added. Every step that touches
the database runs as its own ``flask bench ...`` process with the database's URL in its
environment, so this module holds no connection of its own.
"""

import io
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from app.core.config import PROJECT_ROOT
from bench.client import log_in, vote_requests
from bench.cluster import measure_cluster, redis_binary
from bench.load import run_wrk
from bench.memory import import_footprint, memory_mb
from bench.processes import WORK_DIR, Plan, flask, flask_json, serving, worker_pids
from bench.rows import BENCH_BUYER, BENCH_MEDIATOR, BENCH_PASSWORD

PHOTO_BYTES = 9_800_000  # just under the 10 MB limit for photos
# Rate limits guard people, not throughput: the load comes from a handful of accounts
UNLIMITED = {"LOGIN_RATE_LIMIT": "100000 per minute", "VOTE_RATE_LIMIT": "1000000 per minute"}


@dataclass
class Backend:
    name: str  # "sqlite" or "postgresql"
    url_for_size: Callable[[int], str] = field(repr=False)


def backends(choice: str) -> list[Backend]:
    """SQLite; with a PostgreSQL ``DATABASE_URL``, PostgreSQL and the two-node cluster on it."""
    found = [Backend("sqlite", lambda size: f"sqlite:///{WORK_DIR / f'bench-{size}.db'}")]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        found.append(Backend("postgresql", lambda _size: url))
        found.append(Backend("cluster", lambda _size: url))
    if choice != "all":
        found = [b for b in found if b.name == choice]
    return found


def run(plan: Plan, backend_choice: str, log=print) -> dict:
    chosen = backends(backend_choice)
    if any(backend.name == "cluster" for backend in chosen):
        redis_binary()
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    results = {"plan": vars(plan), "machine": machine(), "started": _timestamp(), "runs": []}
    for backend in chosen:
        # the cluster measures throughput, which does not grow with the history: one size
        sizes = plan.sizes[:1] if backend.name == "cluster" else plan.sizes
        for size in sizes:
            log(f"== {backend.name}, {size:,} cases")
            if backend.name == "cluster":
                env = _environment(backend.url_for_size(size), size, plan.workers)
                _prepare(backend, env, size, log)
                measured = measure_cluster(plan, env, log)
            else:
                measured = measure(plan, backend, size, log)
            results["runs"].append({"backend": backend.name, "cases": size, **measured})
    return results


def measure(plan: Plan, backend: Backend, size: int, log) -> dict:
    env = _environment(backend.url_for_size(size), size, plan.workers)
    result = {"generation": _prepare(backend, env, size, log)}
    result["analytics"] = flask_json(env, "bench", "analytics")
    log(f"   dashboard's figures: {result['analytics']['dashboard_ms']} ms")
    with serving(env) as port:
        result["web"] = _web_measures(plan, env, port, log)
    result["web"]["memory"]["import"] = import_footprint(env)
    result["sweep"] = {}
    for kind in ("reference", "real"):
        flask_json(env, "bench", "add-due-panels", str(plan.due_panels))
        result["sweep"][kind] = flask_json(env, "bench", "sweep", "--kind", kind)
        log(f"   {kind} sweep: {result['sweep'][kind]['panels_per_second']} panels/s")
    return result


def _prepare(backend: Backend, env: dict, size: int, log) -> dict:
    """A fresh database of ``size`` cases; what its generation took."""
    _fresh_database(backend, env)
    generated = flask_json(env, "bench", "generate", "--cases", str(size))
    log(f"   generated in {generated['seconds']} s: {generated['rows']:,} rows")
    return generated


# --- the web measures


def _web_measures(plan: Plan, env: dict, port: int, log) -> dict:
    facts = flask_json(env, "bench", "facts")
    base = f"http://127.0.0.1:{port}"
    buyer = log_in("127.0.0.1", port, BENCH_BUYER, BENCH_PASSWORD)
    mediator = log_in("127.0.0.1", port, BENCH_MEDIATOR, BENCH_PASSWORD)
    cookie = buyer.cookie_header
    files = WORK_DIR / "requests"
    files.mkdir(exist_ok=True)

    def lines(name: str, rows: list[tuple]) -> Path:
        path = files / f"{name}.tsv"
        path.write_text("".join("\t".join(map(str, row)) + "\n" for row in rows))
        return path

    reads = facts["read_cases"]
    requests = {
        "hello": lines("hello", [("GET", "/bench/hello", cookie)]),
        "case_page": lines("case", [("GET", f"/cases/{i}", cookie) for i in reads]),
        "reference_page": lines(
            "reference", [("GET", f"/bench/reference/cases/{i}", cookie) for i in reads]
        ),
        "queue": lines("queue", [("GET", "/mediation/", mediator.cookie_header)]),
        "dashboard": lines("dashboard", [("GET", "/analytics/", mediator.cookie_header)]),
        "transparency": lines("transparency", [("GET", "/transparency", "")]),
    }
    web = {}
    for name, path in requests.items():
        run_wrk(base, path, seconds=plan.warmup, connections=plan.connections)
        web[name] = run_wrk(base, path, seconds=plan.seconds, connections=plan.connections)
        log(f"   {name}: {web[name].requests_per_second:.0f} req/s, p99 {web[name].p99_ms} ms")
    votes = vote_requests(port, facts, files / "votes.tsv")
    web["vote"] = run_wrk(base, votes, seconds=plan.seconds, connections=plan.connections)
    log(f"   vote: {web['vote'].requests_per_second:.0f} req/s")
    web["upload"] = _uploads(plan, base, buyer, facts)
    log(f"   upload: {web['upload'].requests_per_second:.2f} uploads/s")
    checks = flask_json(env, "bench", "facts")
    memory = _worker_memory(port)
    out = {name: result.as_dict() for name, result in web.items()}
    out["vote"]["votes_recorded"] = checks["votes_on_bench_seats"] - facts["votes_on_bench_seats"]
    out["vote"]["seats_voted_twice"] = checks["seats_voted_twice"]
    out["upload"]["entries_recorded"] = checks["upload_entries"] - facts["upload_entries"]
    out["memory"] = memory
    return out


def _uploads(plan: Plan, base: str, buyer, facts: dict):
    token = buyer.csrf_token(f"/cases/{facts['upload_cases'][0]}")
    boundary = "bench" + secrets.token_hex(8)
    body = multipart(
        boundary,
        {"csrf_token": token, "kind": "image", "text": ""},
        ("file", "kettle.jpg", "image/jpeg", photo()),
    )
    body_file = WORK_DIR / "requests" / "upload.body"
    body_file.write_bytes(body)
    path = WORK_DIR / "requests" / "upload.tsv"
    rows = [
        f"POST\t/cases/{case}/evidence\t{buyer.cookie_header}\t\n" for case in facts["upload_cases"]
    ]
    path.write_text("".join(rows))
    return run_wrk(
        base,
        path,
        seconds=max(plan.seconds, 10),
        connections=2,
        threads=1,
        body_file=body_file,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def photo() -> bytes:
    """A JPEG of noise just under the photo limit: the costliest photo to re-encode. One
    trial encoding gives the bytes per pixel; the side is then shrunk until it fits."""

    def encode(side: int) -> bytes:
        size = (side, side * 3 // 4)
        buffer = io.BytesIO()
        Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(
            buffer, "JPEG", quality=90
        )
        return buffer.getvalue()

    trial = 1000
    side = int(trial * (PHOTO_BYTES / len(encode(trial))) ** 0.5)
    while len(photo := encode(side)) > PHOTO_BYTES:
        side -= 40
    return photo


def multipart(boundary: str, fields: dict, upload: tuple) -> bytes:
    parts = []
    for name, value in fields.items():
        disposition = f'Content-Disposition: form-data; name="{name}"'
        parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
    name, filename, content_type, data = upload
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
        f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
    )
    parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


def _worker_memory(port: int) -> dict:
    """The peak and current resident memory of the largest gunicorn worker serving ``port``."""
    workers = worker_pids(port)
    return {
        "web_worker_peak_mb": max(memory_mb(worker, "VmHWM") for worker in workers),
        "web_worker_rss_mb": max(memory_mb(worker, "VmRSS") for worker in workers),
    }


# --- processes


def _environment(url: str, size: int, workers: int) -> dict:
    return {
        **os.environ,
        **UNLIMITED,
        "WEB_WORKERS": str(workers),
        "TRIBUNAL_CONFIG": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": url,
        "EVIDENCE_DIR": str(WORK_DIR / f"evidence-{size}"),
        "MAIL_BACKEND": "console",
    }


def _fresh_database(backend: Backend, env: dict) -> None:
    shutil.rmtree(env["EVIDENCE_DIR"], ignore_errors=True)
    if backend.name == "sqlite":
        database = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    else:
        flask_json(env, "bench", "wipe")
    flask(env, "db", "upgrade")


# --- the machine


def machine() -> dict:
    def first(path: str, prefix: str) -> str:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
        return "unknown"

    return {
        "cpu": first("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "memory_gib": round(int(first("/proc/meminfo", "MemTotal").split()[0]) / 1024**2, 1),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "wrk": _first_line_of(["wrk", "--version"]),
        "commit": _first_line_of(["git", "rev-parse", "--short", "HEAD"]),
    }


def _first_line_of(command: list[str]) -> str:
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)  # noqa: S603
    return done.stdout.split("\n")[0].strip()


def _timestamp() -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
