"""The scheduler process's heartbeat, so staff can see when it has stopped."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class SchedulerHeartbeat(db.Model):
    __tablename__ = "scheduler_heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    process: Mapped[str] = mapped_column(String(120), unique=True)
    beat_at: Mapped[datetime]


def scheduler_is_stale() -> bool:
    return False
