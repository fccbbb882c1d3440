"""The scheduler process: its jobs, how a sweep runs, its CLI, and the heartbeat staff see."""

import logging
import os
import signal
import socket
import threading
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import select

from app import create_app
from app.auth.models import Role
from app.core import clock
from app.core.extensions import db
from app.notifications.models import InboxItem
from app.notifications.outbox import queue_message
from app.scheduler import jobs as scheduler_jobs
from app.scheduler import runner
from app.scheduler.heartbeat import (
    SchedulerHeartbeat,
    beat,
    last_heartbeat,
    scheduler_is_stale,
)
from app.scheduler.jobs import SWEEPS, Sweep, run_sweep
from app.scheduler.runner import build_scheduler, shutdown_handler
from tests.helpers.counts import table_count
from tests.helpers.factories import make_user
from tests.helpers.pages import login

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
WARNING_TEXT = "The scheduler has not reported"


def _beats() -> dict[str, datetime]:
    db.session.expire_all()
    rows = db.session.scalars(select(SchedulerHeartbeat)).all()
    return {row.process: row.beat_at for row in rows}


# Heartbeat --------------------------------------------------------------------------------


def test_beat_keeps_one_row_per_process(app):
    clock.freeze(START)
    beat("host-a:1")
    clock.advance(timedelta(seconds=60))
    beat("host-a:1")
    beat("host-b:2")
    assert _beats() == {"host-a:1": clock.now(), "host-b:2": clock.now()}
    assert last_heartbeat() == START + timedelta(seconds=60)


def test_beat_names_the_process_by_host_and_pid(app):
    beat()
    assert list(_beats()) == [f"{socket.gethostname()}:{os.getpid()}"]


def test_processes_silent_for_a_day_are_forgotten(app):
    clock.freeze(START)
    beat("gone:1")
    clock.advance(timedelta(days=2))
    beat("alive:2")
    assert list(_beats()) == ["alive:2"]


def test_scheduler_is_stale_without_a_recent_heartbeat(app):
    clock.freeze(START)
    assert last_heartbeat() is None
    assert scheduler_is_stale()
    beat("host:1")
    assert not scheduler_is_stale()
    clock.advance(timedelta(minutes=2))
    assert not scheduler_is_stale()
    clock.advance(timedelta(minutes=2))
    assert scheduler_is_stale()


def test_staff_see_the_stale_scheduler_warning_and_others_do_not(app):
    staff, member = make_user(roles=(Role.ADMIN,)), make_user()
    staff_client, member_client = app.test_client(), app.test_client()
    login(staff_client, staff)
    login(member_client, member)

    assert WARNING_TEXT in staff_client.get("/inbox").get_data(as_text=True)
    assert WARNING_TEXT not in member_client.get("/inbox").get_data(as_text=True)
    beat()
    assert WARNING_TEXT not in staff_client.get("/inbox").get_data(as_text=True)


# Jobs and sweeps --------------------------------------------------------------------------


def test_build_scheduler_registers_every_sweep_with_a_stable_id(app):
    scheduler = build_scheduler(app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {"deliver-outbox", "heartbeat"} <= set(jobs)
    assert list(jobs) == [sweep.id for sweep in SWEEPS]
    assert jobs["deliver-outbox"].trigger.interval == timedelta(
        seconds=app.config["SCHEDULER_OUTBOX_SECONDS"]
    )
    assert jobs["heartbeat"].trigger.interval == timedelta(
        seconds=app.config["SCHEDULER_HEARTBEAT_SECONDS"]
    )
    for job in jobs.values():
        assert job.func is run_sweep
        assert job.args[0] is app
        assert job.coalesce is True
        assert job.misfire_grace_time is None
        assert job.max_instances == 1
    assert scheduler._job_defaults["misfire_grace_time"] is None
    assert not scheduler.running


def test_run_sweep_rolls_back_logs_and_survives_a_failure(app, caplog):
    def doomed():
        beat("doomed:1")
        db.session.flush()
        raise RuntimeError("secret@example.com broke it")

    caplog.set_level(logging.ERROR, logger="app.scheduler")
    assert run_sweep(app, Sweep(id="doomed", func=doomed, seconds_setting="X")) is False
    assert _beats() == {}
    assert "sweep doomed failed: RuntimeError" in caplog.text
    assert "secret@example.com" not in caplog.text

    heartbeat = next(sweep for sweep in SWEEPS if sweep.id == "heartbeat")
    assert run_sweep(app, heartbeat) is True
    assert len(_beats()) == 1


def test_run_once_runs_every_sweep(app):
    app.extensions.setdefault("mail_outbox", []).clear()
    user = make_user()
    queue_message(user, "cli:1", "Subject", "Body")
    db.session.flush()

    result = app.test_cli_runner().invoke(args=["scheduler", "run-once"])
    assert result.exit_code == 0, result.output
    assert "deliver-outbox: ok" in result.output and "heartbeat: ok" in result.output
    assert table_count(InboxItem) == 1
    assert len(app.extensions["mail_outbox"]) == 1
    assert len(_beats()) == 1
    app.extensions["mail_outbox"].clear()


def test_run_once_exits_non_zero_when_a_sweep_fails(app, monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(
        scheduler_jobs, "SWEEPS", [Sweep(id="broken", func=broken, seconds_setting="X")]
    )
    result = app.test_cli_runner().invoke(args=["scheduler", "run-once"])
    assert result.exit_code == 1
    assert "broken: FAILED" in result.output


def test_status_reports_each_process_and_whether_it_is_stale(app):
    runner_ = app.test_cli_runner()
    clock.freeze(START)
    result = runner_.invoke(args=["scheduler", "status"])
    assert result.exit_code == 1 and "stale" in result.output

    beat("host:42")
    result = runner_.invoke(args=["scheduler", "status"])
    assert result.exit_code == 0, result.output
    assert "host:42" in result.output and "scheduler: running" in result.output

    clock.advance(timedelta(minutes=4))
    result = runner_.invoke(args=["scheduler", "status"])
    assert result.exit_code == 1
    assert "scheduler: stale" in result.output


def test_run_command_installs_signal_handlers_and_starts_the_scheduler(app, monkeypatch):
    handled, started = [], []
    monkeypatch.setattr(runner.signal, "signal", lambda signum, _h: handled.append(signum))
    monkeypatch.setattr(
        BlockingScheduler, "start", lambda self: started.append([j.id for j in self.get_jobs()])
    )
    result = app.test_cli_runner().invoke(args=["scheduler", "run"])
    assert result.exit_code == 0, result.output
    assert set(handled) == {signal.SIGTERM, signal.SIGINT}
    assert started == [[sweep.id for sweep in SWEEPS]]


def test_shutdown_handler_stops_a_running_scheduler(app):
    scheduler = build_scheduler(app, sweeps=())
    started = threading.Event()
    scheduler.add_listener(lambda _event: started.set(), EVENT_SCHEDULER_STARTED)
    thread = threading.Thread(target=scheduler.start, daemon=True)
    thread.start()
    assert started.wait(10)

    shutdown_handler(scheduler)(signal.SIGTERM, None)
    thread.join(10)
    assert not thread.is_alive()
    assert not scheduler.running


def test_creating_the_app_starts_no_scheduler(monkeypatch):
    starts = []
    monkeypatch.setattr(BaseScheduler, "start", lambda self, *a, **k: starts.append(self))
    threads_before = set(threading.enumerate())
    create_app({"CONFIG_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert starts == []
    new_threads = set(threading.enumerate()) - threads_before
    # Flask-Limiter's in-memory storage arms a short expiry Timer; nothing else may start
    assert {thread for thread in new_threads if not isinstance(thread, threading.Timer)} == set()
