"""The seller contests a claim with a statement and files in one form: the files are checked
as evidence and follow the statement on the seller's timeline; a refused file, or too many,
leaves nothing behind but keeps the statement in the form and says which file and why."""

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.cases.models import (
    Case,
    EvidenceEntry,
)
from app.cases.services import withdraw_case
from app.cases.states import CaseState
from app.core import clock
from app.core.extensions import db
from tests.helpers.case_factories import CONTEST_STATEMENT, jpeg_bytes, make_case, pdf_bytes
from tests.helpers.pages import csrf_token_from, field_error, login_with_token, page, reload

pytestmark = pytest.mark.usefixtures("csrf_enabled")


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(datetime(2026, 6, 1, 9, 0, tzinfo=UTC))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def stored_files(app) -> set[Path]:
    return {path for path in Path(app.config["EVIDENCE_DIR"]).rglob("*") if path.is_file()}


def contest(client, case: Case, files: list[tuple[bytes, str]], statement=CONTEST_STATEMENT):
    """Post the contest form of the case page, as the seller's browser would."""
    html = page(client, f"/cases/{case.id}")
    form = re.search(r'<form[^>]*id="contest-form"[^>]*>', html).group(0)
    assert 'enctype="multipart/form-data"' in form
    data = {
        "csrf_token": csrf_token_from(html),
        "statement": statement,
        "evidence_files": [(io.BytesIO(content), name) for content, name in files],
    }
    return client.post(f"/cases/{case.id}/answer/contest", data=data)


def test_the_statement_and_its_files_open_the_sellers_timeline_in_one_step(client):
    case = make_case("awaiting_seller")
    login_with_token(client, case.seller)

    response = contest(
        client, case, [(pdf_bytes(), "courier receipt.pdf"), (jpeg_bytes(), "packed.jpg")]
    )

    assert response.status_code == 302
    case = reload(case)
    assert case.current_state is CaseState.EVIDENCE
    assert [(e.party, e.sequence, e.kind, e.text, e.original_name) for e in case.evidence] == [
        ("seller", 1, "statement", CONTEST_STATEMENT, None),
        ("seller", 2, "pdf", None, "courier receipt.pdf"),
        ("seller", 3, "image", None, "packed.jpg"),
    ]
    pdf = case.evidence[1]
    assert pdf.prev_hash == case.evidence[0].entry_hash  # one chain, statement first
    html = page(client, f"/cases/{case.id}")
    assert "courier receipt.pdf" in html and "You contested the claim" in html


def test_a_refused_file_leaves_no_step_and_no_file_but_keeps_the_statement(app, client):
    case = make_case("awaiting_seller")
    login_with_token(client, case.seller)
    before, entries = stored_files(app), count(EvidenceEntry)
    fake = b"<html><script>alert(1)</script></html>"

    response = contest(client, case, [(pdf_bytes(), "receipt.pdf"), (fake, "invoice.pdf")])

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    error = field_error(html, "evidence_files")
    assert "invoice.pdf" in error and "This kind of file is not accepted." in error
    assert "receipt.pdf" not in error
    assert CONTEST_STATEMENT.split(";")[0] in html  # what the seller wrote is still there
    assert reload(case).current_state is CaseState.AWAITING_SELLER
    assert count(EvidenceEntry) == entries and stored_files(app) == before


def test_too_many_files_are_refused_before_anything_is_stored(app, client):
    case = make_case("awaiting_seller")
    login_with_token(client, case.seller)
    limit = current_app.config["CASE_OPENING_MAX_FILES"]
    before, entries = stored_files(app), count(EvidenceEntry)

    response = contest(client, case, [(jpeg_bytes(), f"photo{n}.jpg") for n in range(limit + 1)])

    assert response.status_code == 400
    error = field_error(response.get_data(as_text=True), "evidence_files")
    assert f"Attach at most {limit} files here" in error
    assert reload(case).current_state is CaseState.AWAITING_SELLER
    assert count(EvidenceEntry) == entries and stored_files(app) == before


def test_an_empty_statement_is_refused_beside_it_even_with_good_files(app, client):
    case = make_case("awaiting_seller")
    login_with_token(client, case.seller)
    before = stored_files(app)

    response = contest(client, case, [(pdf_bytes(), "receipt.pdf")], statement="")

    assert response.status_code == 400
    assert "Say why you contest the claim." in field_error(response.get_data(True), "statement")
    assert reload(case).current_state is CaseState.AWAITING_SELLER and stored_files(app) == before


def test_a_case_that_moved_on_meanwhile_keeps_no_file(app, client):
    case = make_case("awaiting_seller")
    login_with_token(client, case.seller)
    html = page(client, f"/cases/{case.id}")
    withdraw_case(case, case.buyer)  # the buyer got there first
    db.session.commit()
    before = stored_files(app)
    data = {
        "csrf_token": csrf_token_from(html),
        "statement": CONTEST_STATEMENT,
        "evidence_files": [(io.BytesIO(pdf_bytes()), "receipt.pdf")],
    }

    response = client.post(f"/cases/{case.id}/answer/contest", data=data)

    assert response.status_code == 403
    assert stored_files(app) == before and len(reload(case).evidence) == 0
