"""An admin sets a mediator's duty and skills; assignment reads them: only mediators on
duty receive new cases, those who know the order's categories first."""

import re

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.mediation.assignment import choose_mediator
from app.mediation.models import MediatorProfile
from app.mediation.profiles import (
    KNOWN_CATEGORIES,
    ProfileRefused,
    known_categories,
    set_mediator_profile,
)
from tests.helpers.factories import make_case_row, make_order, make_user
from tests.helpers.pages import csrf_token_from, field_error, login, login_with_token, page
from tests.helpers.query_plans import plan


def test_duty_and_skills_are_saved_and_audited():
    mediator, admin = make_user(roles=(Role.MEDIATOR,)), make_user(roles=(Role.ADMIN,))
    make_order(category="food")
    make_order(category="electronics")

    assert set_mediator_profile(mediator, False, ["food", "electronics", "food"], admin)

    profile = db.session.get(MediatorProfile, mediator.id)
    assert (profile.on_duty, profile.skills) == (False, ["electronics", "food"])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mediator.profile_set"))
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        admin.id,
        "users",
        str(mediator.id),
    )
    assert event.before == {"on_duty": True, "skills": []}
    assert event.after == {"on_duty": False, "skills": ["electronics", "food"]}


def test_saving_what_is_already_there_changes_nothing():
    mediator = make_user(roles=(Role.MEDIATOR,))
    assert set_mediator_profile(mediator, True, [], make_user()) is False
    assert db.session.get(MediatorProfile, mediator.id) is None
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mediator.profile_set"))
        is None
    )


def test_only_a_mediator_has_a_profile_and_only_known_categories_are_skills():
    make_order(category="food")
    with pytest.raises(ProfileRefused, match="Only a mediator"):
        set_mediator_profile(make_user(), True, [], make_user())
    with pytest.raises(ProfileRefused, match="No order has the category jewellery") as refused:
        set_mediator_profile(make_user(roles=(Role.MEDIATOR,)), True, ["jewellery"], make_user())
    assert refused.value.field == "skills"


def test_the_known_categories_are_each_category_once_in_order():
    assert known_categories() == []
    for category in ("toys", "food", "books", "food", "toys", "food"):
        make_order(category=category)
    assert known_categories() == ["books", "food", "toys"]


def test_the_known_categories_are_sought_on_their_index_not_scanned(sqlite_only):
    """One seek per category: the analytics filter and the skills list read them on every
    page, and a scan of every item ever sold took 0.8 s of a dashboard page at 1M cases."""
    read = plan(KNOWN_CATEGORIES)
    items = [line for line in read.splitlines() if "order_items" in line]
    assert len(items) == 2, read  # the first category, then each next one
    for line in items:
        assert line.startswith("SEARCH order_items USING COVERING INDEX ix_order_items_category"), (
            read
        )


def test_assignment_follows_what_the_admin_set():
    admin = make_user(roles=(Role.ADMIN,))
    off, generalist, expert = (make_user(roles=(Role.MEDIATOR,)) for _ in range(3))
    case = make_case_row(make_order(category="food"), state="filed")
    set_mediator_profile(off, False, ["food"], admin)
    assert choose_mediator(case) in (generalist, expert)

    set_mediator_profile(expert, True, ["food"], admin)
    assert choose_mediator(case) == expert

    set_mediator_profile(expert, False, ["food"], admin)
    assert choose_mediator(case) == generalist


def test_an_admin_sets_them_on_the_mediator_s_page(client, csrf_enabled):
    make_order(category="food")
    make_order(category="electronics")
    mediator = make_user(roles=(Role.MEDIATOR,))
    login_with_token(client, make_user(roles=(Role.ADMIN,)))
    url = f"/admin/users/{mediator.id}"
    html = page(client, url)
    assert '<input checked id="on_duty" name="on_duty"' in html
    assert 'value="food"' in html and 'value="electronics"' in html

    response = client.post(
        f"{url}/mediator",
        data={"skills": ["food"], "csrf_token": csrf_token_from(html)},  # on_duty unticked
    )

    assert response.status_code == 302
    profile = db.session.get(MediatorProfile, mediator.id)
    assert (profile.on_duty, profile.skills) == (False, ["food"])
    html = page(client, url)
    assert "duty and skills are saved" in html
    assert '<input id="on_duty" name="on_duty"' in html
    assert re.search(
        r'<input checked id="skills-\d" name="skills" type="checkbox" value="food">', html
    )
    assert not re.search(r"<input checked [^>]*electronics", html)

    refused = client.post(
        f"{url}/mediator",
        data={"on_duty": "y", "skills": ["<b>made up</b>"], "csrf_token": csrf_token_from(html)},
    )
    assert refused.status_code == 200
    assert "No order has the category" in field_error(refused.get_data(as_text=True), "skills")
    assert db.session.get(MediatorProfile, mediator.id).on_duty is False


def test_an_account_without_the_mediator_role_has_no_mediator_section(client):
    login(client, make_user(roles=(Role.ADMIN,)))
    assert 'id="mediator"' not in page(client, f"/admin/users/{make_user().id}")
