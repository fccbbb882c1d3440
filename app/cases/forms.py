"""The case forms, and the words the case pages use for each state and kind.

Forms only turn what was typed into plain values; the services decide what is allowed and
their refusals are shown beside the field they name (``app.forms.apply_error``).
"""

import json

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from app.cases.models import EvidenceKind
from app.cases.services import Claim
from app.cases.states import (
    CLAIMABLE_REMEDIES,
    CaseState,
    ClaimType,
    ClosedReason,
    DecisionKind,
    Outcome,
    Party,
    Remedy,
    ResponsibleParty,
    Severity,
)
from app.core.forms import SiteForm
from app.core.money import fen_to_yuan, yuan_to_fen

CLAIM_TYPE_LABELS = {
    ClaimType.NOT_RECEIVED: _l("Not received"),
    ClaimType.NOT_AS_DESCRIBED: _l("Not as described / poor quality"),
    ClaimType.COUNTERFEIT: _l("Counterfeit"),
    ClaimType.DAMAGED_IN_TRANSIT: _l("Damaged in transit"),
    ClaimType.LATE_DELIVERY: _l("Late delivery"),
    ClaimType.FALSE_ADVERTISING: _l("False advertising"),
    ClaimType.SERVICE_ATTITUDE: _l("Service attitude"),
    ClaimType.RETURN_EXCHANGE: _l("Return or exchange problem"),
}
RESPONSIBLE_LABELS = {
    ResponsibleParty.SELLER: _l("The seller"),
    ResponsibleParty.LOGISTICS: _l("The logistics company"),
    ResponsibleParty.PLATFORM: _l("The platform"),
}
REMEDY_LABELS = {
    Remedy.FULL_REFUND: _l("Full refund"),
    Remedy.PARTIAL_REFUND: _l("Partial refund"),
    Remedy.RETURN_AND_REFUND: _l("Return and refund"),
    Remedy.REPLACEMENT: _l("Replacement"),
    Remedy.COMPENSATION: _l("Compensation"),
    Remedy.CLAIM_REJECTED: _l("Claim rejected"),
}
# what a buyer may ask for, and a seller offer instead
CLAIMABLE_REMEDY_LABELS = {remedy: REMEDY_LABELS[remedy] for remedy in CLAIMABLE_REMEDIES}
SEVERITY_LABELS = {
    Severity.URGENT: _l("Urgent"),
    Severity.IMPORTANT: _l("Important"),
    Severity.GENERAL: _l("General"),
}
STATE_LABELS = {
    CaseState.FILED: _l("Filed"),
    CaseState.RETURNED: _l("Returned to the buyer"),
    CaseState.AWAITING_SELLER: _l("Waiting for the seller"),
    CaseState.EVIDENCE: _l("Collecting evidence"),
    CaseState.MEDIATION: _l("With the mediator"),
    CaseState.PROPOSAL: _l("Settlement proposed"),
    CaseState.PANEL: _l("With a reviewer panel"),
    CaseState.DECIDED: _l("Decided"),
    CaseState.EXECUTING: _l("Being carried out"),
    CaseState.CLOSED: _l("Closed"),
}
STATE_MEANINGS = {
    CaseState.FILED: _l(
        "The buyer filed the claim. A mediator checks that it is complete, then asks the seller "
        "to answer, or returns it to the buyer saying what is missing."
    ),
    CaseState.RETURNED: _l(
        "The mediator found the claim incomplete. The buyer can complete and resubmit it; if "
        "not resubmitted in time, the case is withdrawn."
    ),
    CaseState.AWAITING_SELLER: _l(
        "The seller can accept the claim, make a counter-offer, or contest it. If the seller "
        "does not answer in time, the case is decided for the buyer."
    ),
    CaseState.EVIDENCE: _l(
        "The claim is contested. Both sides add evidence to their timelines until the window "
        "closes; then a mediator studies both."
    ),
    CaseState.MEDIATION: _l(
        "A mediator studies both timelines and will propose a settlement, decide, or send the "
        "case to a panel of reviewers."
    ),
    CaseState.PROPOSAL: _l(
        "The mediator proposed a settlement. It is settled if both sides accept it."
    ),
    CaseState.PANEL: _l("A panel of volunteer reviewers is voting on the case."),
    CaseState.DECIDED: _l(
        "The case is decided. Until the appeal window closes the decision can be appealed; "
        "then it is carried out."
    ),
    CaseState.EXECUTING: _l("The decision is being carried out."),
    CaseState.CLOSED: _l("The case is closed."),
}
# what the case's one running timer means, in each state
DEADLINE_LABELS = {
    CaseState.FILED: _l("Intake review due"),
    CaseState.RETURNED: _l("Resubmit by"),
    CaseState.AWAITING_SELLER: _l("The seller answers by"),
    CaseState.EVIDENCE: _l("The evidence window closes"),
    CaseState.MEDIATION: _l("The mediator's first action due"),
    CaseState.PROPOSAL: _l("Answer the proposal by"),
    CaseState.PANEL: _l("The panel votes by"),
    CaseState.DECIDED: _l("The appeal window closes"),
    CaseState.EXECUTING: _l("Next obligation due"),
    CaseState.CLOSED: _l("Deadline"),
}
COUNTER_OFFER_DEADLINE_LABEL = _l("The buyer answers the offer by")
EVIDENCE_KIND_LABELS = {
    EvidenceKind.STATEMENT: _l("Statement"),
    EvidenceKind.IMAGE: _l("Photo"),
    EvidenceKind.PDF: _l("PDF document"),
    EvidenceKind.VIDEO: _l("Video"),
    EvidenceKind.CHAT_TRANSCRIPT: _l("Chat transcript"),
    EvidenceKind.TRACKING_NUMBER: _l("Tracking number"),
    EvidenceKind.CORRECTION: _l("Correction"),
    EvidenceKind.RETRACTION: _l("Retraction"),
}
OUTCOME_LABELS = {
    Outcome.FOR_BUYER: _l("Decided for the buyer"),
    Outcome.FOR_SELLER: _l("Decided for the seller"),
    Outcome.SETTLED: _l("Settled"),
}
DECISION_KIND_LABELS = {
    DecisionKind.DEFAULT_JUDGMENT: _l("The seller did not answer in time (default judgment)."),
    DecisionKind.SELLER_ACCEPTED: _l("The seller accepted the claim."),
    DecisionKind.COUNTER_OFFER_ACCEPTED: _l("The buyer accepted the seller's counter-offer."),
    DecisionKind.PROPOSAL_ACCEPTED: _l("Both sides accepted the mediator's proposal."),
    DecisionKind.MEDIATOR: _l("The mediator decided."),
    DecisionKind.PANEL: _l("A panel of reviewers decided."),
}
CLOSED_REASON_LABELS = {
    ClosedReason.WITHDRAWN: _l("The buyer withdrew the case."),
    ClosedReason.NOT_RESUBMITTED: _l("The case was not resubmitted in time."),
    ClosedReason.COMPLETED: _l("Everything decided was carried out."),
    ClosedReason.CLAIM_LAPSED: _l("The buyer did not ship the return in time: the claim lapsed."),
}
PARTY_LABELS = {Party.BUYER: _l("Buyer"), Party.SELLER: _l("Seller")}


def label(labels: dict, value) -> str:
    """The translated label of an enum value; the raw value if it has none."""
    if value is None:
        return ""
    return labels.get(value, value)


def choices_of(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(key.value, text) for key, text in labels.items()]


# Amounts: typed in yuan, held in fen, never through a float (app.core.money)


class YuanField(StringField):
    """An amount typed in yuan ("12.50"); ``fen`` holds it in integer fen, None when empty."""

    fen: int | None = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.fen = None
        if self.data and self.data.strip():
            self.fen = yuan_to_fen(self.data)


# Long texts: a limit the browser knows too, which the field macro shows as a hint and a
# character counter (templates/macros/forms.html)


def counted(field, limit: int, rows: int = 6, **extra) -> None:
    field.render_kw = {"maxlength": limit, "rows": rows, **extra}


def _one_newline(text: str | None) -> str | None:
    """Browsers send CRLF but count it as one character against maxlength; so do we."""
    return text.replace("\r\n", "\n") if text else text


LONG_TEXT = {"filters": [_one_newline]}


def _statement_limit() -> int:
    return current_app.config["STATEMENT_MAX_CHARS"]


# The claim


class ClaimForm(SiteForm):
    claim_type = SelectField(_l("What went wrong"), choices=choices_of(CLAIM_TYPE_LABELS))
    responsible_party = SelectField(
        _l("Who is responsible"), choices=choices_of(RESPONSIBLE_LABELS)
    )
    description = TextAreaField(_l("Describe what happened"), **LONG_TEXT)
    remedy = SelectField(_l("What you ask for"), choices=choices_of(CLAIMABLE_REMEDY_LABELS))
    remedy_amount = YuanField(_l("Amount in yuan"))
    safety_or_fraud = BooleanField(_l("This involves food safety, personal injury or fraud"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counted(self.description, _statement_limit(), rows=8)
        self.remedy_amount.render_kw = {"inputmode": "decimal", "autocomplete": "off"}

    def claim(self) -> Claim:
        return Claim(
            claim_type=ClaimType(self.claim_type.data),
            responsible_party=ResponsibleParty(self.responsible_party.data),
            description=self.description.data or "",
            remedy=Remedy(self.remedy.data),
            remedy_amount_fen=self.remedy_amount.fen,
            safety_or_fraud=bool(self.safety_or_fraud.data),
        )

    @classmethod
    def data_of(cls, case) -> dict:
        """What the form shows for an existing case (a returned case being resubmitted)."""
        return {
            "claim_type": case.claim_type,
            "responsible_party": case.responsible_party,
            "description": case.description,
            "remedy": case.remedy,
            "remedy_amount": fen_to_yuan(case.remedy_amount_fen),
            "safety_or_fraud": case.safety_or_fraud,
        }


ACCEPTED_FILES = "image/jpeg,image/png,image/webp,application/pdf,video/mp4,video/webm"


def attached_files() -> MultipleFileField:
    """Files sent with a step's text, in the same form (``app.cases.attachments``)."""
    return MultipleFileField(
        _l("Photos, PDFs or videos (optional)"), render_kw={"accept": ACCEPTED_FILES}
    )


class OpenCaseForm(ClaimForm):
    evidence_files = attached_files()


# Evidence


def _optional_int(value) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


class EvidenceForm(SiteForm):
    kind = SelectField(_l("Kind of evidence"), choices=choices_of(EVIDENCE_KIND_LABELS))
    text = TextAreaField(_l("Text"), **LONG_TEXT)
    file = FileField(_l("File"))
    refers_to = SelectField(_l("Entry it corrects or retracts"), coerce=_optional_int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        config = current_app.config
        limits = {
            EvidenceKind.STATEMENT.value: config["STATEMENT_MAX_CHARS"],
            EvidenceKind.CHAT_TRANSCRIPT.value: config["CHAT_TRANSCRIPT_MAX_CHARS"],
            EvidenceKind.CORRECTION.value: config["STATEMENT_MAX_CHARS"],
            EvidenceKind.RETRACTION.value: config["STATEMENT_MAX_CHARS"],
        }
        # the browser's limit follows the chosen kind (the longest until a kind is known)
        counted(self.text, max(limits.values()), **{"data-limits": json.dumps(limits)})
        self.file.render_kw = {"accept": ACCEPTED_FILES}

    def set_entries(self, entries, describe) -> None:
        """Offer the author's own entries as what a correction or retraction refers to."""
        self.refers_to.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(entry.id), describe(entry)) for entry in entries
        ]


# Intake


class IntakeAcceptForm(SiteForm):
    severity = SelectField(_l("Severity"), choices=choices_of(SEVERITY_LABELS))


class ReturnCaseForm(SiteForm):
    reason = TextAreaField(_l("What is missing"), **LONG_TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counted(self.reason, _statement_limit(), rows=3)


# The seller's answer


class CounterOfferForm(SiteForm):
    remedy = SelectField(_l("What you offer"), choices=choices_of(CLAIMABLE_REMEDY_LABELS))
    amount = YuanField(
        _l("Amount in yuan"),
        validators=[InputRequired(_l("Enter an amount in yuan, such as 12.50 (0 if none)."))],
    )
    message = TextAreaField(_l("Message to the buyer"), **LONG_TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counted(self.message, _statement_limit(), rows=4)
        self.amount.render_kw = {"inputmode": "decimal", "autocomplete": "off"}


class ContestForm(SiteForm):
    statement = TextAreaField(_l("Why you contest the claim"), **LONG_TEXT)
    evidence_files = attached_files()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counted(self.statement, _statement_limit())


class ConfirmForm(SiteForm):
    """A button-only action: the CSRF token is all it carries."""
