"""An account's admin page ties the tools together: roles, the lock, reviewer standing, the
mediator profile, and a seller's deposit and restrictions. Changes made from it come back
to it."""

from sqlalchemy import select

from app.auth.models import Role, User
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.execution.enforcement import enforce_missed_obligation
from tests.helpers.factories import make_reviewers, make_user
from tests.helpers.obligations import missed_obligation
from tests.helpers.pages import csrf_token_from, login, login_with_token, page


def test_the_list_links_to_each_account_s_page(client, csrf_enabled):
    login_with_token(client, make_user(roles=(Role.ADMIN,)))
    target = make_user(name="Zhang Wei")
    html = page(client, f"/admin/users?q={target.email}")
    assert f'<a href="/admin/users/{target.id}">Zhang Wei</a>' in html


def test_locking_and_unlocking_from_the_page_comes_back_to_it(client, csrf_enabled):
    admin = make_user(roles=(Role.ADMIN,))
    login_with_token(client, admin)
    target = make_user(name="Zhang Wei")
    url = f"/admin/users/{target.id}"
    html = page(client, url)
    assert f'action="/admin/users/{target.id}/lock?back=account"' in html

    locked = client.post(f"{url}/lock?back=account", data={"csrf_token": csrf_token_from(html)})

    assert locked.status_code == 302 and locked.location == url
    assert db.session.get(User, target.id, populate_existing=True).is_locked
    html = page(client, url)
    assert (
        "Locked since" in html and f'action="/admin/users/{target.id}/unlock?back=account"' in html
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.locked"))
    assert (event.actor_id, event.subject_id) == (admin.id, str(target.id))

    unlocked = client.post(f"{url}/unlock?back=account", data={"csrf_token": csrf_token_from(html)})
    assert unlocked.location == url
    assert not db.session.get(User, target.id, populate_existing=True).is_locked


def test_granting_a_role_from_the_page_comes_back_to_it(client, csrf_enabled):
    login_with_token(client, make_user(roles=(Role.ADMIN,)))
    target = make_user()
    url = f"/admin/users/{target.id}"
    response = client.post(
        f"{url}/roles?back=account",
        data={
            "role": "mediator",
            "action": "grant",
            "csrf_token": csrf_token_from(page(client, url)),
        },
    )
    assert response.location == url
    html = page(client, url)
    assert "<mark>mediator</mark>" in html and 'id="mediator"' in html


def test_an_admin_cannot_lock_themselves_from_their_own_page(client, csrf_enabled):
    admin = make_user(roles=(Role.ADMIN,))
    login_with_token(client, admin)
    assert "/lock" not in page(client, f"/admin/users/{admin.id}")


def test_a_reviewer_seller_shows_every_section(client, csrf_enabled):
    login_with_token(client, make_user(roles=(Role.ADMIN,)))
    [seller] = make_reviewers(1)
    seller.shop_name = "Earbud Shop"
    obligation = missed_obligation(seller=seller)
    enforce_missed_obligation(obligation)

    html = page(client, f"/admin/users/{seller.id}")

    for section in ('id="access"', 'id="reviewer"', 'id="deposit"', 'id="restrictions"'):
        assert section in html
    restrictions = html.split('id="restrictions"', 1)[1]
    assert "Did not refund the buyer in time" in restrictions
    assert f'href="/cases/{obligation.case_id}"' in restrictions
    assert f'href="/admin/restrictions?seller={seller.id}"' in restrictions
    assert f'href="/admin/audit?actor={seller.email}"' in html


def test_an_unknown_account_is_not_found(client):
    login(client, make_user(roles=(Role.ADMIN,)))
    page(client, "/admin/users/999999", status=404)
