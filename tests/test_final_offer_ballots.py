"""Final-offer ballots: the buyer's request, the seller's last counter-offer, the mediator's
last proposal, or the claim rejected. Each option is a stable key that says whose offer it
is, what it decides and which side it favours; offers that decide the same appear once."""

import pytest
from flask_babel import force_locale
from hypothesis import given
from hypothesis import strategies as st

from app.cases.states import Remedy
from app.jury import ballot
from app.jury.ballot import BallotKeyError, BallotOption, Offerer, Stance
from app.jury.models import BALLOT_OPTION_MAX_CHARS
from app.jury.rules import Side
from app.mediation.referral_ballots import final_offer_ballot
from tests.helpers.final_offers import BUYER_REQUEST, SELLER_HALF, case_with_offers

# Keys and labels


@pytest.mark.parametrize(
    ("key", "english", "chinese"),
    [
        (
            BUYER_REQUEST,
            "The buyer's request: full refund of ¥199.00",
            "买家的诉求：全额退款 ¥199.00",
        ),
        (
            SELLER_HALF,
            "The seller's offer: partial refund of ¥50.00",
            "卖家的反报价：部分退款 ¥50.00",
        ),
        (
            "offer:mediator:compensation:2000",
            "The mediator's proposal: compensation of ¥20.00",
            "调解员的和解方案：赔偿 ¥20.00",
        ),
        (
            "offer:seller+mediator:return_and_refund:19900",
            "The seller's offer and the mediator's proposal: return the goods for a refund of "
            "¥199.00",
            "卖家的反报价和调解员的和解方案：退货退款 ¥199.00",
        ),
        (
            "offer:buyer+seller+mediator:replacement",
            "The buyer's request, the seller's offer, and the mediator's proposal: a replacement",
            "买家的诉求、卖家的反报价和调解员的和解方案：换货",
        ),
        (
            "offer:mediator:claim_rejected",
            "The mediator's proposal: reject the claim",
            "调解员的和解方案：驳回买家的诉求",
        ),
    ],
)
def test_a_final_offer_says_whose_it_is_in_the_readers_language(key, english, chinese):
    with force_locale("en"):
        assert ballot.label(key) == english
    with force_locale("zh_Hans"):
        assert ballot.label(key) == chinese
    assert ballot.parse(key).key == key


@pytest.mark.parametrize(
    "key",
    [
        "offer",
        "offer:buyer",
        "offer::full_refund:100",
        "offer:judge:full_refund:100",
        "offer:buyer:full_refund",  # a refund names its amount
        "offer:buyer:replacement:0",  # a replacement has none
        "offer:mediator:claim_rejected:0",
        "offer:seller:claim_rejected",  # only the mediator proposes rejecting the claim
        "offer:buyer+mediator:claim_rejected",
        "offer:mediator+buyer:replacement",  # whose, in the ballot's order
        "offer:buyer+buyer:replacement",
        "offer:buyer+:replacement",
        "offer:seller:partial_refund:-1",
        "offer:seller:partial_refund:050",
        "offer:seller:partial_refund:50:1",
        "offer:seller:refund:50",
    ],
)
def test_a_final_offer_key_that_says_nothing_known_is_refused(key):
    with pytest.raises(BallotKeyError):
        ballot.parse(key)


@st.composite
def final_offer_options(draw) -> BallotOption:
    offered_by = draw(
        st.lists(st.sampled_from(list(Offerer)), min_size=1, max_size=3, unique=True).map(
            lambda names: tuple(sorted(names, key=list(Offerer).index))
        )
    )
    remedies = list(Remedy) if offered_by == (Offerer.MEDIATOR,) else list(Remedy)[:-1]
    remedy = draw(st.sampled_from(remedies))
    amountless = remedy in (Remedy.REPLACEMENT, Remedy.CLAIM_REJECTED)
    amount = None if amountless else draw(st.integers(min_value=0, max_value=10**12))
    return BallotOption(Stance.OFFER, remedy, amount, offered_by=offered_by)


@given(final_offer_options())
def test_every_final_offer_round_trips_through_its_key(option):
    assert len(option.key) <= BALLOT_OPTION_MAX_CHARS
    assert ballot.parse(option.key) == option


@given(st.text(alphabet="offer:buyselmditnaj_+0123456789", max_size=40))
def test_any_text_is_a_key_only_if_it_is_its_options_own(text):
    try:
        option = ballot.parse(text)
    except BallotKeyError:
        return
    assert option.key == text


# The ballot made from a case


@pytest.mark.parametrize(
    ("counter", "proposals", "expected"),
    [
        ((), (), [BUYER_REQUEST, "reject"]),
        ((Remedy.PARTIAL_REFUND, 5000), (), [BUYER_REQUEST, SELLER_HALF, "reject"]),
        (
            (Remedy.PARTIAL_REFUND, 5000),
            ((Remedy.COMPENSATION, 3000),),
            [BUYER_REQUEST, SELLER_HALF, "offer:mediator:compensation:3000", "reject"],
        ),
        (
            (),
            ((Remedy.REPLACEMENT, None),),
            [BUYER_REQUEST, "offer:mediator:replacement", "reject"],
        ),
        # the latest proposal only
        (
            (),
            ((Remedy.REPLACEMENT, None), (Remedy.PARTIAL_REFUND, 8000)),
            [BUYER_REQUEST, "offer:mediator:partial_refund:8000", "reject"],
        ),
        # the same decision once, with whose it is
        (
            (Remedy.PARTIAL_REFUND, 5000),
            ((Remedy.PARTIAL_REFUND, 5000),),
            [BUYER_REQUEST, "offer:seller+mediator:partial_refund:5000", "reject"],
        ),
        ((Remedy.FULL_REFUND, 19900), (), ["offer:buyer+seller:full_refund:19900", "reject"]),
        (
            (),
            ((Remedy.FULL_REFUND, None),),  # a full refund is the order's total
            ["offer:buyer+mediator:full_refund:19900", "reject"],
        ),
        # the mediator's proposal to reject the claim is the claim rejected
        ((), ((Remedy.CLAIM_REJECTED, None),), [BUYER_REQUEST, "offer:mediator:claim_rejected"]),
    ],
)
def test_the_final_offers_are_each_sides_last_word(counter, proposals, expected):
    case = case_with_offers(counter or None, proposals)
    assert final_offer_ballot(case) == expected


def test_a_replacement_offered_for_a_replacement_claim_is_the_claim():
    case = case_with_offers((Remedy.REPLACEMENT, 0), remedy=Remedy.REPLACEMENT)
    assert final_offer_ballot(case) == ["offer:buyer+seller:replacement", "reject"]


def test_each_final_offer_favours_a_side():
    assert ballot.sides(
        [
            BUYER_REQUEST,
            SELLER_HALF,
            "offer:mediator:compensation:3000",
            "offer:seller+mediator:partial_refund:5000",
            "offer:buyer+seller:full_refund:19900",
            "offer:mediator:claim_rejected",
            "reject",
        ]
    ) == {
        BUYER_REQUEST: Side.BUYER,
        SELLER_HALF: Side.SELLER,
        "offer:mediator:compensation:3000": Side.BUYER,
        "offer:seller+mediator:partial_refund:5000": Side.SELLER,
        "offer:buyer+seller:full_refund:19900": Side.BUYER,
        "offer:mediator:claim_rejected": Side.SELLER,
        "reject": Side.SELLER,
    }
