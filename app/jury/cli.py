"""``flask jury replay-draw CASE``: recompute each panel's draw from its recorded seed and
pool, and check it against the reviewers actually seated (design: Crowd review, Drawing).
``flask jury simulate``: the panel rules on simulated cases (docs/simulator.md)."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.cases.models import Case
from app.core.extensions import db
from app.jury.drawing import first_drawn, replay_draw
from app.jury.models import Panel
from app.jury.simulate.panels import AdaptiveRule, KlerosRule, MajorityRule, Timing
from app.jury.simulate.report import format_comparison, format_result
from app.jury.simulate.reviewers import Scenario
from app.jury.simulate.runs import simulate

jury_cli = AppGroup("jury", help="Crowd review: panels and their draws.")


@jury_cli.command("replay-draw")
@click.argument("case_id", metavar="CASE", type=int)
def replay_draw_command(case_id: int) -> None:
    """Replay the draw of every panel of CASE; exit with status 1 if any differs."""
    if db.session.get(Case, case_id) is None:
        raise click.UsageError(f"no case {case_id}")
    panels = db.session.scalars(select(Panel).where(Panel.case_id == case_id).order_by(Panel.id))
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


def _ids(user_ids: list[int]) -> str:
    return " ".join(str(user_id) for user_id in user_ids) or "(none)"


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
