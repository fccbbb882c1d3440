"""The scheduler process's heartbeat, so staff can see when it has stopped."""

import os
import socket
from datetime import datetime

from flask import Flask, current_app
from flask_login import current_user
from sqlalchemy import String, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.core.extensions import db


class SchedulerHeartbeat(db.Model):
    __tablename__ = "scheduler_heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    process: Mapped[str] = mapped_column(String(120), unique=True)
    beat_at: Mapped[datetime]


def default_process_name() -> str:
    """``hostname:pid`` — one row per running scheduler process."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}"


def beat(process_name: str | None = None) -> None:
    """Record that this process is alive (one row per process, updated in place), and forget
    processes silent for longer than ``SCHEDULER_HEARTBEAT_RETENTION``. The caller commits."""
    process = process_name or default_process_name()
    now = clock.now()
    if not _touch(process, now):
        try:
            with db.session.begin_nested():
                db.session.add(SchedulerHeartbeat(process=process, beat_at=now))
        except IntegrityError:
            _touch(process, now)  # the same name was inserted concurrently
    retention = current_app.config["SCHEDULER_HEARTBEAT_RETENTION"]
    db.session.execute(
        delete(SchedulerHeartbeat).where(SchedulerHeartbeat.beat_at < now - retention)
    )


def _touch(process: str, now: datetime) -> bool:
    result = db.session.execute(
        update(SchedulerHeartbeat)
        .where(SchedulerHeartbeat.process == process)
        .values(beat_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def heartbeats() -> list[SchedulerHeartbeat]:
    """Every known process, most recent first."""
    return list(
        db.session.scalars(select(SchedulerHeartbeat).order_by(SchedulerHeartbeat.beat_at.desc()))
    )


def last_heartbeat() -> datetime | None:
    return db.session.scalar(select(func.max(SchedulerHeartbeat.beat_at)))


def is_stale(beat_at: datetime | None) -> bool:
    stale_after = current_app.config["SCHEDULER_STALE_AFTER"]
    return beat_at is None or clock.now() - beat_at > stale_after


def scheduler_is_stale() -> bool:
    """True when no scheduler has beaten within ``SCHEDULER_STALE_AFTER`` (or ever)."""
    return is_stale(last_heartbeat())


def init_app(app: Flask) -> None:
    """Tell staff, on every page, when the scheduler has stopped beating."""

    @app.context_processor
    def _scheduler_health() -> dict:
        stale = current_user.is_authenticated and current_user.is_staff and scheduler_is_stale()
        return {"scheduler_stale": stale}
