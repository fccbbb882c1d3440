"""The APScheduler instance of the scheduler process: one interval job per sweep."""

import logging
import signal
from collections.abc import Iterable
from datetime import UTC

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from app.core import clock
from app.scheduler.jobs import SWEEPS, Sweep, run_sweep

logger = logging.getLogger(__name__)

# A late run is never skipped (sweeps catch up on due rows), missed runs collapse into one,
# and one sweep never overlaps itself.
JOB_OPTIONS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


def build_scheduler(app: Flask, sweeps: Iterable[Sweep] | None = None) -> BlockingScheduler:
    """A scheduler with one job per sweep (``SWEEPS`` by default), each due at once."""
    scheduler = BlockingScheduler(timezone=UTC, job_defaults=JOB_OPTIONS)
    for sweep in SWEEPS if sweeps is None else sweeps:
        scheduler.add_job(
            run_sweep,
            IntervalTrigger(seconds=app.config[sweep.seconds_setting], timezone=UTC),
            args=(app, sweep),
            id=sweep.id,
            name=sweep.id,
            replace_existing=True,
            next_run_time=clock.now(),
            **JOB_OPTIONS,
        )
    return scheduler


def shutdown_handler(scheduler: BlockingScheduler):
    """A signal handler that stops ``scheduler`` once its running jobs have finished."""

    def stop(signum, _frame) -> None:
        logger.info("signal %s received: stopping once the running sweeps finish", signum)
        if scheduler.running:
            scheduler.shutdown(wait=True)

    return stop


def stop_on_signals(scheduler: BlockingScheduler) -> None:
    handler = shutdown_handler(scheduler)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handler)
