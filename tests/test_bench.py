"""The benchmark's own parts, at a tiny scale: the generated data is real data the site
serves, the reference page reads the same entries as the case page, the plain-SQL sweep
makes the same writes as the real one, and wrk's report is read right."""

import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from app.analytics.facts import fill_case_facts
from app.analytics.models import CaseFact
from app.cases.chains import check_chains
from app.cases.models import Case, EvidenceEntry
from app.core.config import PROJECT_ROOT
from app.core.extensions import db
from app.jury.counting import count_due_panels
from app.jury.models import Panel, Reviewer, Tally
from bench.app import create_bench_app
from bench.cluster import cpu_by_process, cpu_spent, machine_busy_seconds
from bench.generate import Generator, generate, people_of
from bench.load import parse, run_wrk
from bench.report import render
from bench.rows import BENCH_BUYER, BENCH_PASSWORD, Shape
from bench.sweeps import reference_count_due_panels

pytestmark = pytest.mark.committing

TINY = Shape(
    cases=150,
    open_cases=100,
    read_cases=2,
    entries_per_side=20,
    upload_cases=2,
    vote_panels=3,
    bench_reviewers=17,
    reviewers=40,
    mediators=2,
    chunk=97,  # not a divisor of anything: flushes land mid-case
)


@pytest.fixture
def generated(app):
    generate(TINY)
    return people_of()


def read_cases(people) -> list[Case]:
    return db.session.scalars(
        select(Case).where(Case.buyer_id == people.buyer, Case.state == "mediation")
    ).all()


def test_the_generated_database_has_the_shape_asked_for(generated):
    assert db.session.scalar(select(func.count(Case.id))) == TINY.cases
    states = dict(db.session.execute(select(Case.state, func.count()).group_by(Case.state)).all())
    assert states["closed"] == TINY.history
    assert sum(states.values()) - states["closed"] == TINY.open_cases
    assert len(read_cases(generated)) == TINY.read_cases
    assert len(generated.bench_reviewers) == TINY.bench_reviewers
    # the hash chains and the stored photos are real: `flask evidence verify` passes
    report = check_chains()
    assert report.problems == [] and report.files_checked == TINY.read_cases * 2 * 4
    # open panels have not run out of time: only real work is due
    assert count_due_panels() == 0


def test_the_generated_cases_get_their_facts_as_the_sweep_would_fill_them(generated):
    assert fill_case_facts() == TINY.cases
    first_actions = select(func.count()).where(CaseFact.first_action_seconds.is_not(None))
    # the history's audit trail (into mediation, the mediator's first step) is read
    assert db.session.scalar(first_actions) >= TINY.history


def test_the_case_page_and_the_reference_page_show_the_same_entries(app, generated):
    case = read_cases(generated)[0]
    entries = db.session.scalars(select(EvidenceEntry.id).where(EvidenceEntry.case_id == case.id))
    expected = {f'id="entry-{entry_id}"' for entry_id in entries}
    assert len(expected) == 2 * TINY.entries_per_side
    db.session.remove()

    bench_app = create_bench_app(dict(app.config))
    client = bench_app.test_client()
    login = client.post("/login", data={"email": BENCH_BUYER, "password": BENCH_PASSWORD})
    assert login.status_code == 302
    real = client.get(f"/cases/{case.id}").get_data(as_text=True)
    reference = client.get(f"/bench/reference/cases/{case.id}").get_data(as_text=True)
    hello = client.get("/bench/hello")

    assert all(marker in real for marker in expected)
    assert reference.count("<li class=") == 2 * TINY.entries_per_side
    assert hello.status_code == 200 and hello.get_data(as_text=True) == "Hello, world!"
    # the site proper has no such routes
    assert app.test_client().get("/bench/hello").status_code == 404


def test_the_product_has_no_bench_command_and_never_imports_bench(app):
    assert "bench" not in app.cli.commands
    importing = re.compile(r"^\s*(from|import)\s+bench\b", re.M)
    sources = (PROJECT_ROOT / "app").rglob("*.py")
    assert [path for path in sources if importing.search(path.read_text())] == []


def rows_per_table() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def added(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after[name] - before[name] for name in after if after[name] != before[name]}


def test_the_plain_sql_sweep_writes_what_the_real_sweep_writes(generated):
    still_open = select(func.count(Panel.id)).where(Panel.status == "open")
    open_before = db.session.scalar(still_open)

    def sweep(count_panels, seed: int) -> tuple[dict[str, int], list[Panel]]:
        generator = Generator(replace(TINY, cases=0), seed=seed)
        generator.people = people_of()
        earlier = set(db.session.scalars(select(Panel.id)))
        generator.panels.add_due(4)
        generator.out.flush()
        before = rows_per_table()
        resolved = db.session.scalar(select(func.sum(Reviewer.resolved)))
        assert count_panels() == 4
        db.session.commit()
        writes = added(before, rows_per_table())
        writes["reviewer verdicts"] = (
            db.session.scalar(select(func.sum(Reviewer.resolved))) - resolved
        )
        panels = db.session.scalars(select(Panel).where(Panel.id.not_in(earlier))).all()
        return writes, panels

    reference_writes, reference_panels = sweep(reference_count_due_panels, seed=1)
    real_writes, real_panels = sweep(count_due_panels, seed=2)

    assert reference_writes == real_writes
    assert real_writes == {
        "audit_events": 4,
        "outbox_messages": 4 * 10,  # the decision to three people, the verdict to two; 2 channels
        "tallies": 4,
        "reviewer verdicts": 4 * 11,
    }
    for panel in reference_panels + real_panels:
        tally = db.session.scalar(select(Tally).where(Tally.panel_id == panel.id))
        assert panel.status == "decided" and tally.votes_cast == 11
        assert (panel.case.state, panel.case.decision_kind) == ("decided", "panel")
    assert db.session.scalar(still_open) == open_before  # panels still waiting were left alone


WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:40111
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    16.42ms   12.18ms 281.63ms   93.11%
    Req/Sec    25.40      7.01    40.00     67.00%
  Latency Distribution
     50%   14.80ms
     75%  850.00us
     90%   21.44ms
     99%    1.20s
  254 requests in 5.03s, 8.40MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:     50.49
Transfer/sec:      1.67MB
BENCH sent 262 answered-ok 250
"""


def test_wrks_report_is_read_with_its_units():
    result = parse(WRK_OUTPUT)
    assert result.requests_per_second == 50.49
    assert (result.p50_ms, result.p99_ms) == (14.8, 1200.0)
    assert result.requests == 254
    assert result.errors == 4 + 3
    assert (result.sent, result.answered_ok) == (262, 250)


def test_the_report_gives_each_figure_with_its_ratio():
    def load(rps, p50=2.0, p99=9.0, **extra):
        return {
            "requests_per_second": rps,
            "p50_ms": p50,
            "p99_ms": p99,
            "requests": 1,
            "errors": 0,
            "sent": 1,
            "answered_ok": 1,
            **extra,
        }

    run = {
        "backend": "sqlite",
        "cases": 10_000,
        "generation": {"rows": 1000, "seconds": 1.5},
        "web": {
            "hello": load(1000),
            "reference_page": load(400),
            "case_page": load(200, p50=4.0),
            "queue": load(50, p50=20.0),
            "vote": load(300, votes_recorded=1, seats_voted_twice=0),
            "upload": load(4, p50=400.0, entries_recorded=20),
            "memory": {"web_worker_peak_mb": 120.0, "import": {"rss_mb": 84.0}},
        },
        "sweep": {
            "reference": {"panels_per_second": 600.0, "panels": 100, "seconds": 0.2},
            "real": {"panels_per_second": 300.0, "panels": 100, "seconds": 0.3, "peak_rss_mb": 99},
        },
    }
    bigger = {
        **run,
        "cases": 100_000,
        "sweep": {**run["sweep"], "real": {**run["sweep"]["real"], "seconds": 0.6}},
    }
    results = {
        "started": "2026-11-23 16:00 UTC",
        "plan": {"quick": False, "seconds": 15, "connections": 8, "due_panels": 100},
        "machine": {
            "cpu": "CPU",
            "cores": 2,
            "memory_gib": 24,
            "python": "3.11",
            "sqlite": "3.40",
            "wrk": "wrk 4.1.0",
            "commit": "abc1234",
        },
        "runs": [run, bigger],
    }
    page = render([results])
    assert "| 10,000 cases | 100,000 cases |" in page
    assert "0.50 × reference, 0.20 × hello" in page  # the case page
    assert "0.30 × hello" in page  # the vote
    assert "300 panels/s (100 in 0.3 s); 0.50 × reference" in page
    assert "sweep time 2.00 ×" in page  # growth of the second size against the first
    assert "| 2026-11-23 16:00 UTC abc1234 | sqlite | 100,000 |" in page
    assert "web worker 120.0 MB, 84.0 MB once the app is built, sweep process 99 MB" in page


def test_the_cluster_report_gives_two_nodes_against_one_and_what_the_cores_allow():
    def load(rps, web_cpu, requests, **extra):
        cpu = {"web": web_cpu, "database": 1.0, "redis": 0.0, "load": 0.0}
        return {
            "requests_per_second": rps,
            "p50_ms": 5.0,
            "p99_ms": 20.0,
            "requests": requests,
            "errors": 0,
            "sent": requests,
            "answered_ok": requests,
            "cpu_seconds": {**cpu, "machine": sum(cpu.values()) + 2.0, "wall": 10.0},
            **extra,
        }

    votes = {"votes_recorded": 1000, "seats_voted_twice": 0}
    cluster = {
        "backend": "cluster",
        "cases": 10_000,
        "workers": 1,
        "cores": 2,
        "nodes": {
            # one node: 9 + 1 s of CPU for 1,000 requests, 10 ms each: two cores give 200/s
            "1": {
                "hello": load(500, 4.0, 5000),
                "case_page": load(100, 9.0, 1000),
                "vote": load(100, 9.0, 1000, **votes),
            },
            "2": {
                "hello": load(900, 8.0, 9000),
                "case_page": load(160, 15.0, 1600),
                "vote": load(150, 14.0, 1500, **votes),
            },
        },
    }
    results = {
        "started": "2026-11-30 22:00 UTC",
        "plan": {"quick": True, "seconds": 10, "connections": 8, "due_panels": 100},
        "machine": {"cpu": "CPU", "cores": 2, "commit": "abc1234"},
        "runs": [cluster],
    }
    page = render([results])
    assert "### cluster: 2026-11-30 22:00 UTC, commit abc1234 (quick)" in page
    assert "| case page | 100/s, p50 5.0 ms, p99 20.0 ms | 160/s" in page
    assert "| 1.60 × (all 2 cores would allow 2.00 ×) |" in page
    assert "| 1.50 × (all 2 cores would allow 2.00 ×) |" in page  # votes
    # hello: 4 + 1 s for 5,000 requests, 1 ms each: two cores give 2,000/s, four times 500/s
    assert "| 1.80 × (all 2 cores would allow 2.00 ×) |" in page
    # web 9 s over 1,000 requests; 1 core busy with the measured parts, 0.2 with other work
    assert "web 9.0 ms, database 1.0 ms" in page
    assert "cores busy: 1.00 with these, 0.20 with other work, of 2" in page
    assert "| 2026-11-30 22:00 UTC abc1234 quick | 1 | 100 → 160/s (1.60 ×)" in page
    assert "| run | backend | cases |" in page  # the other backends' history, empty here


def test_the_cpu_a_process_took_is_read_from_the_kernel():
    gone = 2**22 + 1
    before = cpu_by_process([os.getpid(), gone])
    assert list(before) == [os.getpid()]  # a process that is gone is left out
    started = time.process_time()
    while time.process_time() - started < 0.3:
        pass
    assert 0.2 <= cpu_spent(before, [os.getpid()]) < 5
    assert machine_busy_seconds() > 0


def test_cpu_spent_counts_a_process_started_since_and_never_less_than_nothing():
    """A node's pool closes and opens database connections under load: a backend that ended
    must not make the figure negative, and one that started must count."""
    started = subprocess.Popen(  # noqa: S603  (a fixed argv)
        [
            sys.executable,
            "-c",
            "import time\nt = time.process_time()\n"
            "while time.process_time() - t < 0.3: pass\ntime.sleep(30)",
        ]
    )
    try:
        deadline = time.monotonic() + 20
        while cpu_by_process([started.pid]).get(started.pid, 0) < 0.25:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        ended = 2**22 + 1  # listed before, gone now, with a large CPU time to lose
        before = {ended: 100.0}
        assert cpu_spent(before, [ended, started.pid]) >= 0.25
        assert cpu_spent(before, [ended]) == 0
    finally:
        started.kill()
        started.wait()


def test_wrk_spreads_its_connections_over_every_node(tmp_path):
    """Two servers, one line of requests, one wrk thread per node: each node is asked (a
    file of fewer lines than threads is every thread's)."""
    hits = Counter()

    class Node(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802  (http.server's name)
            hits[self.server.server_port] += 1
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    servers = [ThreadingHTTPServer(("127.0.0.1", 0), Node) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ports = [server.server_port for server in servers]
    requests = tmp_path / "hello.tsv"
    requests.write_text("GET\t/\t\n")
    try:
        result = run_wrk(
            f"http://127.0.0.1:{ports[0]}",
            requests,
            seconds=1,
            connections=2,
            threads=1,
            ports=ports,
        )
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    assert result.errors == 0
    assert hits[ports[0]] > 0 and hits[ports[1]] > 0
    assert hits[ports[0]] + hits[ports[1]] >= result.requests
