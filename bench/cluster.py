"""The two-node cluster: the site served by one web node and then by two (each a gunicorn of
its own on its own port) on the same PostgreSQL database, with the rate limits counted in one
Redis server, and wrk spreading its connections over the nodes. The case page, hello-world
and casting votes are measured with one node and with two in the same run.

Every process of the measure runs on this one machine, so two nodes can only go as far as
its cores allow. Each load therefore also counts the CPU time its parts took (the web nodes,
the database's backends, Redis, wrk) and the machine's busy time, so the report can say how
far the cores let a second node go and how much of that it went.
"""

import os
import resource
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench.client import log_in, vote_requests
from bench.load import run_wrk
from bench.processes import (
    WORK_DIR,
    Plan,
    flask_json,
    free_port,
    server_pid,
    serving,
    worker_pids,
)
from bench.rows import BENCH_BUYER, BENCH_PASSWORD

NODE_COUNTS = (1, 2)
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def measure_cluster(plan: Plan, env: dict, log) -> dict:
    """Each node count in turn on the same database and the same Redis."""
    with redis_server(WORK_DIR / "redis") as (url, redis_pid):
        env = {**env, "RATELIMIT_STORAGE_URI": url}
        nodes = {}
        for count in NODE_COUNTS:
            log(f"   {count} web node(s) of {plan.workers} worker(s)")
            nodes[str(count)] = _with_nodes(plan, env, count, redis_pid, log)
    return {"workers": plan.workers, "cores": os.cpu_count(), "nodes": nodes}


def _with_nodes(plan: Plan, env: dict, count: int, redis_pid: int, log) -> dict:
    with ExitStack() as stack:
        ports = [
            stack.enter_context(serving(env, f"web-{number}-of-{count}.log"))
            for number in range(1, count + 1)
        ]
        facts = flask_json(env, "bench", "facts")
        cookie = log_in("127.0.0.1", ports[0], BENCH_BUYER, BENCH_PASSWORD).cookie_header
        requests = WORK_DIR / "requests"
        requests.mkdir(exist_ok=True)
        pages = {
            "hello": [f"GET\t/bench/hello\t{cookie}\n"],
            "case_page": [f"GET\t/cases/{case}\t{cookie}\n" for case in facts["read_cases"]],
        }
        load = _Load(plan, env, ports, redis_pid)
        out = {}
        for name, rows in pages.items():
            path = requests / f"cluster-{name}.tsv"
            path.write_text("".join(rows))
            out[name] = load.measure(path, warmup=True)
            log(f"     {name}: {out[name]['requests_per_second']:.0f} req/s")
        # each reviewer logs in on the first node; its session cookie serves on either
        votes = vote_requests(ports[0], facts, requests / f"cluster-votes-{count}.tsv")
        out["vote"] = load.measure(votes)
        checks = flask_json(env, "bench", "facts")
        out["vote"]["votes_recorded"] = (
            checks["votes_on_bench_seats"] - facts["votes_on_bench_seats"]
        )
        out["vote"]["seats_voted_twice"] = checks["seats_voted_twice"]
        log(f"     vote: {out['vote']['requests_per_second']:.0f} req/s")
        return out


class _Load:
    """Loads on the nodes at ``ports``: ``plan.connections`` for each node."""

    def __init__(self, plan: Plan, env: dict, ports: list[int], redis_pid: int):
        self.plan, self.env, self.ports, self.redis_pid = plan, env, ports, redis_pid

    def measure(self, path: Path, warmup: bool = False) -> dict:
        if warmup:
            self._wrk(path, self.plan.warmup)
        web = [pid for port in self.ports for pid in [server_pid(port), *worker_pids(port)]]
        before = {
            "web": cpu_by_process(web),
            "database": cpu_by_process(self._database_backends()),
            "redis": cpu_by_process([self.redis_pid]),
        }
        machine_before, children_before = machine_busy_seconds(), _children_cpu_seconds()
        started = time.perf_counter()
        result = self._wrk(path, self.plan.seconds).as_dict()
        spent = {
            "web": cpu_spent(before["web"], web),
            "redis": cpu_spent(before["redis"], [self.redis_pid]),
            "load": _children_cpu_seconds() - children_before,
            "machine": machine_busy_seconds() - machine_before,
            "wall": time.perf_counter() - started,
        }
        # a node's pool opens and closes connections under load: the backends are listed
        # again, so those opened during the load count from their start
        spent["database"] = cpu_spent(before["database"], self._database_backends())
        result["cpu_seconds"] = {name: round(seconds, 2) for name, seconds in spent.items()}
        return result

    def _database_backends(self) -> list[int]:
        return flask_json(self.env, "bench", "backends")["pids"]

    def _wrk(self, path: Path, seconds: int):
        base = f"http://127.0.0.1:{self.ports[0]}"
        connections = self.plan.connections * len(self.ports)
        return run_wrk(base, path, seconds=seconds, connections=connections, ports=self.ports)


def cpu_by_process(pids) -> dict[int, float]:
    """User and system CPU time each of the processes ``pids`` has taken (those gone are
    left out)."""
    spent = {}
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # the name may hold spaces; fields follow it
        spent[int(pid)] = (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND  # utime, stime
    return spent


def cpu_spent(before: dict[int, float], pids) -> float:
    """CPU time the processes ``pids`` have taken since ``before`` (from ``cpu_by_process``);
    one started since counts from its start. A process that ended meanwhile took its time
    with it: what it spent since ``before`` is not counted, so the figure is never less
    than nothing."""
    now = cpu_by_process(pids)
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in now.items())


def machine_busy_seconds() -> float:
    """Core-seconds every core of the machine has spent busy since boot (not idle, not
    waiting for a disk), whoever ran."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle, iowait = values[3], values[4]
    return (sum(values[:8]) - idle - iowait) / TICKS_PER_SECOND


def _children_cpu_seconds() -> float:
    """CPU time of the finished child processes: wrk, once its run has been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def redis_binary() -> str:
    """Debian's ``redis-server``, which the cluster needs: checked before a run begins."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("the cluster needs redis-server: sudo apt-get install redis-server")
    return binary


@contextmanager
def redis_server(directory: Path) -> Iterator[tuple[str, int]]:
    """Debian's ``redis-server`` on a free port, keeping nothing on disk; yields its URL and
    its process id."""
    binary = redis_binary()
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = subprocess.Popen(  # noqa: S603  (a fixed argv)
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(directory)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if process.poll() is not None:
                raise RuntimeError("redis-server exited at start")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0", process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)
