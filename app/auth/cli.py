"""``flask users …``: grant and revoke staff roles from the command line."""

import click
from flask.cli import AppGroup

from app.auth.models import Role
from app.auth.services import find_user_by_email, grant_role, revoke_role
from app.core.extensions import db

users_cli = AppGroup("users", help="Accounts and staff roles.")

ROLE_CHOICE = click.Choice([role.value for role in Role])


def _user_or_fail(email: str):
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no account with the e-mail address {email}")
    return user


@users_cli.command("grant")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
def grant_command(email: str, role: str) -> None:
    """Grant ROLE (mediator or admin) to the account with EMAIL."""
    user = _user_or_fail(email)
    changed = grant_role(user, Role(role), granted_by=None)
    db.session.commit()
    click.echo(f"{email} {'is now' if changed else 'was already'} {role}")


@users_cli.command("revoke")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
def revoke_command(email: str, role: str) -> None:
    """Take ROLE away from the account with EMAIL."""
    user = _user_or_fail(email)
    changed = revoke_role(user, Role(role), revoked_by=None)
    db.session.commit()
    click.echo(f"{email} {'is no longer' if changed else 'was not'} {role}")
