"""Times in the reader's time zone and language: the formatting, the setting, the browser's
default at registration, the pages and the e-mails."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from flask_babel import format_datetime
from sqlalchemy import select

from app.auth.models import User
from app.cases.notify import deadline_reminder
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.core.zones import as_reader, checked_zone, format_zoned, zone_names
from app.notifications.delivery import deliver_outbox
from app.notifications.outbox import OutboxMessage, queue_message
from tests.helpers.case_factories import make_case
from tests.helpers.factories import make_user
from tests.helpers.pages import csrf_token_from, field_error, login, login_with_token, page

MOMENT = datetime(2026, 12, 1, 6, 13, 45, tzinfo=UTC)
NNBSP = "\u202f"  # CLDR's narrow no-break space before AM/PM


def shown(moment: datetime, locale: str | None, zone: str | None) -> str:
    with as_reader(SimpleNamespace(locale=locale, time_zone=zone)):
        return format_zoned(moment)


@pytest.mark.parametrize(
    ("locale", "zone", "expected"),
    [
        ("en", "Asia/Shanghai", f"Dec 1, 2026, 2:13{NNBSP}PM CST"),
        ("en", "UTC", f"Dec 1, 2026, 6:13{NNBSP}AM UTC"),
        ("en", None, f"Dec 1, 2026, 6:13{NNBSP}AM UTC"),
        ("zh_Hans", None, "2026年12月1日 14:13 CST"),
        ("zh_Hans", "UTC", "2026年12月1日 06:13 UTC"),
        ("zh_Hans", "America/New_York", "2026年12月1日 01:13 EST"),
        ("en", "Asia/Dubai", f"Dec 1, 2026, 10:13{NNBSP}AM UTC+04"),
    ],
)
def test_a_moment_is_shown_to_the_minute_in_the_reader_s_language_and_zone(
    app, locale, zone, expected
):
    assert shown(MOMENT, locale, zone) == expected


def test_berlin_s_clock_and_zone_name_change_with_summer_time(app):
    # Europe's clocks went forward at 01:00 UTC on 29 March 2026
    before, after = (
        datetime(2026, 3, 29, 0, 59, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    )
    assert shown(before, "en", "Europe/Berlin") == f"Mar 29, 2026, 1:59{NNBSP}AM CET"
    assert shown(after, "en", "Europe/Berlin") == f"Mar 29, 2026, 3:00{NNBSP}AM CEST"
    assert shown(after, "zh_Hans", "Europe/Berlin") == "2026年3月29日 03:00 CEST"


def test_flask_babel_s_own_formatting_follows_the_reader_s_zone(app):
    with as_reader(SimpleNamespace(locale="en", time_zone="Asia/Shanghai")):
        assert format_datetime(MOMENT, "yyyy-MM-dd HH:mm") == "2026-12-01 14:13"
    with as_reader(SimpleNamespace(locale="en", time_zone=None)):
        assert format_datetime(MOMENT, "yyyy-MM-dd HH:mm") == "2026-12-01 06:13"


def test_only_listed_iana_zones_are_accepted(app):
    assert checked_zone("Asia/Shanghai") == "Asia/Shanghai"
    assert checked_zone("UTC") == "UTC"
    assert zone_names()[0] == "UTC" and "Europe/Berlin" in zone_names()
    for name in ("Mars/Olympus", "US/Eastern", "Etc/GMT+5", "../../etc/passwd", "", None):
        assert checked_zone(name) is None


def test_the_account_page_saves_a_zone_and_pages_then_follow_it(client, csrf_enabled):
    clock.freeze(MOMENT)
    user = make_user()
    login_with_token(client, user)
    html = page(client, "/account")
    assert 'id="time-zone-form"' in html and "data-browser-time-zone" in html
    assert f"6:13{NNBSP}AM UTC" in html

    response = client.post(
        "/account/time-zone",
        data={"time_zone": "Asia/Shanghai", "csrf_token": csrf_token_of(html, "time-zone-form")},
    )

    assert response.status_code == 302
    assert db.session.get(User, user.id).time_zone == "Asia/Shanghai"
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.time_zone_changed")
    )
    assert event.before == {"time_zone": None} and event.after == {"time_zone": "Asia/Shanghai"}
    assert f"Dec 1, 2026, 2:13{NNBSP}PM CST" in page(client, "/account")


def test_a_zone_not_on_the_list_is_refused_beside_the_field(client, csrf_enabled):
    user = make_user()
    login_with_token(client, user)
    html = page(client, "/account")

    response = client.post(
        "/account/time-zone",
        data={"time_zone": "Mars/Olympus", "csrf_token": csrf_token_of(html, "time-zone-form")},
    )

    assert response.status_code == 400
    assert "Choose a time zone from the list." in field_error(response.get_data(True), "time_zone")
    assert db.session.get(User, user.id).time_zone is None


def test_choosing_none_returns_to_the_language_s_zone(client):
    user = make_user()
    user.time_zone = "Europe/Berlin"
    login(client, user)

    assert client.post("/account/time-zone", data={"time_zone": ""}).status_code == 302

    assert db.session.get(User, user.id).time_zone is None


def test_the_account_setting_needs_a_csrf_token(client, csrf_enabled):
    user = make_user()
    login_with_token(client, user)

    response = client.post("/account/time-zone", data={"time_zone": "Asia/Tokyo"})

    assert response.status_code == 400
    assert db.session.get(User, user.id).time_zone is None


@pytest.mark.parametrize(
    ("sent", "kept"), [("Asia/Tokyo", "Asia/Tokyo"), ("Mars/Olympus", None), ("", None)]
)
def test_registration_keeps_the_browser_s_zone_when_it_is_a_real_one(client, sent, kept):
    html = page(client, "/register")
    assert 'name="time_zone"' in html and "js/time-zone.js" in html

    client.post(
        "/register",
        data={
            "email": "zoned@example.com",
            "display_name": "Zoned Person",
            "password": "a long passphrase",
            "confirm": "a long passphrase",
            "time_zone": sent,
        },
    )

    user = db.session.scalar(select(User).where(User.email == "zoned@example.com"))
    assert user.time_zone == kept


def test_the_inbox_shows_minutes_and_the_zone_of_the_language_or_of_the_choice(client):
    clock.freeze(MOMENT)
    user = make_user()
    queue_message(user, "zone-test", "Subject", "Body")
    deliver_outbox()
    login(client, user)

    english = page(client, "/inbox")
    assert f"Dec 1, 2026, 6:13{NNBSP}AM UTC" in english and f":45{NNBSP}AM" not in english

    client.post("/language", data={"locale": "zh_Hans", "next": "/inbox"})
    assert "2026年12月1日 14:13 CST" in page(client, "/inbox")

    user.time_zone = "Europe/Berlin"
    assert "2026年12月1日 07:13 CET" in page(client, "/inbox")


def test_e_mails_give_times_in_each_recipient_s_zone_and_language(app):
    case = make_case()
    case.buyer.time_zone = "Asia/Shanghai"
    case.seller.locale = "zh_Hans"
    case.seller.time_zone = "Europe/Berlin"

    deadline_reminder(case, [case.buyer, case.seller], MOMENT)

    bodies = {
        message.recipient_id: message.body
        for message in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.channel == "email")
        )
    }
    assert f"Dec 1, 2026, 2:13{NNBSP}PM CST" in bodies[case.buyer.id]
    assert "2026年12月1日 07:13 CET" in bodies[case.seller.id]


def test_a_message_composed_for_someone_else_leaves_the_visitor_s_zone_alone(app):
    berliner = SimpleNamespace(locale="en", time_zone="Europe/Berlin")
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        assert format_zoned(MOMENT) == "2026年12月1日 14:13 CST"
        with as_reader(berliner):
            assert format_zoned(MOMENT) == f"Dec 1, 2026, 7:13{NNBSP}AM CET"
        assert format_zoned(MOMENT) == "2026年12月1日 14:13 CST"


def csrf_token_of(html: str, form_id: str) -> str:
    """The CSRF token inside the form with ``form_id``."""
    return csrf_token_from(html[html.index(f'id="{form_id}"') :])
