"""The words the analytics pages label their rows with (those of the case pages where they
exist)."""

from flask_babel import lazy_gettext as _l

from app.analytics.similar import ENDINGS, WITHDRAWN
from app.cases.forms import (
    CLAIM_TYPE_LABELS,
    OUTCOME_LABELS,
    PARTY_LABELS,
    RESPONSIBLE_LABELS,
    label,
)
from app.cases.states import DecisionKind
from app.jury.drawing import BALANCED, BUYER, SELLER

__all__ = [
    "CLAIM_TYPE_LABELS",
    "ENDING_LABELS",
    "LEANING_LABELS",
    "PARTY_LABELS",
    "RESPONSIBLE_LABELS",
    "SIMILAR_ENDING_LABELS",
    "label",
]

LEANING_LABELS = {
    SELLER: _l("Mostly sells"),
    BUYER: _l("Mostly buys"),
    BALANCED: _l("Balanced"),
}
# how a case ended, as the public page groups the decision kinds
ENDING_LABELS = {
    "agreement": _l("Agreement of both sides"),
    DecisionKind.MEDIATOR.value: _l("Mediator's decision"),
    DecisionKind.PANEL.value: _l("Panel's verdict"),
    DecisionKind.DEFAULT_JUDGMENT.value: _l("Default judgment"),
}
# how a case like the buyer's ended, as the claim assistant shows it, in ``ENDINGS``' order
SIMILAR_ENDING_LABELS = {
    **{outcome: OUTCOME_LABELS[outcome] for outcome in ENDINGS if outcome != WITHDRAWN},
    WITHDRAWN: _l("Withdrawn by the buyer"),
}
