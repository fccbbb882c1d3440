"""Staff roles: granted by an admin on the command line or the admin page, nowhere else."""

import pytest
from sqlalchemy import func, select

from app.auth.models import Role, RoleGrant, User
from app.auth.services import grant_role
from app.core.audit import AuditEvent
from app.core.extensions import db
from tests.helpers.concurrency import errors_in, run_at_once
from tests.helpers.factories import make_user
from tests.helpers.pages import login


def test_cli_grants_and_revokes_a_role(app):
    user = make_user(email="staff@example.com")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "grant", "staff@example.com", "mediator"])
    assert result.exit_code == 0 and "is now mediator" in result.output
    db.session.expire_all()
    assert db.session.get(User, user.id).has_role(Role.MEDIATOR)
    result = runner.invoke(args=["users", "grant", "staff@example.com", "mediator"])
    assert "was already" in result.output
    result = runner.invoke(args=["users", "revoke", "staff@example.com", "mediator"])
    assert result.exit_code == 0
    db.session.expire_all()
    assert not db.session.get(User, user.id).has_role(Role.MEDIATOR)


def test_cli_refuses_unknown_people_and_roles(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "grant", "nobody@example.com", "admin"])
    assert result.exit_code != 0 and "no account" in result.output
    make_user(email="someone@example.com")
    result = runner.invoke(args=["users", "grant", "someone@example.com", "king"])
    assert result.exit_code != 0


def test_admin_page_grants_a_role_and_records_it(client):
    admin = make_user(roles=(Role.ADMIN,))
    user = make_user()
    login(client, admin)
    page = client.get("/admin/users").get_data(as_text=True)
    assert user.email in page
    response = client.post(
        f"/admin/users/{user.id}/roles", data={"role": "mediator", "action": "grant"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).has_role(Role.MEDIATOR)
    audit = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "role.granted", AuditEvent.subject_id == str(user.id)
        )
    )
    assert audit.actor_id == admin.id and audit.after == {"role": "mediator"}


def test_admin_cannot_remove_their_own_admin_role(client):
    admin = make_user(roles=(Role.ADMIN,))
    login(client, admin)
    client.post(f"/admin/users/{admin.id}/roles", data={"role": "admin", "action": "revoke"})
    db.session.expire_all()
    assert db.session.get(User, admin.id).has_role(Role.ADMIN)


@pytest.mark.parametrize("roles", [(), (Role.MEDIATOR,)])
def test_non_admins_cannot_see_or_change_roles(client, roles):
    user = make_user(roles=roles)
    target = make_user()
    login(client, user)
    assert client.get("/admin/users").status_code == 403
    response = client.post(
        f"/admin/users/{target.id}/roles", data={"role": "admin", "action": "grant"}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert not db.session.get(User, target.id).roles


def test_anonymous_visitors_are_sent_to_login(client):
    for path in ("/admin/users", "/mediation/", "/review/", "/orders", "/inbox"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_mediator_desk_is_for_mediators(client):
    login(client, make_user())
    assert client.get("/mediation/").status_code == 403
    client.post("/logout")
    login(client, make_user(roles=(Role.MEDIATOR,)))
    assert client.get("/mediation/").status_code == 200


@pytest.mark.committing
def test_concurrent_grants_of_the_same_role_make_one_grant(app):
    user_id = make_user().id
    db.session.commit()
    outcomes = run_at_once(
        app,
        lambda _n: grant_role(db.session.get(User, user_id), Role.MEDIATOR, granted_by=None),
        6,
    )
    assert errors_in(outcomes) == []
    assert sorted(outcomes) == [False] * 5 + [True]
    count = db.session.scalar(select(func.count(RoleGrant.id)).where(RoleGrant.user_id == user_id))
    assert count == 1
