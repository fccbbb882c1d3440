"""Files attached to a step of a case in the same form as its text: opening the case (the
buyer's photos) and contesting it (the seller's PDF). Each file goes through the evidence
service (``evidence.add_evidence``: checked by content, re-encoded, hash-chained), all or
nothing: if one is refused, neither the step nor any file remains, and the form says which
file and why, keeping what was typed."""

from collections.abc import Callable

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from app.cases import evidence, files
from app.cases.evidence import NewEvidence
from app.cases.files import EvidenceRejected
from app.cases.models import Case, EvidenceEntry
from app.core.errors import Refused
from app.core.extensions import db
from app.core.forms import apply_error


def with_files(
    form: FlaskForm, step: Callable[[], Case], fields: dict[str, str] | None = None
) -> Case | None:
    """Take ``step`` (a service call returning its case), add each file of
    ``form.evidence_files`` to the user's timeline, and commit; or roll all of it back,
    delete the files stored, and put the refusal beside its field (``fields`` renames the
    service's fields to the form's) or, for a file, its name and why."""
    stored: list[EvidenceEntry] = []
    upload = None
    try:
        case = step()
        for upload in form.evidence_files.data or []:
            new_evidence = NewEvidence(upload=upload.stream, filename=upload.filename)
            stored.append(evidence.add_evidence(case, current_user, new_evidence))
        db.session.commit()
    except EvidenceRejected as error:
        undo(stored)
        if upload is None:  # the step's own text, not a file
            apply_error(form, renamed(error, fields or {}))
        else:
            message = _("%(name)s: %(reason)s", name=upload.filename or "", reason=str(error))
            form.evidence_files.errors = [*form.evidence_files.errors, message]
    except Refused as error:
        undo(stored)
        apply_error(form, error)
    except BaseException:
        undo(stored)
        raise
    else:
        return case
    return None


def few_enough_files(form: FlaskForm) -> bool:
    limit = max_files()
    if len(form.evidence_files.data or []) <= limit:
        return True
    form.evidence_files.errors = [
        *form.evidence_files.errors,
        ngettext(
            "Attach at most %(num)d file here; you can add more from the case page.",
            "Attach at most %(num)d files here; you can add more from the case page.",
            limit,
        ),
    ]
    return False


def max_files() -> int:
    """How many files one step's form takes; more are added one by one afterwards."""
    return current_app.config["CASE_OPENING_MAX_FILES"]


def undo(entries: list[EvidenceEntry]) -> None:
    """Roll the request back and delete the files already stored in it: no row, no file."""
    names = [name for entry in entries for name in (entry.stored_name, entry.thumbnail_name)]
    db.session.rollback()
    files.remove_stored_names(names)


def renamed(error: EvidenceRejected, fields: dict[str, str]) -> EvidenceRejected:
    """The same refusal, beside the field this page calls it by."""
    return EvidenceRejected(str(error), fields.get(error.field, error.field))
