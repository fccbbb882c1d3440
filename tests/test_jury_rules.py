"""The panel rules and the calibration, as pure functions: the adaptive stop is the SPRT's
margin when reviewers are equal, its posterior is order-independent, and a known leaning
makes a vote in its direction count for less."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.jury import calibration
from app.jury.calibration import Record, Tally
from app.jury.rules import (
    Accuracy,
    Evidence,
    Side,
    WeighedVote,
    adaptive_verdict,
    fallback_verdict,
    margin_for,
    needs_wave,
    posterior,
)

# the rules are pure functions: make test runs it once, on SQLite
pytestmark = pytest.mark.one_pass

TWO = {"grant": Side.BUYER, "reject": Side.SELLER}
FOUR = {"buyer": Side.BUYER, "mediator": Side.BUYER, "seller": Side.SELLER, "reject": Side.SELLER}


def votes(option: str, count: int, accuracy: float = 0.7) -> list[WeighedVote]:
    return [WeighedVote(option, Accuracy.even(accuracy))] * count


@pytest.mark.parametrize(
    "accuracy, confidence, margin",
    [(0.7, 0.99, 6), (0.7, 0.95, 4), (0.8, 0.99, 4), (0.6, 0.99, 12)],
)
def test_with_equal_reviewers_the_verdict_falls_at_the_sprt_margin(accuracy, confidence, margin):
    assert margin_for(accuracy, confidence) == margin
    short = votes("grant", margin - 1 + 3, accuracy) + votes("reject", 3, accuracy)
    assert adaptive_verdict(short, TWO, confidence) is None
    enough = short + votes("grant", 1, accuracy)
    assert adaptive_verdict(enough, TWO, confidence) == "grant"


def test_the_posterior_of_a_lead_is_the_closed_form():
    lead = 3
    probabilities = posterior(votes("grant", 5) + votes("reject", 2), TWO)
    assert probabilities["grant"] == pytest.approx(1 / (1 + (3 / 7) ** lead))
    assert math.fsum(probabilities.values()) == pytest.approx(1)


vote_lists = st.lists(
    st.builds(
        WeighedVote,
        st.sampled_from(sorted(FOUR)),
        st.builds(Accuracy, st.floats(0.3, 1.0), st.floats(0.3, 1.0)),
    ),
    max_size=30,
)


@given(vote_lists, st.randoms(use_true_random=False))
def test_counting_is_order_independent(cast, random):
    shuffled = list(cast)
    random.shuffle(shuffled)
    assert posterior(cast, FOUR) == posterior(shuffled, FOUR)
    assert adaptive_verdict(cast, FOUR, 0.99) == adaptive_verdict(shuffled, FOUR, 0.99)


def test_no_votes_leave_every_option_equally_likely_and_no_verdict():
    assert posterior([], FOUR) == {option: 0.25 for option in FOUR}
    assert adaptive_verdict([], FOUR, 0.99) is None


def test_a_vote_in_the_direction_of_a_known_leaning_counts_for_less():
    leaning_seller = Accuracy(buyer=0.6, seller=0.8)
    seller_vote = posterior([WeighedVote("reject", leaning_seller)], TWO)["reject"]
    buyer_vote = posterior([WeighedVote("grant", leaning_seller)], TWO)["grant"]
    balanced = posterior([WeighedVote("reject", Accuracy.even(0.7))], TWO)["reject"]
    assert seller_vote < balanced < buyer_vote


def test_a_reviewer_no_better_than_chance_moves_nothing():
    assert posterior(votes("grant", 9, 0.5), TWO) == {"grant": 0.5, "reject": 0.5}


def test_more_options_need_more_agreement_to_be_sure_of_none_less():
    # with four options a vote is stronger evidence for its option than with two
    four = posterior(votes("buyer", 1), FOUR)["buyer"]
    two = posterior(votes("grant", 1), TWO)["grant"]
    assert four > 0.25 and two > 0.5 and four / 0.25 > two / 0.5


def test_open_seats_could_decide_only_if_enough_of_them_agreeing_reach_the_confidence():
    evidence = Evidence(TWO, votes("grant", 2) + votes("reject", 2))
    assert not evidence.could_decide_with([Accuracy.even(0.7)] * 5, 0.99)
    assert evidence.could_decide_with([Accuracy.even(0.7)] * 6, 0.99)


def test_ballots_need_two_options_and_votes_on_them():
    with pytest.raises(ValueError):
        posterior([], {"grant": Side.BUYER})
    with pytest.raises(ValueError):
        posterior(votes("maybe", 1), TWO)
    with pytest.raises(ValueError):
        adaptive_verdict([], TWO, 1.0)


def test_a_newcomer_is_estimated_at_their_groups_mean_and_a_record_pulls_away():
    prior = Accuracy(buyer=0.65, seller=0.8)
    assert calibration.estimate(Record(), prior) == prior
    strong = Record(buyer=Tally(right=19, answered=20), seller=Tally(right=10, answered=20))
    estimated = calibration.estimate(strong, prior)
    assert estimated.buyer == pytest.approx((19 + 6.5) / 30)
    assert estimated.seller == pytest.approx((10 + 8) / 30)


def test_the_pool_and_its_groups_shrink_towards_the_level_above():
    pool = calibration.pool_means([Record(buyer=Tally(90, 100), seller=Tally(60, 100))])
    assert pool.buyer == pytest.approx((90 + 7) / 110)
    group = calibration.group_means([Record(seller=Tally(18, 20))], pool)
    assert group.buyer == pool.buyer
    assert group.seller > pool.seller


def test_a_category_counts_only_with_enough_answers_there():
    overall = Accuracy.even(0.7)
    few = Record(buyer=Tally(1, 9))
    assert calibration.in_category(overall, few) == overall
    many = Record(buyer=Tally(2, 10))
    assert calibration.in_category(overall, many).buyer == pytest.approx((2 + 7) / 20)


def test_the_interval_holds_the_mean_and_narrows_with_answers():
    low, high = calibration.beta_interval(Tally(7, 10), 0.7)
    wide = high - low
    low2, high2 = calibration.beta_interval(Tally(70, 100), 0.7)
    assert low < 0.7 < high and low2 < 0.7 < high2 and high2 - low2 < wide


@given(vote_lists)
def test_evidence_grown_vote_by_vote_is_the_posterior_of_every_vote(cast):
    evidence = Evidence(FOUR)
    for count, vote in enumerate(cast, start=1):
        evidence.add(vote)
        assert evidence.posterior() == posterior(cast[:count], FOUR)


@given(vote_lists, st.lists(st.builds(Accuracy, st.floats(0.3, 1.0), st.floats(0.3, 1.0))))
def test_open_seats_are_weighed_exactly_as_the_votes_they_could_cast(cast, pending):
    """``could_decide_with`` adds the open seats' log-chances without making votes of
    them; it answers as the verdicts of those votes cast would."""
    cast_alike = any(
        adaptive_verdict(cast + [WeighedVote(option, a) for a in pending], FOUR, 0.95) == option
        for option in FOUR
    )
    assert Evidence(FOUR, cast).could_decide_with(pending, 0.95) is cast_alike


def test_a_wave_is_drawn_when_half_the_open_seats_could_not_decide():

    cast = votes("grant", 2)
    open_seats = [Accuracy.even(0.7)] * 7
    # four of seven (the first half, rounded up) for "grant" make a lead of six: enough
    assert not needs_wave(cast, open_seats, TWO, 0.99)
    # with six open, the first three make a lead of five: not enough, so draw more
    assert needs_wave(cast, open_seats[:6], TWO, 0.99)
    assert Evidence(TWO, cast).needs_wave([], 0.99)


def test_at_the_cap_or_deadline_the_option_most_likely_right_wins_with_enough_votes():
    # three seller-leaning votes for "reject" weigh less than two balanced ones for "grant"
    leaning = Accuracy(buyer=0.55, seller=0.85)
    cast = [WeighedVote("reject", leaning)] * 3 + votes("grant", 2, 0.8)
    probabilities = posterior(cast, TWO)
    assert probabilities["grant"] > probabilities["reject"]
    assert fallback_verdict(probabilities, votes_cast=5, majority=5) == "grant"
    assert fallback_verdict(probabilities, votes_cast=4, majority=5) is None  # too few cast
    assert fallback_verdict({"grant": 0.5, "reject": 0.5}, votes_cast=9, majority=5) is None
