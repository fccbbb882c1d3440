"""``flask webhooks …``: the marketplace's webhook endpoints from the command line."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.core.errors import Refused
from app.core.extensions import db
from app.notifications.webhooks.endpoints import (
    add_endpoint,
    disable_endpoint,
    enable_endpoint,
    rotate_secret,
)
from app.notifications.webhooks.models import WebhookEndpoint

webhooks_cli = AppGroup("webhooks", help="Webhook endpoints of the marketplace.")


def _endpoint_or_fail(endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise click.ClickException(f"no webhook endpoint {endpoint_id}")
    return endpoint


def _print_secret(secret: str, notice: str) -> None:
    # the notice goes to stderr, so `SECRET=$(flask webhooks add URL)` captures the secret
    click.echo(notice, err=True)
    click.echo(secret)


@webhooks_cli.command("add")
@click.argument("url")
@click.option("--events", default="*", show_default=True, help='e.g. "case.*,panel.verdict"')
@click.option("--description", default=None, help="What the endpoint is, for the admins.")
def add_command(url: str, events: str, description: str | None) -> None:
    """Send the events to URL, signed; prints the signing secret, the only time it is shown."""
    try:
        endpoint, secret = add_endpoint(url, events, None, description)
    except Refused as refusal:
        raise click.ClickException(str(refusal)) from refusal
    db.session.commit()
    _print_secret(
        secret,
        f"Endpoint {endpoint.id} added: {endpoint.url} ({endpoint.event_patterns}). "
        "Its signing secret follows; copy it now, it is not shown again.",
    )


@webhooks_cli.command("rotate")
@click.argument("endpoint_id", type=int)
def rotate_command(endpoint_id: int) -> None:
    """Give the endpoint a new signing secret (the old one signs too for a while)."""
    endpoint = _endpoint_or_fail(endpoint_id)
    try:
        secret = rotate_secret(endpoint, None)
    except Refused as refusal:
        raise click.ClickException(str(refusal)) from refusal
    db.session.commit()
    _print_secret(
        secret,
        f"Endpoint {endpoint_id} has a new signing secret; the old one also signs until "
        f"{endpoint.previous_secret_until:%Y-%m-%d %H:%M} UTC. Copy it now:",
    )


@webhooks_cli.command("disable")
@click.argument("endpoint_id", type=int)
def disable_command(endpoint_id: int) -> None:
    """Stop sending to the endpoint."""
    changed = disable_endpoint(_endpoint_or_fail(endpoint_id), None)
    db.session.commit()
    click.echo(f"Endpoint {endpoint_id} {'is' if changed else 'was already'} disabled.")


@webhooks_cli.command("enable")
@click.argument("endpoint_id", type=int)
def enable_command(endpoint_id: int) -> None:
    """Send to the endpoint again, from now on."""
    changed = enable_endpoint(_endpoint_or_fail(endpoint_id), None)
    db.session.commit()
    click.echo(f"Endpoint {endpoint_id} {'is' if changed else 'was already'} enabled.")


@webhooks_cli.command("list")
def list_command() -> None:
    """The endpoints: id, state, events, URL. Never their secrets."""
    endpoints = db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()
    if not endpoints:
        click.echo("No webhook endpoints yet. Add one with: flask webhooks add URL")
        return
    for endpoint in endpoints:
        state = "active" if endpoint.is_active else f"disabled ({endpoint.disabled_reason})"
        click.echo(f"{endpoint.id}\t{state}\t{endpoint.event_patterns}\t{endpoint.url}")
