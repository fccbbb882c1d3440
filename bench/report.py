"""docs/performance.md: the figures of every run are kept in docs/performance-runs.jsonl,
and the page's tables are written anew from them between two markers; the prose around
the markers is written by hand and left alone."""

import json

from app.core.config import PROJECT_ROOT

PAGE = PROJECT_ROOT / "docs" / "performance.md"
RUNS = PROJECT_ROOT / "docs" / "performance-runs.jsonl"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def record(results: dict) -> None:
    with RUNS.open("a") as file:
        file.write(json.dumps(results) + "\n")
    runs = [json.loads(line) for line in RUNS.read_text().splitlines() if line.strip()]
    page = PAGE.read_text() if PAGE.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    head, _, rest = page.partition(BEGIN)
    _, _, tail = rest.partition(END)
    PAGE.write_text(f"{head}{BEGIN}\n{render(runs)}{END}{tail}")


def render(runs: list[dict]) -> str:
    lines = []
    latest = {}
    for result in runs:
        for run in result["runs"]:
            latest[run["backend"]] = result
    for backend, result in latest.items():
        lines += _latest_cluster(result) if backend == "cluster" else _latest(backend, result)
    lines += _history(runs)
    lines += _cluster_history(runs)
    return "\n".join(lines) + "\n"


def _latest(backend: str, result: dict) -> list[str]:
    runs = [run for run in result["runs"] if run["backend"] == backend]
    machine, plan = result["machine"], result["plan"]
    sizes = [f"{run['cases']:,} cases" for run in runs]
    lines = [
        f"### {backend}: {result['started']}, commit {machine['commit']}"
        f"{' (quick)' if plan['quick'] else ''}",
        "",
        f"{machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB; "
        f"Python {machine['python']}, SQLite {machine['sqlite']}, {machine['wrk']}. "
        f"{_served(plan)} Loads of {plan['seconds']} s at {plan['connections']} connections; "
        f"{plan['due_panels']:,} due panels per sweep.",
        "",
        "| measure | " + " | ".join(sizes) + " |",
        "|---|" + "---|" * len(runs),
    ]
    for label, cell in ROWS:
        lines.append(f"| {label} | " + " | ".join(cell(run, runs[0]) for run in runs) + " |")
    return lines + [""]


def _served(plan: dict) -> str:
    workers = plan.get("workers", 1)  # runs recorded before --workers served one
    return f"One web node of {workers} gunicorn worker{'s' if workers > 1 else ''} × 8 threads."


def _rate(measure: dict) -> str:
    rate = f"{measure['requests_per_second']:,.0f}/s"
    return f"{rate}, p50 {measure['p50_ms']} ms, p99 {measure['p99_ms']} ms"


def _ratio(value: float, reference: float) -> str:
    return f"{value / reference:.2f} ×" if reference else "n/a"


def _web(name: str):
    return lambda run, _first: _rate(run["web"][name])


def _measured_web(name: str):
    """A load that runs recorded before it was measured have no figure for."""
    return lambda run, _first: _rate(run["web"][name]) if name in run["web"] else "not measured"


def _analytics(run: dict, _first: dict) -> str:
    if "analytics" not in run:
        return "not measured"
    analytics = run["analytics"]
    figures = analytics["figures_ms"]
    slowest = max(figures, key=figures.get)
    return (
        f"every figure over {analytics['range_days']} days {analytics['dashboard_ms']} ms "
        f"(CPU {analytics['dashboard_cpu_ms']} ms; slowest {slowest}, {figures[slowest]} ms); "
        f"the public table {analytics['transparency_ms']} ms "
        f"(CPU {analytics['transparency_cpu_ms']} ms)"
    )


def _case_page(run: dict, _first: dict) -> str:
    web = run["web"]
    rps = web["case_page"]["requests_per_second"]
    return (
        f"{_rate(web['case_page'])}; {_ratio(rps, web['reference_page']['requests_per_second'])}"
        f" reference, {_ratio(rps, web['hello']['requests_per_second'])} hello"
    )


def _vote(run: dict, _first: dict) -> str:
    vote = run["web"]["vote"]
    ratio = _ratio(vote["requests_per_second"], run["web"]["hello"]["requests_per_second"])
    return (
        f"{_rate(vote)}; {ratio} hello; {vote['votes_recorded']:,} votes stored for "
        f"{vote['answered_ok']:,} answered of {vote['sent']:,} sent, "
        f"{vote['seats_voted_twice']} doubled, {vote['errors']} errors"
    )


def _upload(run: dict, _first: dict) -> str:
    upload = run["web"]["upload"]
    return (
        f"{upload['requests_per_second']:.2f}/s, p50 {upload['p50_ms']:,.0f} ms; "
        f"{upload['entries_recorded']} stored, {upload['errors']} errors"
    )


def _sweep(kind: str):
    def cell(run: dict, _first: dict) -> str:
        sweep = run["sweep"][kind]
        rate = f"{sweep['panels_per_second']:,.0f} panels/s"
        text = f"{rate} ({sweep['panels']:,} in {sweep['seconds']} s)"
        if kind == "real":
            reference = run["sweep"]["reference"]["panels_per_second"]
            text += f"; {_ratio(sweep['panels_per_second'], reference)} reference"
        return text

    return cell


def _growth(run: dict, first: dict) -> str:
    def grew(name: str) -> str:
        return _ratio(run["web"][name]["p50_ms"], first["web"][name]["p50_ms"])

    sweep = _ratio(run["sweep"]["real"]["seconds"], first["sweep"]["real"]["seconds"])
    return f"case page p50 {grew('case_page')}, queue p50 {grew('queue')}, sweep time {sweep}"


def _memory(run: dict, _first: dict) -> str:
    memory = run["web"]["memory"]
    settled = memory.get("web_worker_rss_mb")
    built = memory.get("import", {}).get("rss_mb")  # measured since the imports were trimmed
    return (
        f"web worker {memory['web_worker_peak_mb']} MB"
        f"{f' ({settled} MB after the loads)' if settled else ''}"
        f"{f', {built} MB once the app is built' if built else ''}, "
        f"sweep process {run['sweep']['real']['peak_rss_mb']} MB"
    )


def _generation(run: dict, _first: dict) -> str:
    return f"{run['generation']['rows']:,} rows in {run['generation']['seconds']} s"


ROWS = [
    ("hello-world", _web("hello")),
    ("reference case page (plain SQL)", _web("reference_page")),
    ("case page, 2 × 20 entries", _case_page),
    ("mediator queue", _web("queue")),
    ("analytics dashboard", _measured_web("dashboard")),
    ("analytics queries, uncached", _analytics),
    ("transparency page (kept 10 minutes)", _measured_web("transparency")),
    ("casting a vote", _vote),
    ("evidence upload, 10 MB photo", _upload),
    ("counting sweep, plain-SQL reference", _sweep("reference")),
    ("counting sweep", _sweep("real")),
    ("growth against the first size", _growth),
    ("peak memory", _memory),
    ("data generation", _generation),
]


def _history(runs: list[dict]) -> list[str]:
    lines = [
        "### Every recorded run",
        "",
        "| run | backend | cases | case page | vote | queue p50 | sweep | worker |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for result in runs:
        for run in result["runs"]:
            if run["backend"] == "cluster":
                continue
            web, sweep = run["web"], run["sweep"]
            page = web["case_page"]["requests_per_second"]
            real = sweep["real"]["panels_per_second"]
            quick = " quick" if result["plan"]["quick"] else ""
            lines.append(
                f"| {result['started']} {result['machine']['commit']}{quick} | {run['backend']} | "
                f"{run['cases']:,} | {page:,.0f}/s "
                f"({_ratio(page, web['reference_page']['requests_per_second'])}) | "
                f"{web['vote']['requests_per_second']:,.0f}/s | {web['queue']['p50_ms']} ms | "
                f"{real:,.0f}/s ({_ratio(real, sweep['reference']['panels_per_second'])}) | "
                f"{web['memory']['web_worker_peak_mb']} MB |"
            )
    return lines + [""]


# --- the cluster: one web node, then two, on PostgreSQL

CLUSTER_MEASURES = [
    ("hello-world", "hello"),
    ("case page", "case_page"),
    ("casting a vote", "vote"),
]
CPU_PARTS = [("web", "web"), ("database", "database"), ("Redis", "redis"), ("wrk", "load")]


def _latest_cluster(result: dict) -> list[str]:
    (run,) = [run for run in result["runs"] if run["backend"] == "cluster"]
    machine, plan = result["machine"], result["plan"]
    one, two = run["nodes"]["1"], run["nodes"]["2"]
    lines = [
        f"### cluster: {result['started']}, commit {machine['commit']}"
        f"{' (quick)' if plan['quick'] else ''}",
        "",
        f"{machine['cpu']}, {machine['cores']} cores. {run['cases']:,} cases on PostgreSQL, "
        f"rate limits in Redis; each web node a gunicorn of {run['workers']} worker(s) of 8 "
        f"threads; wrk on the same machine, {plan['connections']} connections per node, loads "
        f"of {plan['seconds']} s. Target: two nodes ≥ 1.8 × one, for the case page and votes.",
        "",
        "| measure | one node | two nodes | two against one |",
        "|---|---|---|---|",
    ]
    for label, name in CLUSTER_MEASURES:
        cells = [_cluster_cell(nodes[name]) for nodes in (one, two)]
        lines.append(
            f"| {label} | {cells[0]} | {cells[1]} | {_scaling(one[name], two[name], run)} |"
        )
    for label, name in CLUSTER_MEASURES:
        cells = [_cpu_cell(nodes[name], run["cores"]) for nodes in (one, two)]
        lines.append(f"| CPU per request, {label} | {cells[0]} | {cells[1]} | |")
    return lines + [""]


def _cluster_cell(measure: dict) -> str:
    text = _rate(measure)
    if "votes_recorded" in measure:
        text += (
            f"; {measure['votes_recorded']:,} votes stored for {measure['answered_ok']:,} "
            f"answered of {measure['sent']:,} sent, {measure['seats_voted_twice']} doubled, "
            f"{measure['errors']} errors"
        )
    return text


def _own_cpu_per_request(measure: dict) -> float:
    cpu = measure["cpu_seconds"]
    return sum(cpu[key] for _label, key in CPU_PARTS) / max(measure["requests"], 1)


def _scaling(one: dict, two: dict, run: dict) -> str:
    """The measured ratio, and the most the machine's cores would allow: the rate at which
    one node's parts (web, database, Redis, wrk) would fill every core, against one node's."""
    ratio = _ratio(two["requests_per_second"], one["requests_per_second"])
    ceiling = run["cores"] / _own_cpu_per_request(one) if _own_cpu_per_request(one) else 0
    allowed = min(len(run["nodes"]), ceiling / one["requests_per_second"])
    return f"{ratio} (all {run['cores']} cores would allow {allowed:.2f} ×)"


def _cpu_cell(measure: dict, cores: int) -> str:
    """CPU time per request of each part, and how many cores were busy with them and with
    anything else running on the machine meanwhile."""
    cpu, requests = measure["cpu_seconds"], max(measure["requests"], 1)
    parts = ", ".join(f"{label} {cpu[key] * 1000 / requests:.1f} ms" for label, key in CPU_PARTS)
    ours = sum(cpu[key] for _label, key in CPU_PARTS) / cpu["wall"]
    others = max(cpu["machine"] / cpu["wall"] - ours, 0)
    return f"{parts}; cores busy: {ours:.2f} with these, {others:.2f} with other work, of {cores}"


def _cluster_history(runs: list[dict]) -> list[str]:
    rows = [
        (result, run) for result in runs for run in result["runs"] if run["backend"] == "cluster"
    ]
    if not rows:
        return []
    lines = [
        "### Every recorded cluster run",
        "",
        "| run | workers per node | case page, 1 → 2 nodes | vote, 1 → 2 nodes "
        "| hello, 1 → 2 nodes |",
        "|---|---|---|---|---|",
    ]
    for result, run in rows:
        one, two = run["nodes"]["1"], run["nodes"]["2"]
        cells = [
            f"{one[name]['requests_per_second']:,.0f} → {two[name]['requests_per_second']:,.0f}/s "
            f"({_ratio(two[name]['requests_per_second'], one[name]['requests_per_second'])})"
            for name in ("case_page", "vote", "hello")
        ]
        quick = " quick" if result["plan"]["quick"] else ""
        lines.append(
            f"| {result['started']} {result['machine']['commit']}{quick} | {run['workers']} | "
            + " | ".join(cells)
            + " |"
        )
    return lines + [""]
