"""Several people registering the same address at the same instant: one account."""

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.auth.services import Outcome, Registration, register
from app.core.extensions import db
from tests.helpers.concurrency import errors_in, run_at_once


@pytest.mark.committing
def test_concurrent_registrations_of_one_address_create_one_account(app):
    def attempt(n: int) -> str:
        with app.test_request_context(method="POST"):  # registering is a form post
            registered = register(
                Registration("race@example.com", f"Racer {n}", "a long passphrase")
            )
            db.session.commit()
            return registered.outcome

    outcomes = run_at_once(app, attempt, 8)
    assert errors_in(outcomes) == []
    # the first creates the account; the others are sent to prove the address instead
    assert sorted(outcomes) == [Outcome.CLAIM] * 7 + [Outcome.CREATED]
    count = db.session.scalar(select(func.count(User.id)).where(User.email == "race@example.com"))
    assert count == 1
