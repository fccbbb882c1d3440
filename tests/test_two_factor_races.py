"""Two-factor login under races: one code (or one recovery code) sent by several requests at
the same instant logs in once; setting it up from several tabs at once leaves one secret."""

import pytest
from sqlalchemy import func, select

from app.auth import two_factor
from app.auth.models import Role, TwoFactorCredential, User
from app.core import clock
from app.core.extensions import db
from tests.helpers.accounts import app_code, with_two_factor
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.factories import make_user

RACERS = 6


@pytest.fixture
def mediator_id(app):
    clock.freeze(clock.now())
    mediator = make_user(roles=(Role.MEDIATOR,))
    codes = with_two_factor(mediator)
    user_id = mediator.id
    db.session.commit()  # the racers need no lock held by the test
    yield user_id, codes
    db.session.remove()


def check_at_once(app, user_id: int, code: str) -> list:
    def attempt(_n: int) -> None:
        with app.test_request_context(method="POST"):
            two_factor.check_code(db.session.get(User, user_id), code)

    return run_at_once(app, attempt, RACERS)


@pytest.mark.committing
def test_one_app_code_sent_at_once_is_accepted_once(app, mediator_id):
    user_id, _codes = mediator_id
    code = app_code(db.session.get(User, user_id))
    db.session.commit()

    outcomes = check_at_once(app, user_id, code)

    assert len(errors_in(outcomes)) == RACERS - 1
    assert all("not right" in str(error) for error in errors_in(outcomes))


@pytest.mark.committing
def test_one_recovery_code_sent_at_once_is_accepted_once(app, mediator_id):
    user_id, codes = mediator_id
    outcomes = check_at_once(app, user_id, codes[0])
    assert len(errors_in(outcomes)) == RACERS - 1


@pytest.mark.committing
def test_setting_up_from_several_tabs_at_once_leaves_one_secret(app):
    mediator = make_user(roles=(Role.MEDIATOR,))
    db.session.commit()
    user_id = mediator.id
    db.session.remove()

    def start(_n: int) -> str:
        with app.test_request_context(method="POST"):
            return two_factor.start_two_factor(db.session.get(User, user_id)).secret

    outcomes = run_at_once(app, start, RACERS)

    assert errors_in(outcomes) == []
    rows = db.session.scalar(
        select(func.count(TwoFactorCredential.id)).where(TwoFactorCredential.user_id == user_id)
    )
    assert rows == 1
