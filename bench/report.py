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
        lines += _latest(backend, result)
    lines += _history(runs)
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
        f"Loads of {plan['seconds']} s at {plan['connections']} connections; "
        f"{plan['due_panels']:,} due panels per sweep.",
        "",
        "| measure | " + " | ".join(sizes) + " |",
        "|---|" + "---|" * len(runs),
    ]
    for label, cell in ROWS:
        lines.append(f"| {label} | " + " | ".join(cell(run, runs[0]) for run in runs) + " |")
    return lines + [""]


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
    return (
        f"web worker {memory['web_worker_peak_mb']} MB"
        f"{f' ({settled} MB after the loads)' if settled else ''}, "
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
