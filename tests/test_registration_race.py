"""Several people registering the same address at the same instant: one account."""

import threading

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.auth.services import Registration, register
from app.extensions import db


@pytest.mark.committing
def test_concurrent_registrations_of_one_address_create_one_account(app):
    barrier = threading.Barrier(8)
    outcomes = []

    def attempt(n: int):
        with app.test_request_context():
            try:
                barrier.wait()
                registered = register(
                    Registration("race@example.com", f"Racer {n}", "a long passphrase")
                )
                db.session.commit()
                outcomes.append("must claim" if registered.needs_claim else "created")
            except Exception as error:  # noqa: BLE001 - reported below
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # the first creates the account; the others are sent to prove the address instead
    assert sorted(outcomes) == ["created"] + ["must claim"] * 7
    assert (
        db.session.scalar(select(func.count(User.id)).where(User.email == "race@example.com")) == 1
    )
