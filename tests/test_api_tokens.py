"""API tokens: created once and shown once, stored only as a hash, revoked, listed."""

import hashlib

from sqlalchemy import select

from app.api.models import ApiToken
from app.core.audit import AuditEvent
from app.core.extensions import db


def run(app, *args):
    return app.test_cli_runner().invoke(args=["api-tokens", *args])


def stored_token(name: str) -> ApiToken | None:
    return db.session.scalar(select(ApiToken).where(ApiToken.name == name))


def test_create_prints_the_token_once_and_stores_only_its_hash(app):
    result = run(app, "create", "marketplace")

    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("trb_") and len(token) == 4 + 43  # 32 random bytes, base64url
    assert "only its hash" in result.stderr
    row = stored_token("marketplace")
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored_values = [str(getattr(row, column.key)) for column in ApiToken.__table__.columns]
    audit_values = [str(event.after) for event in db.session.scalars(select(AuditEvent))]
    assert not any(token in value for value in stored_values + audit_values)


def test_each_token_is_different(app):
    first = run(app, "create", "one").stdout.strip()
    second = run(app, "create", "two").stdout.strip()
    assert first != second


def test_a_name_is_used_once(app):
    run(app, "create", "marketplace")

    result = run(app, "create", "marketplace")

    assert result.exit_code == 1
    assert 'a token named "marketplace" already exists' in result.stderr
    assert result.stdout == ""
    assert len(db.session.scalars(select(ApiToken)).all()) == 1


def test_revoke_marks_the_token_and_the_api_refuses_it(app, client):
    token = run(app, "create", "marketplace").stdout.strip()
    assert client.post("/api/v1/orders", json=[], headers=auth(token)).status_code == 200

    result = run(app, "revoke", "marketplace")

    assert result.exit_code == 0 and "is revoked" in result.stdout
    assert stored_token("marketplace").revoked_at is not None
    assert client.post("/api/v1/orders", json=[], headers=auth(token)).status_code == 401
    assert "was already revoked" in run(app, "revoke", "marketplace").stdout


def test_revoking_an_unknown_token_fails(app):
    result = run(app, "revoke", "nobody")
    assert result.exit_code == 1
    assert 'there is no token named "nobody"' in result.stderr


def test_list_shows_names_and_use_but_never_tokens(app, client):
    used = run(app, "create", "used").stdout.strip()
    run(app, "create", "idle")
    run(app, "create", "old")
    run(app, "revoke", "old")
    client.post("/api/v1/orders", json=[], headers=auth(used))

    result = run(app, "list")

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NAME", "SCOPES", "CREATED", "LAST", "USED", "REVOKED"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == {"used", "idle", "old"}
    assert "never" in rows["idle"] and rows["idle"].endswith("no")
    assert "never" not in rows["used"]
    assert rows["old"].endswith("UTC")  # revoked at that time
    assert "trb_" not in result.stdout and stored_token("used").token_hash not in result.stdout


def test_list_without_tokens_says_how_to_make_one(app):
    assert "flask api-tokens create NAME" in run(app, "list").stdout


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
