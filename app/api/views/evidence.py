"""Evidence the marketplace holds, added to the buyer's or the seller's timeline: a chat
transcript or a tracking number as JSON, a photo, PDF or video as a multipart upload."""

from flask import g, jsonify, request

from app.api.access import visible_case
from app.api.auth import integration, token_required
from app.api.idempotency import writing
from app.api.models import Scope
from app.api.problems import refused
from app.api.representations import represent_entry
from app.api.requests import Fields, body_fields
from app.api.views.blueprint import bp
from app.cases.evidence import NewEvidence, add_supplied_evidence
from app.cases.files import EvidenceRejected
from app.cases.models import EvidenceKind
from app.cases.states import (
    Party,
    Supplier,
)

JSON_KINDS = (EvidenceKind.CHAT_TRANSCRIPT, EvidenceKind.TRACKING_NUMBER)
FILE_FIELD = "file"


@bp.post("/cases/<int:case_id>/evidence")
@token_required(Scope.CASES_WRITE)
@writing
def add_case_evidence(case_id: int):
    case = visible_case(g.api_token, case_id)
    if request.mimetype == "multipart/form-data":
        party, new, text_field = _uploaded()
    else:
        party, new, text_field = _described()
    try:
        entry = add_supplied_evidence(case, party, new, Supplier.MARKETPLACE, via=integration())
    except EvidenceRejected as error:
        return refused(error, {"text": text_field, "filename": FILE_FIELD})
    response = jsonify(represent_entry(entry))
    response.status_code = 201
    return response


def _described() -> tuple[Party, NewEvidence, str]:
    """A chat transcript (``text``) or a tracking number (``tracking_number``, and the
    ``carrier`` if known), sent as JSON."""
    fields = body_fields({"party", "kind", "text", "carrier", "tracking_number"})
    party = fields.choice("party", Party)
    kind = fields.choice("kind", EvidenceKind, allowed=JSON_KINDS)
    if kind is EvidenceKind.TRACKING_NUMBER:
        _absent(fields, "text")
        carrier = fields.text("carrier", required=False) or ""
        number = fields.text("tracking_number")
        if number is not None and (not number.strip() or len(number.split()) > 1):
            fields.problem("tracking_number", "must be one word: letters, digits or dashes")
        text, text_field = f"{carrier} {number}".strip(), "tracking_number"
    else:
        _absent(fields, "carrier")
        _absent(fields, "tracking_number")
        text, text_field = fields.text("text", required=kind is not None), "text"
    fields.check()
    return party, NewEvidence(kind=kind, text=text), text_field


def _absent(fields: Fields, name: str) -> None:
    if fields.values.get(name) is not None:
        fields.problem(name, "is not a field of this kind of evidence")


def _uploaded() -> tuple[Party, NewEvidence, str]:
    """One file, and the ``party`` whose timeline it goes on, as multipart/form-data."""
    fields = Fields(request.form.to_dict(), {"party"}, 422)
    party = fields.choice("party", Party)
    uploads = request.files.getlist(FILE_FIELD)
    if len(uploads) != 1 or set(request.files) != {FILE_FIELD}:
        fields.problem(FILE_FIELD, "send exactly one file, in the field named file")
    fields.check()
    upload = uploads[0]
    return party, NewEvidence(upload=upload.stream, filename=upload.filename), FILE_FIELD
