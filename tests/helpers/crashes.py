"""An outbox sweep that dies between delivering a message and marking it sent."""

import pytest

from app.core.extensions import db
from app.notifications import delivery
from app.notifications.delivery import deliver_outbox


class SimulatedCrash(BaseException):
    """The process dies: nothing in the sweep catches this."""


def _crash(*_args):
    raise SimulatedCrash


def deliver_and_die_before_marking_sent(monkeypatch) -> None:
    """One sweep that delivers, then dies before recording it; its transaction is lost, as
    a killed process's would be. The sweep works normally again afterwards."""
    with monkeypatch.context() as patch:
        patch.setattr(delivery, "_mark_sent", _crash)
        with pytest.raises(SimulatedCrash):
            deliver_outbox()
    db.session.rollback()
