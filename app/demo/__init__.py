"""``flask demo seed``: a believable marketplace, with cases in every state, to try Tribunal."""

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.auth.models import User
from app.core.extensions import db
from app.demo.cases import seed_cases
from app.demo.history import seed_history
from app.demo.marketplace import DEMO_PASSWORD, seed_marketplace
from app.jury.models import Panel, PanelStatus, Seat, SeatStatus

__all__ = ["DEMO_PASSWORD", "demo_cli", "seed_demo"]

demo_cli = AppGroup("demo", help="Demo data.")


def waiting_seats() -> list[Seat]:
    """The demo panel's seats still open: any one of them casts the deciding vote. (The
    history's panels are closed; a seat left unvoted when the verdict fell stays open on
    its closed panel.)"""
    return db.session.scalars(
        select(Seat)
        .join(Panel, Panel.id == Seat.panel_id)
        .where(Seat.status == SeatStatus.OPEN.value, Panel.status == PanelStatus.OPEN.value)
        .order_by(Seat.id)
    ).all()


def seed_demo() -> dict[str, int]:
    """Create the demo marketplace, its cases in every state and months of closed cases
    before them, in the current transaction; the caller commits."""
    counts = seed_marketplace()
    counts["cases"] = seed_cases()
    history = seed_history()
    counts["users"] += history.users
    counts["orders"] += history.orders
    counts["cases"] += history.cases
    counts["history"] = history.cases
    return counts


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database has any account.")
def seed_command(if_empty: bool) -> None:
    """Fill an empty database with demo accounts and orders."""
    if db.session.scalar(select(func.count(User.id))):
        if if_empty:
            click.echo("Demo data: the database already has accounts; nothing to do.")
            return
        raise click.ClickException(
            "the database already has accounts; demo data needs an empty one"
        )
    counts = seed_demo()
    db.session.commit()
    for seat in waiting_seats():
        click.echo(f"Case #{seat.panel.case_id} waits for the vote of {seat.reviewer.email}")
    click.echo(
        f"Demo data: {counts['users']} accounts, {counts['orders']} orders and "
        f"{counts['cases']} cases ({counts['history']} of them closed months of history). "
        f"Every demo account's password is {DEMO_PASSWORD!r}."
    )
