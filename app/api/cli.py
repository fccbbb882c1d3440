"""``flask api-tokens …``: bearer tokens for the marketplace's integrations."""

import click
from flask.cli import AppGroup

from app.api.auth import ApiTokenError, all_tokens, issue_token, revoke_token
from app.api.models import Scope
from app.core.extensions import db

api_tokens_cli = AppGroup("api-tokens", help="Bearer tokens for marketplace integrations.")


@api_tokens_cli.command("create")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice([scope.value for scope in Scope]),
    help="What the token may do; repeat for several. Default: all of them.",
)
def create_command(name: str, scopes: tuple[str, ...]) -> None:
    """Create a token called NAME and print it: the only time it is ever shown."""
    try:
        token, plaintext = issue_token(name, [Scope(s) for s in scopes] or tuple(Scope))
    except ApiTokenError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    # The notice goes to stderr, so `TOKEN=$(flask api-tokens create shop)` captures the token
    click.echo(
        f'Token "{token.name}" created with the scopes {", ".join(token.granted)}. '
        "Copy it now: Tribunal keeps only its hash.",
        err=True,
    )
    click.echo(plaintext)


@api_tokens_cli.command("revoke")
@click.argument("name")
def revoke_command(name: str) -> None:
    """Revoke the token called NAME; requests bearing it are refused from now on."""
    try:
        changed = revoke_token(name)
    except ApiTokenError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f'Token "{name}" {"is revoked" if changed else "was already revoked"}.')


@api_tokens_cli.command("list")
def list_command() -> None:
    """List the tokens: name, scopes, created, last used, revoked. Never the tokens."""
    tokens = all_tokens()
    if not tokens:
        click.echo("No API tokens yet. Create one with: flask api-tokens create NAME")
        return
    rows = [("NAME", "SCOPES", "CREATED", "LAST USED", "REVOKED")]
    rows += [
        (
            token.name,
            ",".join(token.granted),
            _when(token.created_at),
            _when(token.last_used_at, "never"),
            _when(token.revoked_at, "no"),
        )
        for token in tokens
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        click.echo("  ".join(cells).rstrip())


def _when(moment, missing: str = "") -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment is not None else missing
