"""One case of the demo's history, told through the real transitions at the moments they
happened: ``Story`` moves its own clock forward and runs each step frozen at that moment.

A timer that runs out is carried out by the very transition the scheduler's sweep would
call for that case (``expire_seller_deadline``, ``expire_proposal``, ``count_panel`` …), a
sweep's interval after the deadline, so no other case is touched."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.auth.models import User
from app.cases.models import Case
from app.core import clock
from app.core.extensions import db

SWEEP_DELAY = timedelta(seconds=30)


@dataclass(frozen=True)
class Staff:
    mediators: tuple[User, ...]
    admin: User


class Story:
    def __init__(self, rng: random.Random, staff: Staff, case: Case, mediator: User):
        self.rng = rng
        self.staff = staff
        self.case = case
        self.mediator = mediator
        self.moment = case.filed_at

    @property
    def buyer(self) -> User:
        return self.case.buyer

    @property
    def seller(self) -> User:
        return self.case.seller

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def pick(self, choices):
        return self.rng.choice(choices)

    def hours(self, low: float, high: float) -> timedelta:
        return timedelta(hours=self.rng.uniform(low, high))

    def after(self, delay: timedelta, step: Callable[[], object]):
        """Run ``step`` ``delay`` after the story's last moment."""
        return self.at(self.moment + delay, step)

    def at(self, moment: datetime, step: Callable[[], object]):
        self.moment = max(self.moment, moment)
        with clock.frozen_at(self.moment):
            result = step()
            db.session.flush()  # rows whose time is a column default take this moment
        return result

    def when_due(self, deadline: datetime, step: Callable[[], object]):
        """Run ``step`` as the scheduler's sweep does, just after ``deadline``."""
        return self.at(deadline + SWEEP_DELAY, step)
