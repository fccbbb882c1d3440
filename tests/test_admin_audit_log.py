"""The admins' audit log: every event newest first, with its action in words, filtered by
case (its steps and restrictions included), actor, action and time, page after page; no
credential is ever shown."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.admin.audit_log import AuditFilter, audit_page
from app.auth.locks import lock_account
from app.auth.models import Role
from app.core import clock
from app.core.audit import AuditEvent, record_event
from app.core.extensions import db
from app.execution.enforcement import enforce_missed_obligation
from tests.helpers.factories import make_user
from tests.helpers.obligations import missed_obligation
from tests.helpers.pages import field_error, login, page

NOW = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(NOW)


@pytest.fixture
def admin(client):
    user = make_user(roles=(Role.ADMIN,), name="Wang Min")
    login(client, user)
    return user


def rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_events_are_shown_newest_first_with_who_what_and_about_what(client, admin):
    target = make_user(name="Zhang Wei")
    lock_account(target, locked_by=admin)
    db.session.flush()
    clock.advance(timedelta(minutes=5))
    record_event(None, "case.opened", missed_obligation().case)

    [newest, *_rest] = rows(page(client, "/admin/audit"))
    locked = next(row for row in rows(page(client, "/admin/audit")) if "Locked an account" in row)

    assert "Opened the case" in newest and "<em>system</em>" in newest
    assert "2026-06-10 09:05:00" in newest
    assert "Wang Min" in locked and "Zhang Wei" in locked and "user.locked" in locked
    assert f'href="/admin/users/{target.id}"' in locked


def test_a_case_s_filter_takes_its_steps_and_restrictions_too(client, admin):
    obligation = missed_obligation()
    enforce_missed_obligation(obligation)
    record_event(admin, "case.note_added", obligation.case)
    other = missed_obligation()
    record_event(admin, "case.note_added", other.case)

    found = rows(page(client, f"/admin/audit?case={obligation.case_id}"))

    assert len(found) == 2
    assert any("Enforced a missed step" in row for row in found)
    assert all(f"#{other.case_id}<" not in row for row in found)


def test_filters_by_actor_system_action_and_day(client, admin):
    other_admin = make_user(roles=(Role.ADMIN,))
    record_event(admin, "user.locked", make_user())
    db.session.flush()  # the event takes its time when it is written
    clock.advance(timedelta(days=1))
    record_event(other_admin, "user.locked", make_user())
    record_event(None, "obligation.missed", missed_obligation())
    login(client, admin)  # a day later: the morning's login has ended

    def count(query: str) -> int:
        return len(rows(page(client, "/admin/audit?" + query)))

    assert count(f"actor={other_admin.email.upper()}") == 1
    assert count("actor=system&action=obligation.missed") == 1
    assert count("action=user.locked") == 2
    assert count("action=user.locked&since=2026-06-11") == 1
    assert count("action=user.locked&until=2026-06-10") == 1
    assert count("action=user.locked&since=2026-06-12") == 0
    assert "No event matches these filters." in page(client, "/admin/audit?since=2027-01-01")


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("actor=nobody@example.com", "actor", "No account has this e-mail address."),
        ("since=2026-06-12&until=2026-06-11", "until", "before its start"),
        ("case=abc", "case", "Not a valid integer value."),
        ("case=99999999999", "case", "Number must be between"),
        ("action=made.up", "action", "Not a valid choice."),
        ("since=yesterday", "since", "Not a valid date value."),
    ],
)
def test_filters_that_cannot_be_read_say_so_beside_the_field(client, admin, query, field, message):
    html = page(client, "/admin/audit?" + query)
    assert message in field_error(html, field)
    assert "<tbody>" not in html


def test_pages_continue_where_the_last_ended(client, admin, monkeypatch):
    monkeypatch.setattr("app.admin.audit_views.PAGE_SIZE", 3)
    for n in range(7):
        record_event(admin, "role.granted", make_user(name=f"Person {n}"))
        db.session.flush()
        clock.advance(timedelta(seconds=1))

    seen, url = [], f"/admin/audit?action=role.granted&actor={admin.email}"
    while url:
        html = page(client, url)
        seen += [re.search(r"Person \d", row).group() for row in rows(html)]
        older = re.search(r'href="(/admin/audit\?[^"]*before=[^"]*)">Older events', html)
        url = older.group(1).replace("&amp;", "&") if older else None
        if url:
            assert "action=role.granted" in url and "actor=" in url

    assert seen == [f"Person {n}" for n in reversed(range(7))]


def test_the_same_second_pages_by_id(admin):
    for _ in range(5):
        record_event(admin, "role.granted", make_user())
    mine = AuditFilter(action="role.granted", actor_id=admin.id)
    first = audit_page(mine, None, 2)
    second = audit_page(mine, first.older, 2)
    third = audit_page(mine, second.older, 2)
    ids = [row.event.id for page_ in (first, second, third) for row in page_.rows]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 5
    assert third.older is None


def test_credentials_recorded_by_mistake_are_never_shown(client, admin):
    db.session.add(
        AuditEvent(
            actor_id=admin.id,
            action="webhook_endpoint.added",
            subject_type="webhook_endpoints",
            subject_id="1",
            after={
                "url": "https://hooks.example.com/in",
                "secret": "whsec_dGhpcyBpcyBub3Qgc2hvd24",
                "token_plaintext": "tbl_live_abcdef",
                "password_hash": "$argon2id$v=19$m=65536",
                "recovery_code": "abcde-fghij",
            },
        )
    )
    db.session.flush()

    html = page(client, "/admin/audit")

    assert "https://hooks.example.com/in" in html
    for secret in ("whsec_", "tbl_live_abcdef", "$argon2id", "abcde-fghij"):
        assert secret not in html
    assert html.count("•••") == 4


def test_a_change_shows_what_it_was_and_what_it_became(client, admin):
    record_event(admin, "mediator.profile_set", make_user(), {"on_duty": True}, {"on_duty": False})
    assert "True → False" in rows(page(client, "/admin/audit"))[0]


def test_the_page_speaks_chinese(client, admin):
    record_event(admin, "user.locked", make_user())
    client.post("/language", data={"locale": "zh_Hans"})
    html = page(client, "/admin/audit")
    assert "审计日志" in html and "锁定了账户" in html
