"""Two people registering the same address at the same instant: one account."""

import threading

import pytest
from sqlalchemy import func, select

from app.auth.models import User
from app.auth.services import AccountError, Registration, register
from app.extensions import db


@pytest.mark.committing
def test_concurrent_registrations_of_one_address_create_one_account(app):
    barrier = threading.Barrier(8)
    outcomes = []

    def attempt(n: int):
        with app.test_request_context():
            try:
                barrier.wait()
                register(Registration("race@example.com", f"Racer {n}", "a long passphrase"))
                db.session.commit()
                outcomes.append("created")
            except AccountError:
                db.session.rollback()
                outcomes.append("refused")
            except Exception as error:  # noqa: BLE001 - reported below
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created"] + ["refused"] * 7
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "race@example.com")) == 1
