"""``flask jury verify-draw CASE``: check each draw of the case's panels against the public
draw log and recompute its seats (design: Verifiable draws; docs/draws.md).
``flask jury simulate``: the panel rules on simulated cases (docs/simulator.md).
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
from app.jury.simulate.panels import AdaptiveRule, KlerosRule, MajorityRule, Timing
from app.jury.simulate.report import format_comparison, format_result
from app.jury.simulate.reviewers import Scenario
from app.jury.simulate.runs import simulate

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


class Leaning(click.ParamType):
    """SHARE:BIAS, e.g. 0.4:0.1."""

    name = "share:bias"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        try:
            share, bias = (float(part) for part in value.split(":"))
        except ValueError:
            self.fail(f"{value!r} is not SHARE:BIAS, e.g. 0.4:0.1", param, ctx)
        return share, bias


@jury_cli.command("simulate")
@click.option(
    "--rule",
    type=click.Choice(["majority", "adaptive"]),
    default=None,
    help="The panel rule (default: PANEL_RULE).",
)
@click.option("--seats", type=click.IntRange(1, 201), default=None, help="Majority rule: seats.")
@click.option(
    "--majority",
    type=click.IntRange(1, 201),
    default=None,
    help="Majority rule: votes for one option that decide at once (default: a simple "
    "majority of the seats).",
)
@click.option(
    "--confidence",
    type=click.FloatRange(0.5, 1, max_open=True),
    default=None,
    help="Adaptive rule: the posterior that decides (default: ADAPTIVE_CONFIDENCE).",
)
@click.option(
    "--first-wave",
    type=click.IntRange(1, 201),
    default=None,
    help="Adaptive rule: seats drawn first (default: ADAPTIVE_FIRST_WAVE).",
)
@click.option(
    "--wave",
    type=click.IntRange(1, 201),
    default=None,
    help="Adaptive rule: seats each later wave adds (default: ADAPTIVE_WAVE).",
)
@click.option(
    "--cap",
    type=click.IntRange(1, 201),
    default=None,
    help="Adaptive rule: the most seats (default: ADAPTIVE_CAP).",
)
@click.option("--accuracy", type=click.FloatRange(0, 1), default=0.7, show_default=True)
@click.option(
    "--spread",
    type=click.FloatRange(0, 0.5),
    default=0.0,
    show_default=True,
    help="Each reviewer's accuracy is uniform in accuracy ± SPREAD.",
)
@click.option(
    "--gold",
    type=click.IntRange(1, 1000),
    default=None,
    help="Accuracies estimated from GOLD answers per reviewer, not known.",
)
@click.option(
    "--leaning",
    type=Leaning(),
    default="0:0",
    show_default=True,
    help="SHARE of reviewers mostly sell and are BIAS likelier to vote for the seller's side.",
)
@click.option("--difficulty", is_flag=True, help="Half the cases easy, half close.")
@click.option(
    "--no-show",
    type=click.FloatRange(0, 1, max_open=True),
    default=0.0,
    show_default=True,
    help="Share of seated reviewers who never vote.",
)
@click.option(
    "--options",
    type=click.IntRange(2, 8),
    default=2,
    show_default=True,
    help="Options on the ballot.",
)
@click.option("--cases", type=click.IntRange(1, 1_000_000), default=20_000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--compare",
    is_flag=True,
    help="Xianyu 17/9, Taobao 31/16, Kleros-style and adaptive on the same cases.",
)
def simulate_command(**given) -> None:
    """Simulate panels on cases whose right option is known, counted by the real rules: how
    often the verdict is right, how many votes and hours it takes, and how much a leaning
    among reviewers changes it (docs/simulator.md)."""
    try:
        scenario = Scenario(
            accuracy=given["accuracy"],
            spread=given["spread"],
            gold=given["gold"],
            leaning_share=given["leaning"][0],
            leaning_bias=given["leaning"][1],
            difficulty=given["difficulty"],
            no_show=given["no_show"],
            options=given["options"],
        )
        adaptive = _adaptive_rule(given)
        rule = adaptive if _rule_name(given) == "adaptive" else _majority_rule(given)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    timing = _timing()
    if given["compare"]:
        named = [*COMPARED, ("adaptive", adaptive)]
        results = simulate(
            [rule for _name, rule in named], scenario, given["cases"], given["seed"], timing
        )
        click.echo(format_comparison(named, scenario, results))
    else:
        (result,) = simulate([rule], scenario, given["cases"], given["seed"], timing)
        click.echo(format_result(rule, scenario, result))


COMPARED = [
    ("Xianyu 17/9", MajorityRule(17, 9)),
    ("Taobao 31/16", MajorityRule(31, 16)),
    ("Kleros-style 3/2, appeals", KlerosRule()),
]


def _rule_name(given) -> str:
    return given["rule"] or current_app.config["PANEL_RULE"]


def _majority_rule(given) -> MajorityRule:
    config = current_app.config
    seats = given["seats"] or config["PANEL_SEATS"]
    majority = given["majority"]
    if majority is None:
        majority = config["PANEL_MAJORITY"] if seats == config["PANEL_SEATS"] else seats // 2 + 1
    if majority > seats:
        raise ValueError("the majority cannot be more than the seats")
    return MajorityRule(seats, majority)


def _adaptive_rule(given) -> AdaptiveRule:
    config = current_app.config
    return AdaptiveRule(
        first_wave=given["first_wave"] or config["ADAPTIVE_FIRST_WAVE"],
        wave=given["wave"] or config["ADAPTIVE_WAVE"],
        cap=given["cap"] or config["ADAPTIVE_CAP"],
        confidence=given["confidence"] or config["ADAPTIVE_CONFIDENCE"],
    )


def _timing() -> Timing:
    config = current_app.config
    return Timing(
        vote_window_hours=config["SEAT_VOTE_WINDOW"].total_seconds() / 3600,
        deadline_hours=config["PANEL_DEADLINE"].total_seconds() / 3600,
        replacement_rounds=config["SEAT_REPLACEMENT_ROUNDS"],
    )
