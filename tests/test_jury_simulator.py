"""The panel simulator: a statistical sanity check with fixed seeds, so deterministic."""

import pytest

from app.jury.simulate import SimulationResult, format_result, simulate


def test_a_panel_of_seventeen_fairly_accurate_reviewers_is_mostly_right():
    result = simulate(17, 9, 0.7, 2000, seed=1)
    assert 0.8 <= result.correct_rate <= 1.0
    assert 9 <= result.mean_votes_used <= 17
    assert result.undecided_rate == 0.0  # 17 votes always give one option 9


def test_coin_tossing_reviewers_are_right_half_the_time():
    result = simulate(17, 9, 0.5, 2000, seed=1)
    assert 0.4 <= result.correct_rate <= 0.6


def test_the_same_seed_gives_the_same_result():
    assert simulate(17, 9, 0.7, 500, seed=7) == simulate(17, 9, 0.7, 500, seed=7)


def test_taobaos_larger_panel_is_more_often_right():
    small = simulate(17, 9, 0.6, 2000, seed=3)
    large = simulate(31, 16, 0.6, 2000, seed=3)
    assert large.correct_rate > small.correct_rate
    assert 16 <= large.mean_votes_used <= 31


def test_the_deadline_rule_leaves_ties_undecided():
    # an even panel where the majority is out of reach of a tie: 4 seats, majority 3
    result = simulate(4, 3, 0.5, 2000, seed=2)
    assert 0.2 <= result.undecided_rate <= 0.5  # a 2-2 tie: 6 of 16 outcomes
    assert result.correct_rate + result.undecided_rate <= 1.0


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        simulate(17, 18, 0.7, 10, seed=1)
    with pytest.raises(ValueError):
        simulate(17, 9, 1.5, 10, seed=1)


def test_format_result():
    text = format_result(SimulationResult(17, 9, 0.7, 2000, 0.962, 12.68, 0.0))
    assert "2000 cases, 17 seats, majority 9" in text
    assert "96.2%" in text and "12.68" in text
