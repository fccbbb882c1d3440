"""The panel simulator: the adaptive rule against the gambler's-ruin figures, determinism,
each option moving the figures the way it must, the compare table and the command's output.

The runs are seeded, so every figure is reproducible; tolerances are drawn from the
standard error of the quantity measured."""

import math
import statistics

import pytest

from app.jury.rules import Side, margin_for
from app.jury.simulate.cases import simulated_case
from app.jury.simulate.panels import AdaptiveRule, KlerosRule, MajorityRule, Sitting, Timing
from app.jury.simulate.report import COLUMNS
from app.jury.simulate.reviewers import Scenario, build_pool
from app.jury.simulate.runs import percentile_90, simulate

# the simulator reads no database: make test runs it once, on SQLite
pytestmark = pytest.mark.one_pass

XIANYU = MajorityRule(17, 9)
ADAPTIVE = AdaptiveRule(first_wave=5, wave=4, cap=31, confidence=0.99)
# no deadline to speak of: a margin rule with a cap out of reach is the pure SPRT
TIMELESS = Timing(deadline_hours=1e9)


def run(rule, scenario=None, cases=600, seed=1, timing=None):
    (result,) = simulate([rule], scenario or Scenario(), cases, seed, timing)
    return result


@pytest.mark.parametrize("accuracy, confidence", [(0.7, 0.99), (0.8, 0.95)])
def test_the_adaptive_rule_meets_the_gamblers_ruin_figures(accuracy, confidence):
    """With equal reviewers of accuracy p the rule stops at a lead of m votes: right with
    probability 1 / (1 + ((1 − p) / p)^m), after m(2P − 1) / (2p − 1) votes on average."""
    margin = margin_for(accuracy, confidence)
    expected_right = 1 / (1 + ((1 - accuracy) / accuracy) ** margin)
    expected_votes = margin * (2 * expected_right - 1) / (2 * accuracy - 1)
    rule = AdaptiveRule(first_wave=5, wave=4, cap=201, confidence=confidence)
    scenario = Scenario(accuracy=accuracy)
    pool = build_pool(scenario, seed=5)
    cases = 3000
    outcomes = []
    for number in range(cases):
        case = simulated_case(scenario, 5, number)
        outcomes.append((rule.run(Sitting(case, pool.biased, pool.leanings, TIMELESS)), case))
    right = sum(outcome.verdict == case.truth for outcome, case in outcomes) / cases
    votes = [outcome.votes for outcome, _case in outcomes]
    right_error = math.sqrt(expected_right * (1 - expected_right) / cases)
    votes_error = statistics.stdev(votes) / math.sqrt(cases)
    assert abs(right - expected_right) < 4 * right_error
    assert abs(statistics.fmean(votes) - expected_votes) < 4 * votes_error


def test_a_seed_gives_the_same_figures_and_another_seed_others():
    scenario = Scenario(spread=0.1, gold=10, leaning_share=0.4, leaning_bias=0.1, no_show=0.1)
    first = simulate([XIANYU, ADAPTIVE], scenario, 300, seed=7)
    assert simulate([XIANYU, ADAPTIVE], scenario, 300, seed=7) == first
    assert simulate([XIANYU, ADAPTIVE], scenario, 300, seed=8) != first


def test_every_rule_meets_the_same_cases():
    """Common random numbers: a rule run alone or beside others gives the same figures."""
    scenario = Scenario(no_show=0.1)
    together = simulate([XIANYU, ADAPTIVE, KlerosRule()], scenario, 300, seed=3)
    assert together[1] == simulate([ADAPTIVE], scenario, 300, seed=3)[0]
    assert together[2] == simulate([KlerosRule()], scenario, 300, seed=3)[0]


def test_better_reviewers_give_more_right_verdicts_with_fewer_votes():
    weaker, stronger = run(ADAPTIVE, Scenario(accuracy=0.65)), run(ADAPTIVE, Scenario(0.8))
    assert stronger.correct_rate > weaker.correct_rate
    assert stronger.mean_votes_used < weaker.mean_votes_used


def test_weighing_votes_by_accuracy_pays_when_accuracies_spread():
    """The same mean accuracy, spread 0.55 to 0.85 and known: the adaptive rule leans on
    the strong reviewers and needs about three votes fewer; the majority rule, weighing
    every vote alike, gains nothing like it."""
    equal, spread = run(ADAPTIVE), run(ADAPTIVE, Scenario(spread=0.15))
    assert spread.mean_votes_used < equal.mean_votes_used - 1.5
    assert abs(run(XIANYU, Scenario(spread=0.15)).mean_votes_used - run(XIANYU).mean_votes_used) < 1


def test_a_higher_confidence_buys_right_verdicts_with_votes():
    looser = run(AdaptiveRule(5, 4, 31, 0.9), cases=1000)
    stricter = run(AdaptiveRule(5, 4, 31, 0.995), cases=1000)
    assert stricter.correct_rate > looser.correct_rate
    assert stricter.mean_votes_used > looser.mean_votes_used + 5


def test_the_cap_bounds_the_votes_and_larger_waves_seat_more():
    capped = run(AdaptiveRule(5, 4, 11, 0.999))
    assert capped.p90_votes_used <= 11
    assert run(AdaptiveRule(5, 4, 31, 0.999)).mean_votes_used > capped.mean_votes_used
    assert run(AdaptiveRule(15, 8, 31, 0.99)).mean_hours < run(ADAPTIVE).mean_hours


def test_a_leaning_changes_verdicts_only_when_biased():
    assert run(XIANYU, Scenario(leaning_share=0.4)).changed_by_leaning == 0
    biased = run(XIANYU, Scenario(leaning_share=0.4, leaning_bias=0.2), cases=1000)
    assert biased.changed_by_leaning > 0.01
    assert biased.correct_rate < run(XIANYU, cases=1000).correct_rate


def test_the_draw_keeps_mostly_sellers_to_half_the_seats():
    """With nine reviewers in ten mostly selling, a 3-seat panel still seats one at most:
    every other seat goes to a balanced reviewer, so a strong bias barely moves it."""
    scenario = Scenario(leaning_share=0.9, leaning_bias=0.3)
    pool = build_pool(scenario, seed=1)
    case = simulated_case(scenario, 1, 0)
    sitting = Sitting(case, pool.biased, pool.leanings, Timing())
    MajorityRule(3, 2).run(sitting)
    seated = [pool.leanings[reviewer] for reviewer in sitting.seated]
    assert seated.count("seller") <= 1 < len(seated)


def test_gold_answers_replace_the_known_accuracies_by_shrunk_estimates():
    known = build_pool(Scenario(spread=0.15), seed=2).biased
    estimated = build_pool(Scenario(spread=0.15, gold=20), seed=2).biased
    assert estimated.true == known.true
    true = [accuracy.buyer for accuracy in known.true]
    counted = [accuracy.buyer for accuracy in estimated.counted]
    # about ten answers on each side against a prior worth ten: the estimates follow the
    # true accuracies about half way, the rest is the pool's mean
    slope = statistics.covariance(true, counted) / statistics.variance(true)
    assert 0.35 < slope < 0.65


def test_estimates_learn_from_each_verdict_as_the_track_record_does():
    world = build_pool(Scenario(spread=0.15, gold=20), seed=2).biased
    before = world.counted[0]
    world.learn([(0, "option 1")] * 30, "option 1", Side.BUYER)
    assert world.counted[0].buyer > before.buyer  # thirty agreements on the buyer's side
    assert world.counted[0].seller == before.seller
    world.learn([(0, "option 2")] * 30, "option 1", Side.BUYER)
    assert world.counted[0].buyer < before.buyer + 0.5 * (1 - before.buyer)
    known = build_pool(Scenario(spread=0.15), seed=2).biased
    known.learn([(0, "option 1")], "option 1", Side.BUYER)  # known accuracies stay known
    assert known.counted[0] == known.true[0]


def test_learning_from_verdicts_brings_gold_estimates_towards_the_known_accuracies():
    cases, rule = 3000, AdaptiveRule(7, 6, 41, 0.99)
    [known] = simulate([rule], Scenario(spread=0.15), cases, seed=4)
    [estimated] = simulate([rule], Scenario(spread=0.15, gold=20), cases, seed=4)
    [equal] = simulate([rule], Scenario(), cases, seed=4)
    assert known.mean_votes_used < estimated.mean_votes_used < equal.mean_votes_used


def test_close_cases_cost_right_verdicts():
    assert (
        run(XIANYU, Scenario(difficulty=True), cases=1000).correct_rate
        < run(XIANYU, cases=1000).correct_rate
    )


def test_no_shows_cost_time():
    assert run(XIANYU, Scenario(no_show=0.3)).mean_hours > run(XIANYU).mean_hours + 5


def test_more_options_split_the_votes_and_leave_ties():
    assert run(XIANYU).undecided_rate == 0  # two options: 17 votes always give one 9
    assert run(XIANYU, Scenario(accuracy=0.5, options=4)).undecided_rate > 0.01


def test_a_kleros_style_panel_appeals_a_wrong_verdict_and_sometimes_a_right_one():
    never = run(KlerosRule(appeal_if_right=0.0), cases=400)
    always = run(KlerosRule(appeal_if_right=1.0), cases=400)
    # appealed every time, each case sits before all four panels, each deciding by majority
    assert 2 + 4 + 8 + 16 <= always.mean_votes_used <= always.p90_votes_used <= 3 + 7 + 15 + 31
    assert 3 <= never.mean_votes_used < always.mean_votes_used
    assert never.correct_rate > run(MajorityRule(3, 2), cases=400).correct_rate


def test_the_deadline_leaves_slow_panels_undecided():
    hurried = run(XIANYU, timing=Timing(vote_window_hours=1, deadline_hours=2))
    assert hurried.undecided_rate > 0.5
    assert hurried.mean_hours <= 2


def test_the_90th_percentile_is_the_nearest_rank():
    assert percentile_90(list(range(1, 11))) == 9
    assert percentile_90([5]) == 5


def test_impossible_scenarios_are_refused():
    for wrong in (
        {"accuracy": 0.9, "spread": 0.2},
        {"leaning_share": 1.0},
        {"options": 1},
        {"no_show": 1.0},
        {"gold": 0},
    ):
        with pytest.raises(ValueError):
            Scenario(**wrong)
    with pytest.raises(ValueError):
        AdaptiveRule(first_wave=40, wave=4, cap=31, confidence=0.99)


# The command


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=["jury", "simulate", "--cases", "200", *args])


def test_the_command_prints_the_figures_of_the_configured_rule(app):
    result = invoke(app, "--seats", "17", "--accuracy", "0.7")
    assert result.exit_code == 0, result.output
    assert "200 cases, majority rule, 17 seats, majority 9" in result.output
    for line in (
        "correct verdicts:",
        "undecided:",
        "mean votes used:",
        "P90 votes used:",
        "hours to verdict:",
        "changed by leaning:",
    ):
        assert line in result.output


def test_the_command_runs_the_adaptive_rule_from_configuration_or_options(app):
    configured = invoke(app, "--rule", "adaptive")
    assert f"cap {app.config['ADAPTIVE_CAP']}, confidence {app.config['ADAPTIVE_CONFIDENCE']}" in (
        configured.output
    )
    given = invoke(app, "--rule", "adaptive", "--first-wave", "3", "--wave", "2", "--cap", "9")
    assert "first wave 3, waves of 2, cap 9" in given.output


def test_the_command_takes_every_scenario_option(app):
    result = invoke(
        app,
        *("--spread", "0.1", "--gold", "20", "--leaning", "0.4:0.1", "--difficulty"),
        *("--no-show", "0.1", "--options", "4", "--seed", "3"),
    )
    assert result.exit_code == 0, result.output
    assert (
        "reviewers of accuracy 0.70 ± 0.10, estimated from 20 gold answers each; 40% mostly "
        "sell, 10% likelier to vote for the seller's side; half the cases easy, half close; "
        "10% no-shows; 4 options"
    ) in result.output


def test_compare_prints_the_rules_side_by_side(app):
    result = invoke(app, "--compare", "--leaning", "0.4:0.1")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].startswith("rule ") and all(column in lines[1] for column in COLUMNS)
    assert [line.split("  ")[0] for line in lines[2:]] == [
        "Xianyu 17/9",
        "Taobao 31/16",
        "Kleros-style 3/2, appeals",
        "adaptive",
    ]


@pytest.mark.parametrize(
    "args",
    [
        ("--seats", "17", "--majority", "18"),
        ("--leaning", "0.4"),
        ("--accuracy", "0.9", "--spread", "0.2"),
    ],
)
def test_the_command_refuses_what_cannot_be_simulated(app, args):
    result = invoke(app, *args)
    assert result.exit_code == 2
    assert "Error" in result.output
