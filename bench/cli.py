"""``flask bench ...``: the benchmark's commands. ``run`` is what `make bench` calls; the
others are its steps, each a process of its own on the database in ``DATABASE_URL``, and
each prints one line of JSON."""

import json
import time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, inspect, select, text

from app.core.extensions import db

bench_cli = AppGroup("bench", help="Measure Tribunal at scale (docs/performance.md).")


def _print(data: dict) -> None:
    click.echo(json.dumps(data))


@bench_cli.command("generate")
@click.option("--cases", type=int, required=True, help="Cases in all, working set included.")
def generate_command(cases: int) -> None:
    """Fill an empty, migrated database with CASES cases and everything around them."""
    from app.analytics.facts import fill_case_facts
    from bench.generate import generate
    from bench.rows import Shape

    if db.session.scalar(text("SELECT count(*) FROM cases")):
        raise click.ClickException("the database already holds cases; start from an empty one")
    started = time.perf_counter()
    generator = generate(Shape(cases=cases))
    written = dict(generator.out.written)
    generated = time.perf_counter()
    fill_case_facts()  # as the analytics sweep's first run does
    db.session.commit()
    _print(
        {
            "seconds": round(time.perf_counter() - started, 1),
            "rows": sum(written.values()),
            "tables": written,
            "facts_seconds": round(time.perf_counter() - generated, 1),
        }
    )


@bench_cli.command("add-due-panels")
@click.argument("count", type=int)
def add_due_panels_command(count: int) -> None:
    """Add COUNT panel cases whose votes are all in, for the counting sweep to decide."""
    from bench.generate import Generator, people_of
    from bench.rows import Shape

    generator = Generator(Shape(cases=0), seed=count)
    generator.people = people_of()
    generator.panels.add_due(count)
    generator.out.flush()
    _print({"added": count})


@bench_cli.command("sweep")
@click.option("--kind", type=click.Choice(["real", "reference"]), required=True)
def sweep_command(kind: str) -> None:
    """Count every due panel with the real sweep or the plain-SQL reference."""
    from bench.sweeps import count_until_done

    db.session.remove()
    _print(count_until_done(current_app._get_current_object(), kind))


@bench_cli.command("facts")
def facts_command() -> None:
    """What the load needs (ids, open seats) and what it changed (votes, uploads)."""
    from app.auth.models import User
    from app.cases.models import Case, EvidenceEntry
    from app.jury.models import Seat, Vote
    from bench.rows import BENCH_BUYER, BENCH_MEDIATOR

    buyer = db.session.scalar(select(User.id).where(User.email == BENCH_BUYER))
    mediator = db.session.scalar(select(User.id).where(User.email == BENCH_MEDIATOR))
    bench_cases = select(Case.id).where(Case.buyer_id == buyer)
    seats = db.session.execute(
        select(User.email, Seat.id)
        .join(Seat, Seat.reviewer_id == User.id)
        .where(User.email.like("bench-reviewer%"), Seat.status == "open")
        .order_by(Seat.id)
    ).all()
    open_seats: dict[str, list[int]] = {}
    for email, seat_id in seats:
        open_seats.setdefault(email, []).append(seat_id)
    bench_votes = (
        select(func.count(Vote.id))
        .join(Seat, Seat.id == Vote.seat_id)
        .join(User, User.id == Seat.reviewer_id)
        .where(User.email.like("bench-reviewer%"))
    )
    twice = select(Vote.seat_id).group_by(Vote.seat_id).having(func.count(Vote.id) > 1)
    _print(
        {
            "read_cases": db.session.scalars(
                bench_cases.where(Case.state == "mediation", Case.mediator_id == mediator)
            ).all(),
            "upload_cases": db.session.scalars(bench_cases.where(Case.state == "evidence")).all(),
            "open_seats": open_seats,
            "votes_on_bench_seats": db.session.scalar(bench_votes),
            "seats_voted_twice": len(db.session.execute(twice).all()),
            "upload_entries": db.session.scalar(
                select(func.count(EvidenceEntry.id)).where(
                    EvidenceEntry.case_id.in_(bench_cases.where(Case.state == "evidence")),
                    EvidenceEntry.kind == "image",
                )
            ),
        }
    )


@bench_cli.command("analytics")
@click.option("--repeat", type=int, default=3, help="Times the dashboard is built.")
@click.option("--days", type=int, help="The range, in days up to today (the default range).")
def analytics_command(repeat: int, days: int | None) -> None:
    """Time every figure of the dashboard and the public page's table, straight from the
    database (no HTTP, no cache): the best of REPEAT builds, wall-clock and CPU, in ms."""
    from datetime import timedelta

    from app.analytics.forms import FilterForm

    # as the page reads: a GET, whose transaction only reads (and never waits for a writer)
    with current_app.test_request_context("/analytics/"):
        default = FilterForm(formdata=None).scope()
        start = default.start if days is None else default.end - timedelta(days=days - 1)
        _print(_time_analytics(repeat, start, default.end))


def _time_analytics(repeat: int, start, end) -> dict:
    from app.analytics.catalogue import FIGURES
    from app.analytics.scope import Scope
    from app.analytics.transparency import compute_public_table
    from app.core import clock

    best: dict[str, float] = {}
    for _ in range(repeat):
        scope = Scope(start=start, end=end)  # a fresh one: nothing read is kept
        for key, build in FIGURES.items():
            best[key] = min(best.get(key, float("inf")), _timed(build, scope)[0])
        wall, cpu = _timed(_whole_dashboard, FIGURES.values(), Scope(start, end))
        best["dashboard"] = min(best.get("dashboard", float("inf")), wall)
        best["dashboard_cpu"] = min(best.get("dashboard_cpu", float("inf")), cpu)
        db.session.rollback()
    wall, cpu = _timed(compute_public_table, clock.now())
    return {
        "range_days": (end - start).days + 1,
        "dashboard_ms": best.pop("dashboard"),
        "dashboard_cpu_ms": best.pop("dashboard_cpu"),
        "figures_ms": best,
        "transparency_ms": wall,
        "transparency_cpu_ms": cpu,
    }


def _whole_dashboard(builders, scope) -> None:
    for build in builders:
        build(scope)


def _timed(work, *args) -> tuple[float, float]:
    """Milliseconds ``work(*args)`` took, wall-clock and CPU."""
    wall, cpu = time.perf_counter(), time.process_time()
    work(*args)
    return (
        round((time.perf_counter() - wall) * 1000, 1),
        round((time.process_time() - cpu) * 1000, 1),
    )


@bench_cli.command("profile")
@click.argument("paths", nargs=-1, required=True)
@click.option("--as", "who", type=click.Choice(["buyer", "mediator"]), default="buyer")
@click.option("--requests", type=int, default=200, help="Requests profiled (as many warm up).")
def profile_command(paths: tuple[str, ...], who: str, requests: int) -> None:
    """Profile GETs of PATHS (taken in turn) as a bench user, in this process, with
    pyinstrument; print the profile and the mean time per request, unprofiled too."""
    from bench.profile import logged_in_client, profile_page, time_page
    from bench.rows import BENCH_BUYER, BENCH_MEDIATOR, BENCH_PASSWORD

    email = BENCH_BUYER if who == "buyer" else BENCH_MEDIATOR
    client = logged_in_client(current_app._get_current_object(), email, BENCH_PASSWORD)
    profile, profiled_ms = profile_page(client, list(paths), requests)
    click.echo(profile)
    wall_ms, cpu_ms = time_page(client, list(paths), requests)
    click.echo(
        f"{wall_ms:.2f} ms per request, {cpu_ms:.2f} ms of CPU ({profiled_ms:.2f} ms profiled)"
    )


@bench_cli.command("footprint")
def footprint_command() -> None:
    """The resident memory of a fresh process once the product's app is built (what a web
    worker holds before its first request) and the modules it imported."""
    import os

    from bench.memory import import_footprint

    _print(import_footprint(dict(os.environ)))


@bench_cli.command("memory-walk")
def memory_walk_command() -> None:
    """One web worker's peak and resident memory after each step of a walk through every
    kind of page (logins, case pages, the queue, the analytics, uploads) on this database."""
    from bench.memory_walk import memory_walk

    _print(memory_walk())


@bench_cli.command("backends")
def backends_command() -> None:
    """The process ids of PostgreSQL's other backends on this database (the served site's
    connections), whose CPU time the cluster's measures count."""
    if db.engine.dialect.name != "postgresql":
        raise click.ClickException("backends are PostgreSQL's")
    pids = db.session.scalars(
        text(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    ).all()
    _print({"pids": pids})


@bench_cli.command("wipe")
def wipe_command() -> None:
    """Empty a PostgreSQL database for a new size; refuses one that holds anyone's data."""
    from app.auth.models import User

    if db.engine.dialect.name != "postgresql":
        raise click.ClickException("wipe is for PostgreSQL; SQLite files are simply removed")
    if inspect(db.engine).has_table("users"):
        others = db.session.scalar(
            select(func.count(User.id)).where(
                ~User.email.like("bench-%@example.com"), ~User.email.like("%@bench.example.com")
            )
        )
        if others:
            raise click.ClickException(
                f"this database holds {others} accounts that are not the benchmark's; "
                "point DATABASE_URL at a database of its own"
            )
    db.session.execute(text("DROP SCHEMA public CASCADE"))
    db.session.execute(text("CREATE SCHEMA public"))
    db.session.commit()
    _print({"wiped": True})


@bench_cli.command("run")
@click.option("--quick", is_flag=True, help="10k cases and short loads: a few minutes.")
@click.option("--sizes", help="Comma-separated case counts, e.g. 10000,100000.")
@click.option(
    "--backend",
    type=click.Choice(["all", "sqlite", "postgresql", "cluster"]),
    default="all",
    help="PostgreSQL and the cluster run when DATABASE_URL points at PostgreSQL.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="gunicorn workers of each web node served.",
)
@click.option("--no-report", is_flag=True, help="Print the figures; leave the docs alone.")
def run_command(
    quick: bool, sizes: str | None, backend: str, workers: int, no_report: bool
) -> None:
    """Generate, serve, load and sweep at each size; record the figures in the docs. With
    a PostgreSQL DATABASE_URL, the cluster (one web node, then two) is measured too."""
    from dataclasses import replace

    from bench import report, run
    from bench.processes import FULL, QUICK

    plan = replace(QUICK if quick else FULL, workers=workers)
    if sizes:
        plan = replace(plan, sizes=[int(size) for size in sizes.split(",")])
    results = run.run(plan, backend, log=click.echo)
    if no_report:
        click.echo(json.dumps(results, indent=2))
        return
    report.record(results)
    click.echo(f"figures written to {report.PAGE}")
