"""``flask jury verify-draw CASE``: check each draw of the case's panels against the public
draw log and recompute its seats (design: Verifiable draws; docs/draws.md).
``flask jury simulate``: how panel size and reviewer accuracy shape verdicts.
``flask jury load-gold``: bring the practice cases of ``gold/practice.json`` into the gold
bank."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.cases.models import Case
from app.core.extensions import db
from app.jury.draw_check import DrawCheck, check_panel, unrecorded_seats
from app.jury.draw_log import chain_breaks
from app.jury.gold.bank import load_gold_bank, practice_keys
from app.jury.models import CASE_PANEL, Panel
from app.jury.simulate import format_result, simulate

jury_cli = AppGroup("jury", help="Crowd review: panels and their draws.")


@jury_cli.command("verify-draw")
@click.argument("case_id", metavar="CASE", type=int)
def verify_draw_command(case_id: int) -> None:
    """Check every draw of every panel of CASE against its commitment, its revealed seed and
    its snapshot, recompute its seats, and check the draw log's hash chain; exit with status
    1 on any mismatch."""
    if db.session.get(Case, case_id) is None:
        raise click.UsageError(f"no case {case_id}")
    panels = db.session.scalars(
        select(Panel).where(Panel.case_id == case_id, CASE_PANEL).order_by(Panel.id)
    )
    problems = 0
    found = False
    for panel in panels:
        found = True
        click.echo(f"panel {panel.id} ({panel.round}, {panel.status})")
        click.echo(f"  seed: {panel.seed}")
        for check in check_panel(panel):
            problems += len(check.problems)
            _echo_draw(check)
        if unrecorded := unrecorded_seats(panel):
            click.echo(f"  seats drawn before draws were recorded, not checked: {unrecorded}")
    if not found:
        click.echo(f"case {case_id} has no panel")
    breaks = list(chain_breaks())
    for line in breaks:
        click.echo(f"MISMATCH: {line}")
    click.echo("draw log: hash chain broken" if breaks else "draw log: hash chain holds")
    if problems or breaks:
        raise click.exceptions.Exit(1)


def _echo_draw(check: DrawCheck) -> None:
    record = check.record
    click.echo(f"  draw {record.number} ({record.kind}, algorithm {record.algorithm})")
    click.echo(f"    snapshot sha256: {record.snapshot_sha256}")
    click.echo(f"    pool:       {len(record.snapshot['pool'])} reviewers")
    click.echo(f"    recomputed: {_listed(check.recomputed)}")
    if check.recomputed != check.seated:
        click.echo(f"    seats drawn: {_listed(check.seated)}")
    for problem in check.problems:
        click.echo(f"    MISMATCH: {problem}")
    if not check.problems:
        click.echo("    matches the seats drawn")


def _listed(drawn: list) -> str:
    return " ".join(str(who) for who in drawn) or "(none)"


@jury_cli.command("load-gold")
def load_gold_command() -> None:
    """Add the practice cases of gold/practice.json to the gold bank, or update their texts,
    answers and categories; running it again changes nothing."""
    added = load_gold_bank()
    db.session.commit()
    click.echo(f"gold bank: {added} practice cases added, {len(practice_keys())} in use")


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
