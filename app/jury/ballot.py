"""The options on a panel's ballot: stable keys, shown in the reader's language.

A ballot option is stored as a key that says what it decides, never as words in one
language, so a vote, a tally and an appeal refer to the same option whoever reads them:

* ``grant:<remedy>[:<fen>]`` — the buyer's claim as filed (its remedy, and its amount when
  the remedy has one);
* ``partial:<remedy>:<fen>`` — part of the claim: a smaller refund or compensation;
* ``reject`` — the claim rejected;
* ``custom:<grant|reject>:<text>`` — an option written as words before options had keys,
  kept with its text and with what it decided by its place on the ballot (first grants the
  claim as filed, second rejects it).

The label is made when shown, in the reader's language, with the amount formatted by Babel.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from flask import current_app
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _

from app.cases.decisions import grants_claim_as_filed
from app.cases.models import CLAIMABLE_REMEDIES, Case, Outcome, Remedy
from app.jury.models import BALLOT_OPTION_MAX_CHARS
from app.jury.rules import Side

CUSTOM_PREFIX = "custom:"


class Stance(StrEnum):
    """What an option does to the buyer's claim."""

    GRANT = "grant"
    PARTIAL = "partial"
    REJECT = "reject"


# the remedy a partial option awards: compensation stays compensation, any other claim for
# money is answered with part of the money back
PARTIAL_REMEDY = {Remedy.COMPENSATION: Remedy.COMPENSATION}
PARTIAL_REMEDIES = frozenset({Remedy.PARTIAL_REFUND, Remedy.COMPENSATION})
AMOUNTLESS_REMEDIES = frozenset({Remedy.REPLACEMENT})


class BallotKeyError(ValueError):
    """A stored key that follows none of the forms above."""


@dataclass(frozen=True)
class BallotOption:
    stance: Stance
    remedy: Remedy = Remedy.CLAIM_REJECTED
    amount_fen: int | None = None
    text: str | None = None  # only an option kept from before options had keys

    @property
    def key(self) -> str:
        if self.text is not None:
            return f"{CUSTOM_PREFIX}{self.stance}:{self.text}"[:BALLOT_OPTION_MAX_CHARS]
        if self.stance is Stance.REJECT:
            return Stance.REJECT.value
        parts = [self.stance.value, self.remedy.value]
        if self.amount_fen is not None:
            parts.append(str(self.amount_fen))
        return ":".join(parts)

    @property
    def is_custom(self) -> bool:
        return self.text is not None

    def decision(self, case: Case) -> tuple[Outcome, str, int | None]:
        """The outcome, remedy and amount the case is decided with if this option wins."""
        if self.stance is Stance.REJECT:
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
        stance, remedy, *amount = key.split(":")
        option = BallotOption(Stance(stance), Remedy(remedy), int(amount[0]) if amount else None)
    except ValueError as error:
        raise BallotKeyError(key) from error
    needs_amount = option.remedy not in AMOUNTLESS_REMEDIES
    remedy_fits = option.remedy in (
        PARTIAL_REMEDIES if option.stance is Stance.PARTIAL else CLAIMABLE_REMEDIES
    )
    amount_fits = (option.amount_fen is not None) == needs_amount and (option.amount_fen or 0) >= 0
    if option.key != key or not amount_fits or not remedy_fits:
        raise BallotKeyError(key)
    return option


def label(key: str) -> str:
    return parse(key).label()


def side(key: str) -> Side:
    """Which party the option of ``key`` favours (app.jury.rules): rejecting the claim
    favours the seller, giving the buyer anything favours the buyer."""
    return Side.SELLER if parse(key).stance is Stance.REJECT else Side.BUYER


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


def option_for_decision(keys: list[str], case: Case) -> str | None:
    """The option of a ballot that ``case``'s decision amounts to, if any: the claim
    rejected, granted as filed, or granted in part with exactly that remedy and amount (a
    settlement the parties agreed, or an amount no option named, amounts to none)."""
    for key in keys:
        option = parse(key)
        if option.stance is Stance.REJECT:
            matches = case.outcome == Outcome.FOR_SELLER.value
        elif option.stance is Stance.GRANT:
            matches = grants_claim_as_filed(case)
        else:
            matches = (case.outcome, case.decision_remedy, case.decision_amount_fen) == (
                Outcome.FOR_BUYER.value,
                option.remedy.value,
                option.amount_fen,
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
