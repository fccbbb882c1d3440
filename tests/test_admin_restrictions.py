"""An admin lifts a selling restriction from ``/admin/restrictions`` with a reason; the shop
leaves the public list of penalised shops with its last restriction."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.execution.enforcement import enforce_missed_obligation
from app.execution.models import SellingRestriction
from tests.helpers.factories import make_user
from tests.helpers.obligations import missed_obligation
from tests.helpers.pages import csrf_token_from, field_error, login_with_token, page

NOW = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
LIFTED = "The refund reached the buyer on 12 June."


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(NOW)


@pytest.fixture
def admin(client, csrf_enabled):
    user = make_user(roles=(Role.ADMIN,))
    login_with_token(client, user)
    return user


def restricted(shop_name: str, kind: str = "refund", amount_fen: int | None = 19900):
    obligation = missed_obligation(kind, amount_fen, shop_name=shop_name)
    enforce_missed_obligation(obligation)
    return db.session.scalar(
        select(SellingRestriction).where(SellingRestriction.obligation_id == obligation.id)
    )


def lift(client, restriction, reason: str, query: str = ""):
    html = page(client, "/admin/restrictions" + query)
    return client.post(
        f"/admin/restrictions/{restriction.id}/lift{query}",
        data={"reason": reason, "csrf_token": csrf_token_from(html)},
    )


def test_the_page_lists_each_active_restriction_with_what_was_missed(client, admin):
    refund = restricted("Earbud Shop")
    shipment = restricted("Tea House", "replacement_shipment", None)

    html = page(client, "/admin/restrictions")

    for restriction, words, amount in (
        (refund, "Did not refund the buyer in time", "¥199.00"),
        (shipment, "Did not ship a replacement in time", "¥50.00"),
    ):
        row = html.split(f'id="restriction-{restriction.id}"', 1)[1].split("</tr>", 1)[0]
        assert words in row and amount in row and "2026-06-10" in row
        assert f'href="/cases/{restriction.case_id}"' in row
        assert f'href="/admin/users/{restriction.seller_id}"' in row
        assert f'action="/admin/restrictions/{restriction.id}/lift"' in row


def test_lifting_takes_the_shop_off_the_public_list(client, admin):
    restriction = restricted("Earbud Shop")
    assert "Earbud Shop" in page(client, "/penalised-shops")

    response = lift(client, restriction, LIFTED)

    assert response.status_code == 302
    assert "The restriction on Earbud Shop is lifted." in page(client, response.location)
    assert "Earbud Shop" not in page(client, "/penalised-shops")
    assert "Earbud Shop" not in page(client, "/admin/restrictions")
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "selling_restriction.lifted")
    )
    assert (event.actor_id, event.subject_id) == (admin.id, str(restriction.id))
    assert event.after["reason"] == LIFTED


def test_a_shop_stays_listed_until_its_last_restriction_is_lifted(client, admin):
    first = restricted("Earbud Shop")
    second = missed_obligation(seller=first.seller)
    enforce_missed_obligation(second)

    lift(client, first, LIFTED)

    assert "Earbud Shop" in page(client, "/penalised-shops")


def test_lifting_without_a_reason_is_refused_beside_the_field(client, admin):
    restriction = restricted("Earbud Shop")

    response = lift(client, restriction, "   ")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Say why the restriction is lifted." in field_error(html, f"reason-{restriction.id}")
    assert db.session.get(SellingRestriction, restriction.id).lifted_at is None
    assert "Earbud Shop" in page(client, "/penalised-shops")


def test_lifting_twice_tells_the_second_admin(client, admin):
    restriction = restricted("Earbud Shop")
    lift(client, restriction, LIFTED)
    html = page(client, "/admin/users")

    again = client.post(
        f"/admin/restrictions/{restriction.id}/lift",
        data={"reason": LIFTED, "csrf_token": csrf_token_from(html)},
        follow_redirects=True,
    )

    assert "This restriction was lifted already." in again.get_data(as_text=True)
    assert (
        len(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "selling_restriction.lifted")
            ).all()
        )
        == 1
    )


def test_one_seller_s_restrictions_and_back_to_them_after_lifting(client, admin):
    mine = restricted("Earbud Shop")
    restricted("Tea House")
    query = f"?seller={mine.seller_id}"

    html = page(client, "/admin/restrictions" + query)
    assert "Earbud Shop" in html and "Tea House" not in html

    response = lift(client, mine, LIFTED, query)
    assert response.location.endswith(query)


def test_without_the_csrf_token_nothing_is_lifted(client, admin):
    restriction = restricted("Earbud Shop")
    response = client.post(f"/admin/restrictions/{restriction.id}/lift", data={"reason": LIFTED})
    assert response.status_code == 400
    assert db.session.get(SellingRestriction, restriction.id).lifted_at is None


def test_an_unknown_restriction_is_not_found(client, admin):
    html = page(client, "/admin/restrictions")
    response = client.post(
        "/admin/restrictions/999999/lift",
        data={"reason": LIFTED, "csrf_token": csrf_token_from(html)},
    )
    assert response.status_code == 404
