"""The options on a panel's ballot: stable keys, shown in the reader's language.

A ballot option is stored as a key that says what it decides, never as words in one
language, so a vote, a tally and an appeal refer to the same option whoever reads them:

* ``grant:<remedy>[:<fen>]`` — the buyer's claim as filed (its remedy, and its amount when
  the remedy has one);
* ``partial:<remedy>:<fen>`` — part of the claim: a smaller refund or compensation;
* ``reject`` — the claim rejected;
* ``offer:<who>:<remedy>[:<fen>]`` — a final offer (``final_offers``): the buyer's request,
  the seller's last counter-offer or the mediator's last proposal, ``<who>`` naming whose it
  is (``buyer``, ``seller``, ``mediator``, joined by ``+`` when two or three of them offered
  the same thing); its remedy may be ``claim_rejected`` (a mediator's proposal);
* ``custom:<grant|reject>:<text>`` — an option written as words before options had keys,
  kept with its text and with what it decided by its place on the ballot (first grants the
  claim as filed, second rejects it).

The label is made when shown, in the reader's language, with the amount formatted by Babel.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from babel.lists import format_list
from flask import current_app
from flask_babel import force_locale, format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.cases.decisions import grants_claim_as_filed
from app.cases.models import Case
from app.cases.states import (
    CLAIMABLE_REMEDIES,
    Outcome,
    Remedy,
)
from app.jury.models import BALLOT_OPTION_MAX_CHARS
from app.jury.rules import Side

CUSTOM_PREFIX = "custom:"


class Stance(StrEnum):
    """What an option does to the buyer's claim."""

    GRANT = "grant"
    PARTIAL = "partial"
    REJECT = "reject"
    OFFER = "offer"


class BallotKind(StrEnum):
    """The two ballots a mediator may refer a case with."""

    CLAIM = "claim"  # the claim granted as filed, in part, or rejected
    FINAL_OFFERS = "final_offers"  # each side's last word, the mediator's, or rejected


class Offerer(StrEnum):
    """Who made a final offer, in the order a final-offer ballot lists them."""

    BUYER = "buyer"
    SELLER = "seller"
    MEDIATOR = "mediator"


OFFERERS = tuple(Offerer)
OFFERERS_SEPARATOR = "+"


# the remedy a partial option awards: compensation stays compensation, any other claim for
# money is answered with part of the money back
PARTIAL_REMEDY = {Remedy.COMPENSATION: Remedy.COMPENSATION}
PARTIAL_REMEDIES = frozenset({Remedy.PARTIAL_REFUND, Remedy.COMPENSATION})
AMOUNTLESS_REMEDIES = frozenset({Remedy.REPLACEMENT})
# what a final offer may decide: every remedy, and the claim rejected, which only the
# mediator proposes; neither names an amount
OFFER_AMOUNTLESS_REMEDIES = AMOUNTLESS_REMEDIES | {Remedy.CLAIM_REJECTED}


class BallotKeyError(ValueError):
    """A stored key that follows none of the forms above."""


@dataclass(frozen=True)
class BallotOption:
    stance: Stance
    remedy: Remedy = Remedy.CLAIM_REJECTED
    amount_fen: int | None = None
    text: str | None = None  # only an option kept from before options had keys
    offered_by: tuple[Offerer, ...] = ()  # only a final offer

    @property
    def key(self) -> str:
        if self.text is not None:
            return f"{CUSTOM_PREFIX}{self.stance}:{self.text}"[:BALLOT_OPTION_MAX_CHARS]
        if self.stance is Stance.REJECT:
            return Stance.REJECT.value
        parts = [self.stance.value, self.remedy.value]
        if self.stance is Stance.OFFER:
            parts.insert(1, OFFERERS_SEPARATOR.join(self.offered_by))
        if self.amount_fen is not None:
            parts.append(str(self.amount_fen))
        return ":".join(parts)

    @property
    def is_custom(self) -> bool:
        return self.text is not None

    @property
    def rejects_claim(self) -> bool:
        """The claim rejected: the reject option, or a mediator's proposal to reject it."""
        return self.stance is Stance.REJECT or (
            self.stance is Stance.OFFER and self.remedy is Remedy.CLAIM_REJECTED
        )

    @property
    def side(self) -> Side:
        """Which party the option favours. Rejecting the claim favours the seller; the
        buyer's own request favours the buyer, even when the seller offered the same; the
        seller's offer favours the seller; anything else gives the buyer something and
        favours the buyer (a mediator's proposal of a refund, say)."""
        if self.rejects_claim:
            return Side.SELLER
        if self.stance is Stance.OFFER and Offerer.BUYER not in self.offered_by:
            return Side.SELLER if Offerer.SELLER in self.offered_by else Side.BUYER
        return Side.BUYER

    def decision(self, case: Case) -> tuple[Outcome, str, int | None]:
        """The outcome, remedy and amount the case is decided with if this option wins."""
        if self.rejects_claim:
            return Outcome.FOR_SELLER, Remedy.CLAIM_REJECTED.value, None
        if self.is_custom:  # granted the claim as it was filed
            return Outcome.FOR_BUYER, case.remedy, case.claimed_amount_fen
        return Outcome.FOR_BUYER, self.remedy.value, self.amount_fen

    def label(self) -> str:
        """The option in the reader's language ("Decide for the buyer: full refund of
        ¥199.00"); an option kept from before keys shows its own text."""
        if self.text is not None:
            return self.text
        if self.stance is Stance.REJECT:
            return _("Decide for the seller: reject the claim")
        if self.stance is Stance.OFFER:
            return _offer_label(self)
        if self.amount_fen is None:
            return _("Decide for the buyer: a replacement")
        amount = _money(self.amount_fen)
        if self.stance is Stance.PARTIAL:
            return _partial_label(self.remedy, amount)
        return _grant_label(self.remedy, amount)


def parse(key: str) -> BallotOption:
    """The option a stored key stands for; BallotKeyError if it is none."""
    try:
        if key.startswith(CUSTOM_PREFIX):
            stance, text = key.removeprefix(CUSTOM_PREFIX).split(":", 1)
            if stance not in (Stance.GRANT, Stance.REJECT) or not text:
                raise BallotKeyError(key)
            return BallotOption(Stance(stance), text=text)
        if key == Stance.REJECT:
            return BallotOption(Stance.REJECT)
        if key.startswith(f"{Stance.OFFER}:"):
            option = _parse_offer(key)
        else:
            stance, remedy, *amount = key.split(":")
            option = BallotOption(
                Stance(stance), Remedy(remedy), int(amount[0]) if amount else None
            )
    except ValueError as error:
        raise BallotKeyError(key) from error
    needs_amount = option.remedy not in (
        OFFER_AMOUNTLESS_REMEDIES if option.stance is Stance.OFFER else AMOUNTLESS_REMEDIES
    )
    remedy_fits = option.remedy in _remedies_of(option)
    amount_fits = (option.amount_fen is not None) == needs_amount and (option.amount_fen or 0) >= 0
    if option.key != key or not amount_fits or not remedy_fits:
        raise BallotKeyError(key)
    return option


def _parse_offer(key: str) -> BallotOption:
    _stance, who, remedy, *amount = key.split(":")
    offered_by = tuple(Offerer(name) for name in who.split(OFFERERS_SEPARATOR))
    if len(set(offered_by)) != len(offered_by):
        raise BallotKeyError(key)
    return BallotOption(
        Stance.OFFER,
        Remedy(remedy),
        int(amount[0]) if amount else None,
        offered_by=tuple(sorted(offered_by, key=OFFERERS.index)),
    )


def _remedies_of(option: BallotOption) -> Collection[Remedy]:
    """The remedies an option of its kind may name: no buyer asks for, and no seller
    offers, the claim rejected."""
    if option.stance is Stance.PARTIAL:
        return PARTIAL_REMEDIES
    if option.stance is Stance.OFFER and option.offered_by == (Offerer.MEDIATOR,):
        return tuple(Remedy)
    return CLAIMABLE_REMEDIES


def label(key: str) -> str:
    return parse(key).label()


def side(key: str) -> Side:
    """Which party the option of ``key`` favours (app.jury.rules; ``BallotOption.side``)."""
    return parse(key).side


def sides(keys: list[str]) -> dict[str, Side]:
    """A ballot's options, in order, each with the side it favours."""
    return {key: side(key) for key in keys}


def shown(key: str, clean: Callable[[str], str] = str) -> str:
    """The label of ``key``; the text of an option written before keys goes through
    ``clean`` (a reviewer's redaction), since a person wrote it."""
    option = parse(key)
    return clean(option.label()) if option.is_custom else option.label()


def published(key: str) -> dict[str, str]:
    """An option as the marketplace reads it (webhooks): its key and its label in the site's
    default language. An option written before keys is the mediator's words, which never
    leave: it is given as what it decides."""
    option = parse(key)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        if not option.is_custom:
            return {"key": key, "label": option.label()}
        if option.stance is Stance.REJECT:
            return {
                "key": f"{CUSTOM_PREFIX}{option.stance}",
                "label": BallotOption(Stance.REJECT).label(),
            }
        return {
            "key": f"{CUSTOM_PREFIX}{option.stance}",
            "label": _("Decide for the buyer: the claim as filed"),
        }


def ballot_for_claim(case: Case, partial_amount_fen: int | None = None) -> list[str]:
    """The ballot a mediator refers ``case`` with: the claim as filed, part of it (when an
    amount is given), and the claim rejected."""
    remedy = Remedy(case.remedy)
    grant = BallotOption(
        Stance.GRANT,
        remedy,
        None if remedy in AMOUNTLESS_REMEDIES else case.claimed_amount_fen,
    )
    options = [grant.key]
    if partial_amount_fen is not None:
        partial_remedy = PARTIAL_REMEDY.get(remedy, Remedy.PARTIAL_REFUND)
        options.append(BallotOption(Stance.PARTIAL, partial_remedy, partial_amount_fen).key)
    options.append(Stance.REJECT.value)
    return options


@dataclass(frozen=True)
class Terms:
    """What a final offer would decide the case with: a remedy, and its amount when the
    remedy has one (a replacement and the claim rejected have none, whatever was typed)."""

    remedy: Remedy
    amount_fen: int | None

    @classmethod
    def of(cls, remedy: str, amount_fen: int | None) -> "Terms":
        remedy = Remedy(remedy)
        return cls(remedy, None if remedy in OFFER_AMOUNTLESS_REMEDIES else amount_fen)


# a final-offer ballot with fewer offers than this is the claim's ballot under another name
MIN_FINAL_OFFERS = 2


def final_offers(case: Case, proposal: Terms | None) -> list[str]:
    """The final-offer ballot of ``case``: the buyer's request (the claim as filed), the
    seller's last counter-offer, the mediator's last ``proposal``, and the claim rejected, in
    that order. An offer that would decide the same as an earlier one is merged into it (its
    key and label name both offerers); a missing offer is simply absent."""
    offers = [(Offerer.BUYER, Terms.of(case.remedy, case.claimed_amount_fen))]
    if case.counter_offers:
        latest = case.counter_offers[-1]
        offers.append((Offerer.SELLER, Terms.of(latest.remedy, latest.amount_fen)))
    if proposal is not None:
        offers.append((Offerer.MEDIATOR, proposal))
    merged: dict[Terms, list[Offerer]] = {}
    for offerer, terms in offers:
        merged.setdefault(terms, []).append(offerer)
    options = [
        BallotOption(Stance.OFFER, terms.remedy, terms.amount_fen, offered_by=tuple(by)).key
        for terms, by in merged.items()
    ]
    if Terms(Remedy.CLAIM_REJECTED, None) not in merged:
        options.append(Stance.REJECT.value)
    return options


def offers_enough(keys: list[str]) -> bool:
    """Whether a final-offer ballot weighs offers against each other: at least
    ``MIN_FINAL_OFFERS`` that would decide differently, beyond the claim rejected."""
    return sum(parse(key).stance is Stance.OFFER for key in keys) >= MIN_FINAL_OFFERS


def option_for_decision(keys: list[str], case: Case) -> str | None:
    """The option of a ballot that ``case``'s decision amounts to, if any: the claim
    rejected, granted as filed, or granted in part or as a final offer with exactly that
    remedy and amount (a settlement the parties agreed, or an amount no option named,
    amounts to none)."""
    for key in keys:
        option = parse(key)
        if option.rejects_claim:
            matches = case.outcome == Outcome.FOR_SELLER.value
        elif option.stance is Stance.GRANT:
            matches = grants_claim_as_filed(case)
        else:
            outcome, remedy, amount = option.decision(case)
            matches = (case.outcome, case.decision_remedy, case.decision_amount_fen) == (
                outcome.value,
                remedy,
                amount,
            )
        if matches:
            return key
    return None


def _money(amount_fen: int) -> str:
    yuan = format_decimal(Decimal(amount_fen).scaleb(-2), format="#,##0.00")
    return f"¥{yuan}"


def _grant_label(remedy: Remedy, amount: str) -> str:
    if remedy is Remedy.RETURN_AND_REFUND:
        return _("Decide for the buyer: return the goods for a refund of %(amount)s", amount=amount)
    if remedy is Remedy.COMPENSATION:
        return _("Decide for the buyer: compensation of %(amount)s", amount=amount)
    if remedy is Remedy.PARTIAL_REFUND:
        return _("Decide for the buyer: partial refund of %(amount)s", amount=amount)
    return _("Decide for the buyer: full refund of %(amount)s", amount=amount)


def _partial_label(remedy: Remedy, amount: str) -> str:
    if remedy is Remedy.COMPENSATION:
        return _("Decide for the buyer in part: compensation of %(amount)s", amount=amount)
    return _("Decide for the buyer in part: partial refund of %(amount)s", amount=amount)


OFFERER_WORDS = {
    Offerer.BUYER: _l("the buyer's request"),
    Offerer.SELLER: _l("the seller's offer"),
    Offerer.MEDIATOR: _l("the mediator's proposal"),
}


def _offer_label(option: BallotOption) -> str:
    """A final offer in words, such as "The seller's offer: partial refund of ¥50.00"; an
    offer several made names each of them ("The seller's offer and the mediator's
    proposal: …"), joined as the reader's language joins a list."""
    whose = format_list(
        [str(OFFERER_WORDS[offerer]) for offerer in option.offered_by], locale=get_locale()
    )
    return _(
        "%(whose)s: %(what)s",
        whose=whose[:1].upper() + whose[1:],
        what=_terms_words(option.remedy, option.amount_fen),
    )


def _terms_words(remedy: Remedy, amount_fen: int | None) -> str:
    if remedy is Remedy.CLAIM_REJECTED:
        return _("reject the claim")
    if amount_fen is None:
        return _("a replacement")
    amount = _money(amount_fen)
    if remedy is Remedy.RETURN_AND_REFUND:
        return _("return the goods for a refund of %(amount)s", amount=amount)
    if remedy is Remedy.COMPENSATION:
        return _("compensation of %(amount)s", amount=amount)
    if remedy is Remedy.PARTIAL_REFUND:
        return _("partial refund of %(amount)s", amount=amount)
    return _("full refund of %(amount)s", amount=amount)
