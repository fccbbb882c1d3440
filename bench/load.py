"""Driving the site with wrk: one run, parsed into requests per second and latencies."""

import os
import re
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

SCRIPT = Path(__file__).parent / "lua" / "requests.lua"
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers and socket errors
    sent: int  # requests handed to the server (some may be cut off at the end)
    answered_ok: int

    def as_dict(self) -> dict:
        return asdict(self)


def run_wrk(
    base_url: str,
    requests_file: Path,
    *,
    seconds: int,
    connections: int = 8,
    threads: int = 2,
    body_file: Path | None = None,
    content_type: str | None = None,
    ports: list[int] | None = None,
) -> LoadResult:
    """One load on ``base_url``; with ``ports``, spread over the web nodes listening on those
    ports of the same host, ``threads`` of wrk on each (its threads take the nodes in turn)."""
    if ports:
        threads *= len(ports)
    env = {
        **os.environ,
        "BENCH_PORTS": ",".join(map(str, ports or [])),
        "BENCH_REQUESTS": str(requests_file),
        "BENCH_BODY_FILE": str(body_file or ""),
        "BENCH_CONTENT_TYPE": content_type or "application/x-www-form-urlencoded",
    }
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(SCRIPT),
        base_url,
        "--",
        str(threads),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)  # noqa: S603  (a fixed argv)
    return parse(done.stdout)


def parse(output: str) -> LoadResult:
    def number(pattern: str) -> float:
        found = re.search(pattern, output)
        return float(found.group(1)) if found else 0.0

    def latency(percentile: str) -> float:
        found = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        return round(float(found.group(1)) * UNITS_MS[found.group(2)], 2)

    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(number(r"Non-2xx or 3xx responses: (\d+)"))
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return LoadResult(
        requests_per_second=number(r"Requests/sec:\s+([\d.]+)"),
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        requests=int(number(r"(\d+) requests in")),
        errors=errors,
        sent=int(number(r"BENCH sent (\d+)")),
        answered_ok=int(number(r"answered-ok (\d+)")),
    )
