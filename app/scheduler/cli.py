"""``flask scheduler run | run-once | status``.

The sweeps and APScheduler (and what they import: webhook delivery's httpx, the dossier's
PDF writer) are imported by the commands that run them, not by every process that builds
the app: a web worker never runs a sweep."""

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from app.core import clock
from app.scheduler.heartbeat import default_process_name, heartbeats, is_stale

scheduler_cli = AppGroup("scheduler", help="The scheduler process.")


@scheduler_cli.command("run")
def run_command() -> None:
    """Run the scheduler in the foreground until SIGTERM or SIGINT."""
    from app.scheduler.runner import build_scheduler, stop_on_signals

    _configure_logging()
    scheduler = build_scheduler(current_app._get_current_object())
    stop_on_signals(scheduler)
    job_ids = ", ".join(job.id for job in scheduler.get_jobs())
    click.echo(f"scheduler {default_process_name()} starting with jobs: {job_ids}")
    scheduler.start()
    click.echo("scheduler stopped")


@scheduler_cli.command("run-once")
def run_once_command() -> None:
    """Run every sweep once (cron-like use); exits 1 if any sweep failed."""
    from app.scheduler.jobs import SWEEPS, run_sweep

    app = current_app._get_current_object()
    failed = False
    for sweep in SWEEPS:
        ok = run_sweep(app, sweep)
        failed = failed or not ok
        click.echo(f"{sweep.id}: {'ok' if ok else 'FAILED (see the log)'}")
    if failed:
        raise click.exceptions.Exit(1)


@scheduler_cli.command("status")
def status_command() -> None:
    """The last heartbeat of each scheduler process; exits 1 if none is recent."""
    rows = heartbeats()
    if not rows:
        click.echo("no scheduler process has reported yet: stale")
        raise click.exceptions.Exit(1)
    now = clock.now()
    for row in rows:
        age = int((now - row.beat_at).total_seconds())
        state = "stale" if is_stale(row.beat_at) else "ok"
        click.echo(f"{row.process}\t{row.beat_at:%Y-%m-%d %H:%M:%S} UTC\t{age} s ago\t{state}")
    if is_stale(rows[0].beat_at):
        click.echo("scheduler: stale")
        raise click.exceptions.Exit(1)
    click.echo("scheduler: running")


def _configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # one line per job run every few seconds is noise; failures are logged by run_sweep
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
