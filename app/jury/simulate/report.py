"""The simulator's figures as the operator reads them: one rule, or several side by side.
Shares are given to a hundredth of a per cent: at 20,000 cases their standard error is
about 0.07 points near 99 %, and a target is not met by rounding."""

from app.jury.simulate.panels import AdaptiveRule, KlerosRule, MajorityRule
from app.jury.simulate.reviewers import Scenario
from app.jury.simulate.runs import Result, Rule

COLUMNS = ("correct", "undecided", "mean votes", "P90 votes", "mean hours", "changed by leaning")


def describe_rule(rule: Rule) -> str:
    match rule:
        case MajorityRule(seats=seats, majority=majority):
            return f"majority rule, {seats} seats, majority {majority}"
        case AdaptiveRule():
            return (
                f"adaptive rule, first wave {rule.first_wave}, waves of {rule.wave}, "
                f"cap {rule.cap}, confidence {rule.confidence}"
            )
        case KlerosRule():
            sizes = [rule.seats]
            for _ in range(rule.appeals):
                sizes.append(2 * sizes[-1] + 1)
            return f"Kleros-style, {' → '.join(map(str, sizes))} seats on appeal"
    raise TypeError(rule)


def describe_scenario(scenario: Scenario) -> str:
    spread = f" ± {scenario.spread:.2f}" if scenario.spread else ""
    known = f"estimated from {scenario.gold} gold answers each" if scenario.gold else "known"
    parts = [f"reviewers of accuracy {scenario.accuracy:.2f}{spread}, {known}"]
    if scenario.biased:
        parts.append(
            f"{scenario.leaning_share:.0%} mostly sell, {scenario.leaning_bias:.0%} likelier "
            "to vote for the seller's side"
        )
    if scenario.difficulty:
        parts.append("half the cases easy, half close")
    if scenario.no_show:
        parts.append(f"{scenario.no_show:.0%} no-shows")
    parts.append(f"{scenario.options} options")
    return "; ".join(parts)


def format_result(rule: Rule, scenario: Scenario, result: Result) -> str:
    return "\n".join(
        [
            f"{result.cases} cases, {describe_rule(rule)}",
            describe_scenario(scenario),
            f"  correct verdicts:   {result.correct_rate:.2%}",
            f"  undecided:          {result.undecided_rate:.2%}",
            f"  mean votes used:    {result.mean_votes_used:.2f}",
            f"  P90 votes used:     {result.p90_votes_used}",
            f"  hours to verdict:   {_hours(result.mean_hours)} mean, "
            f"{_hours(result.p90_hours)} P90",
            f"  changed by leaning: {result.changed_by_leaning:.2%}",
        ]
    )


def format_comparison(
    named_rules: list[tuple[str, Rule]], scenario: Scenario, results: list[Result]
) -> str:
    """A table: one row per rule, on the same simulated cases."""
    width = max(len(name) for name, _rule in named_rules)
    header = "  ".join([f"{'rule':<{width}}", *COLUMNS])
    rows = [
        "  ".join(
            [
                f"{name:<{width}}",
                f"{result.correct_rate:>{len(COLUMNS[0])}.2%}",
                f"{result.undecided_rate:>{len(COLUMNS[1])}.2%}",
                f"{result.mean_votes_used:>{len(COLUMNS[2])}.2f}",
                f"{result.p90_votes_used:>{len(COLUMNS[3])}}",
                f"{_hours(result.mean_hours):>{len(COLUMNS[4])}}",
                f"{result.changed_by_leaning:>{len(COLUMNS[5])}.2%}",
            ]
        )
        for (name, _rule), result in zip(named_rules, results, strict=True)
    ]
    cases = results[0].cases if results else 0
    return "\n".join([f"{cases} cases; {describe_scenario(scenario)}", header, *rows])


def _hours(hours: float | None) -> str:
    return "-" if hours is None else f"{hours:.1f}"
