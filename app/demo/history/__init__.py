"""Months of closed cases behind the demo, for the dashboard and the transparency page.

Every case is opened on a completed order of the history's own buyers and shops and taken to
its end through the real transitions (``Story``), so its audit trail, timelines, panels,
obligations, deposits and ratings are what the transitions write. The history is drawn
from a fixed seed: the same cases, endings and timings each time the demo is seeded (only
the reviewers a panel seats come from the draw's own cryptographic seed, as in life). Its
notifications were delivered at the time: they sit read in the inboxes, not in the outbox.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update

from app.auth.models import User
from app.cases import services
from app.core import clock
from app.core.extensions import db
from app.demo.history.aftermath import carry_out
from app.demo.history.claims import random_claim
from app.demo.history.endings import WEIGHTS, tell
from app.demo.history.people import history_order, seed_history_people
from app.demo.history.story import Staff, Story
from app.notifications.models import InboxItem
from app.notifications.outbox import CHANNELS, OutboxMessage

HISTORY_SEED = 1404
HISTORY_MONTHS = 7
# the last case is filed this long before today, so its whole story (appeal, execution,
# the parties' ratings) is over before the demo's present begins
LATEST_FILING = timedelta(days=30)


# the last month of the history has at least this long for its cases to be filed in
SHORTEST_LAST_MONTH = timedelta(days=10)


def history_months(now: datetime) -> list[datetime]:
    """The first moments of the history's ``HISTORY_MONTHS`` calendar months: up to last
    month, or the one before while last month's cases could not be over by ``now``."""
    month = _month_start(now - LATEST_FILING - SHORTEST_LAST_MONTH)
    months = [month]
    for _ in range(HISTORY_MONTHS - 1):
        month = _month_start(month - timedelta(days=1))
        months.append(month)
    return months[::-1]


def _month_start(moment: datetime) -> datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _next_month(start: datetime) -> datetime:
    return _month_start(start + timedelta(days=32))


@dataclass(frozen=True)
class HistoryCounts:
    users: int
    orders: int
    cases: int


def seed_history() -> HistoryCounts:
    """Create the history in the current transaction; the caller commits."""
    rng = random.Random(HISTORY_SEED)
    now = clock.now()
    delivered_before = db.session.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0)))
    people = seed_history_people(rng)
    staff = _staff()
    filings = _filing_moments(rng, now)
    endings, weights = list(WEIGHTS), list(WEIGHTS.values())
    for filed_at in filings:
        buyer, shop = rng.choice(people.buyers), rng.choice(people.shops)
        claim = random_claim(rng, {category for _title, category, _price in shop.goods})
        order = history_order(people, buyer, shop, filed_at - timedelta(days=6), claim)
        with clock.frozen_at(filed_at):
            case = services.open_case(order, buyer, claim)
            db.session.flush()
        mediator = rng.choices(staff.mediators, (3, 2))[0]
        story = Story(rng, staff, case, mediator)
        tell(story, rng.choices(endings, weights)[0])
        carry_out(story)
    _delivered_at_the_time(delivered_before)
    db.session.flush()
    seeder = people.seeder
    return HistoryCounts(
        len(seeder.users), seeder.order_number - seeder.orders_before, len(filings)
    )


def _staff() -> Staff:
    people = {
        user.email: user
        for user in db.session.scalars(
            select(User).where(
                User.email.in_(
                    ["admin@example.com", "mediator@example.com", "mediator2@example.com"]
                )
            )
        )
    }
    return Staff(
        mediators=(people["mediator@example.com"], people["mediator2@example.com"]),
        admin=people["admin@example.com"],
    )


def _filing_moments(rng: random.Random, now: datetime) -> list[datetime]:
    """A growing number of cases each month, filed at any time of the month."""
    latest = now - LATEST_FILING
    moments = []
    for index, start in enumerate(history_months(now)):
        span = (min(_next_month(start), latest) - start).total_seconds()
        count = 22 + 2 * index + rng.randint(0, 6)
        moments += [start + timedelta(seconds=rng.uniform(0, span)) for _ in range(count)]
    return sorted(moments)


def _delivered_at_the_time(after_id: int) -> None:
    """The history's messages to people were delivered (and read) when they were written:
    each inbox message gets its inbox item, and every message its ``sent_at``."""
    fresh = (OutboxMessage.id > after_id, OutboxMessage.sent_at.is_(None))
    db.session.execute(
        insert(InboxItem).from_select(
            ["outbox_message_id", "user_id", "subject", "body", "link", "created_at", "read_at"],
            select(
                OutboxMessage.id,
                OutboxMessage.recipient_id,
                OutboxMessage.subject,
                OutboxMessage.body,
                OutboxMessage.link,
                OutboxMessage.created_at,
                OutboxMessage.created_at,
            ).where(*fresh, OutboxMessage.channel == "inbox"),
        )
    )
    db.session.execute(
        update(OutboxMessage)
        .where(*fresh, OutboxMessage.channel.in_(CHANNELS))
        .values(sent_at=OutboxMessage.created_at)
        .execution_options(synchronize_session=False)
    )
