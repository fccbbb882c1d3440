"""``flask jury replay-draw CASE``: recompute each panel's draw from its recorded seed and
pool, and check it against the reviewers actually seated (design: Crowd review, Drawing).
``flask jury simulate``: how panel size and reviewer accuracy shape verdicts.
``flask jury load-gold``: bring the practice cases of ``gold/practice.json`` into the gold
bank."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.cases.models import Case
from app.core.extensions import db
from app.jury.drawing import first_drawn, replay_draw
from app.jury.gold.bank import load_gold_bank, practice_keys
from app.jury.models import CASE_PANEL, Panel
from app.jury.simulate import format_result, simulate

jury_cli = AppGroup("jury", help="Crowd review: panels and their draws.")


@jury_cli.command("replay-draw")
@click.argument("case_id", metavar="CASE", type=int)
def replay_draw_command(case_id: int) -> None:
    """Replay the draw of every panel of CASE; exit with status 1 if any differs."""
    if db.session.get(Case, case_id) is None:
        raise click.UsageError(f"no case {case_id}")
    panels = db.session.scalars(
        select(Panel).where(Panel.case_id == case_id, CASE_PANEL).order_by(Panel.id)
    )
    mismatches = 0
    found = False
    for panel in panels:
        found = True
        replayed = replay_draw(panel)
        drawn = first_drawn(panel)
        matches = replayed == drawn
        mismatches += not matches
        click.echo(f"panel {panel.id} ({panel.round})")
        click.echo(f"  seed:     {panel.seed}")
        click.echo(f"  pool:     {len(panel.pool)} reviewers")
        click.echo(f"  replayed: {_ids(replayed)}")
        if matches:
            click.echo("  matches the seats drawn")
        else:
            click.echo(f"  MISMATCH: seats drawn {_ids(drawn)}")
    if not found:
        click.echo(f"case {case_id} has no panel")
    if mismatches:
        raise click.exceptions.Exit(1)


@jury_cli.command("load-gold")
def load_gold_command() -> None:
    """Add the practice cases of gold/practice.json to the gold bank, or update their texts,
    answers and categories; running it again changes nothing."""
    added = load_gold_bank()
    db.session.commit()
    click.echo(f"gold bank: {added} practice cases added, {len(practice_keys())} in use")


def _ids(user_ids: list[int]) -> str:
    return " ".join(str(user_id) for user_id in user_ids) or "(none)"


@jury_cli.command("simulate")
@click.option("--seats", type=click.IntRange(1, 201), default=None, help="Seats on a panel.")
@click.option(
    "--majority",
    type=click.IntRange(1, 201),
    default=None,
    help="Votes for one option that decide at once (default: a simple majority of the seats).",
)
@click.option("--accuracy", type=click.FloatRange(0, 1), default=0.7, show_default=True)
@click.option("--cases", type=click.IntRange(1, 1_000_000), default=2000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
def simulate_command(seats, majority, accuracy, cases, seed) -> None:
    """Simulate panels of reviewers who each vote right with probability ACCURACY, counted by
    the real counting rule: how often the verdict is right, and how many votes it takes."""
    seats = seats or current_app.config["PANEL_SEATS"]
    if majority is None:
        same_as_configured = seats == current_app.config["PANEL_SEATS"]
        majority = current_app.config["PANEL_MAJORITY"] if same_as_configured else seats // 2 + 1
    if majority > seats:
        raise click.UsageError("the majority cannot be more than the seats")
    click.echo(format_result(simulate(seats, majority, accuracy, cases, seed)))
