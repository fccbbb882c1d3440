"""Saved filters on the mediator desk: a staff member keeps the current filters under a name,
opens them again from a link, deletes them; nobody else sees or deletes them. Through the
desk's real forms, with CSRF protection on as in production."""

import re

import pytest
from sqlalchemy import func, select

from app.auth.models import Role, User
from app.core.extensions import db
from app.mediation.models import SavedDeskFilter
from app.mediation.saved_filters import SavedFilterRefused, save_filter
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.factories import make_case_row, make_user
from tests.helpers.pages import csrf_token_from, field_error, login_with_token, page

pytestmark = pytest.mark.usefixtures("csrf_enabled")

COUNTERFEIT_MINE = "/mediation/?assigned=mine&claim_type=counterfeit"


def saved_rows(owner) -> list[SavedDeskFilter]:
    db.session.expire_all()
    return db.session.scalars(
        select(SavedDeskFilter).where(SavedDeskFilter.owner_id == owner.id)
    ).all()


def save_form_of(html: str) -> dict[str, str]:
    """The save form's hidden fields as the desk wrote them, with its CSRF token."""
    form = re.search(r'<form method="post" action="/mediation/saved-filters".*?</form>', html, re.S)
    assert form, "no form to save the filters"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form[0]))
    assert fields["csrf_token"] == csrf_token_from(html)
    return fields


def save_as(client, desk_url: str, name: str):
    data = save_form_of(page(client, desk_url)) | {"name": name}
    return client.post("/mediation/saved-filters", data=data)


@pytest.fixture
def mediator(client):
    me = make_user(roles=(Role.MEDIATOR,))
    login_with_token(client, me)
    return me


def test_a_mediator_saves_the_current_filters_and_opens_them_from_the_link(client, mediator):
    counterfeit = make_case_row(state="mediation", mediator_id=mediator.id)
    counterfeit.claim_type = "counterfeit"
    other = make_case_row(state="mediation", mediator_id=mediator.id)
    db.session.flush()

    response = save_as(client, COUNTERFEIT_MINE, "假货 · mine")

    assert response.status_code == 302
    assert response.headers["Location"] == COUNTERFEIT_MINE
    [saved] = saved_rows(mediator)
    assert (saved.name, saved.query) == (
        "假货 · mine",
        {"assigned": "mine", "claim_type": "counterfeit"},
    )
    desk = page(client, "/mediation/")
    link = re.search(rf'<li id="saved-filter-{saved.id}">\s*<a href="([^"]+)">([^<]+)</a>', desk)
    assert link and link[2] == "假货 · mine"
    opened = page(client, link[1].replace("&amp;", "&"))
    assert f'id="queue-case-{counterfeit.id}"' in opened
    assert f'id="queue-case-{other.id}"' not in opened


def test_the_search_is_saved_with_the_filters(client, mediator):
    save_as(client, "/mediation/?q=%E6%9E%97%E6%99%93%E9%9B%A8&state=all&overdue=y", "Lin")
    [saved] = saved_rows(mediator)
    assert saved.query == {"q": "林晓雨", "state": "all", "overdue": "y"}


def test_the_whole_queue_offers_nothing_to_save(client, mediator):
    assert 'action="/mediation/saved-filters"' not in page(client, "/mediation/")


@pytest.mark.parametrize(
    "name, message",
    [
        ("", "Give the filter a name."),
        ("   ", "Give the filter a name."),
        ("x" * 61, "This text has 61 characters; at most 60 are allowed."),
        ("two\u202elines", "Remove the characters that change the direction of the text."),
    ],
)
def test_a_bad_name_is_refused_beside_the_name(client, mediator, name, message):
    response = save_as(client, COUNTERFEIT_MINE, name)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in field_error(html, "name")
    assert save_form_of(html)["claim_type"] == "counterfeit"  # the filters still there
    assert saved_rows(mediator) == []


def test_a_name_already_used_is_refused(client, mediator):
    assert save_as(client, COUNTERFEIT_MINE, "Counterfeit").status_code == 302
    response = save_as(client, "/mediation/?state=decided", "Counterfeit")
    assert response.status_code == 400
    assert "You already have a filter named" in field_error(response.get_data(as_text=True), "name")
    assert [row.query for row in saved_rows(mediator)] == [
        {"assigned": "mine", "claim_type": "counterfeit"}
    ]


def test_filters_the_form_does_not_offer_are_not_saved(client, mediator):
    data = save_form_of(page(client, COUNTERFEIT_MINE)) | {"name": "x", "state": "nonsense"}
    assert client.post("/mediation/saved-filters", data=data).status_code == 400
    assert saved_rows(mediator) == []


def test_each_mediator_keeps_at_most_the_configured_number(app, client, mediator, monkeypatch):
    monkeypatch.setitem(app.config, "DESK_SAVED_FILTERS_MAX", 2)
    assert save_as(client, COUNTERFEIT_MINE, "One").status_code == 302
    assert save_as(client, "/mediation/?state=panel", "Two").status_code == 302
    response = save_as(client, "/mediation/?state=proposal", "Three")
    assert response.status_code == 400
    assert "You keep 2 saved filters, the most allowed" in field_error(
        response.get_data(as_text=True), "name"
    )
    assert sorted(row.name for row in saved_rows(mediator)) == ["One", "Two"]
    # another mediator's limit is their own
    assert save_filter(make_user(roles=(Role.MEDIATOR,)), "One", {"state": "panel"})


def test_a_mediator_deletes_their_own_filter(client, mediator):
    keep = save_filter(mediator, "Keep", {"state": "panel"})
    drop_id = save_filter(mediator, "Drop", {"state": "evidence"}).id
    desk = page(client, "/mediation/?state=panel")
    assert f'action="/mediation/saved-filters/{drop_id}/delete?state=panel"' in desk

    response = client.post(
        f"/mediation/saved-filters/{drop_id}/delete?state=panel",
        data={"csrf_token": csrf_token_from(desk)},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/mediation/?state=panel"
    assert [row.id for row in saved_rows(mediator)] == [keep.id]
    assert f'id="saved-filter-{drop_id}"' not in page(client, "/mediation/")


def test_another_mediator_neither_sees_nor_deletes_my_filter(client, mediator):
    mine = save_filter(mediator, "Mine only", {"assigned": "mine"})
    colleague = make_user(roles=(Role.MEDIATOR,))
    client.post("/logout", data={"csrf_token": csrf_token_from(page(client, "/mediation/"))})
    login_with_token(client, colleague)

    desk = page(client, "/mediation/")
    assert "Mine only" not in desk and f"saved-filter-{mine.id}" not in desk
    response = client.post(
        f"/mediation/saved-filters/{mine.id}/delete", data={"csrf_token": csrf_token_from(desk)}
    )
    assert response.status_code == 404
    assert (
        client.post(
            "/mediation/saved-filters/999999/delete", data={"csrf_token": csrf_token_from(desk)}
        ).status_code
        == 404
    )
    assert [row.id for row in saved_rows(mediator)] == [mine.id]


def test_saving_and_deleting_need_the_form_s_token(client, mediator):
    saved = save_filter(mediator, "Kept", {"state": "panel"})
    data = save_form_of(page(client, COUNTERFEIT_MINE)) | {"name": "Counterfeit"}
    del data["csrf_token"]
    assert client.post("/mediation/saved-filters", data=data).status_code == 400
    assert client.post(f"/mediation/saved-filters/{saved.id}/delete").status_code == 400
    assert [row.name for row in saved_rows(mediator)] == ["Kept"]


@pytest.mark.committing
def test_the_same_name_saved_twice_at_once_is_kept_once(app):
    with app.app_context():
        owner = make_user(roles=(Role.MEDIATOR,))
        db.session.commit()
        owner_id = owner.id

    def save(n: int):
        return save_filter(db.session.get(User, owner_id), "Same", {"state": f"s{n}"})

    outcomes = run_at_once(app, save, 4)

    refused = errors_in(outcomes)
    assert len(refused) == 3 and all(isinstance(e, SavedFilterRefused) for e in refused), outcomes
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SavedDeskFilter)) == 1
