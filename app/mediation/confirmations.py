"""What the mediation actions ask before they act (``app.cases.confirming``).

A decision and an answer to a proposal cannot be undone, so they always ask. The mediator's
other actions can be, and ask only on a colleague's case, which acting would move to the
mediator: the question names the colleague."""

from flask import current_app
from flask_babel import gettext as _

from app.auth.models import User
from app.cases.confirming import ask, colleague_warnings, on_colleagues_case
from app.cases.forms import REMEDY_LABELS, label
from app.cases.models import Case
from app.cases.states import Remedy
from app.cases.wording import duration
from app.core.confirm import Confirmation
from app.core.money import format_amount
from app.mediation.services import Settlement, settled_amount


def _terms(case: Case, settlement: Settlement) -> str:
    """The outcome in words, with its amount: "Partial refund: ¥12.50"."""
    outcome = str(label(REMEDY_LABELS, settlement.outcome.value))
    amount = settled_amount(case, settlement)
    if amount is None:
        return outcome
    return _(
        "%(outcome)s: %(amount)s",
        outcome=outcome,
        amount=format_amount(amount, case.order.currency),
    )


def decision(case: Case, mediator: User, settlement: Settlement) -> Confirmation:
    window = duration(current_app.config["APPEAL_WINDOW"])
    for_seller = settlement.outcome is Remedy.CLAIM_REJECTED
    return ask(
        case,
        _("Decide case #%(id)d?", id=case.id),
        [
            _("Decide the case, binding on both sides: %(terms)s.", terms=_terms(case, settlement)),
            _("The claim is rejected: the buyer gets nothing.")
            if for_seller
            else _("The seller must carry it out."),
            _(
                "Both sides are told at once, with your reasons. The decision is final: the "
                "case has had its one appeal."
            )
            if case.appealed_at is not None
            else _(
                "Both sides are told at once, with your reasons. The losing side may appeal "
                "within %(window)s.",
                window=window,
            ),
        ],
        _("Decide the case"),
        anchor="decide",
        warnings=colleague_warnings(case, mediator),
    )


def proposal(case: Case, mediator: User, settlement: Settlement) -> Confirmation | None:
    return on_colleagues_case(
        case,
        mediator,
        _("Send both sides a proposal: %(terms)s.", terms=_terms(case, settlement)),
        "propose",
    )


def accepting_proposal(case: Case) -> Confirmation:
    return ask(
        case,
        _("Accept the proposal?"),
        [
            _("Accept the mediator's proposal."),
            _(
                "If the other side accepts too, the case is settled on these terms and carried "
                "out at once; neither side can appeal a settlement."
            ),
        ],
        _("Accept the proposal"),
        anchor="proposal",
    )


def rejecting_proposal(case: Case, reason: str) -> Confirmation:
    return ask(
        case,
        _("Reject the proposal?"),
        [
            _("Reject the mediator's proposal: the case goes back to the mediator."),
            _("The mediator and the other side read your reason.")
            if reason
            else _("You give no reason."),
        ],
        _("Reject the proposal"),
        anchor="proposal",
    )
