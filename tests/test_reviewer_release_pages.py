"""The mediator's controls on the case page: beside each file, a button to release it to the
reviewers or to withhold it, for the case's own mediator only, with the warning that the
text inside files is not redacted (design: Crowd review, "What a reviewer sees")."""

import io
import re

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.cases.evidence import NewEvidence, add_evidence
from app.cases.models import EvidenceKind
from app.cases.releases import ReviewerRelease, is_released_to_reviewers
from app.core.extensions import db
from tests.helpers import pdfs
from tests.helpers.case_factories import add_photo, add_statement
from tests.helpers.factories import PASSWORD, make_case_row, make_user
from tests.helpers.pages import as_user, csrf_token_from, login, page
from tests.helpers.panel_rows import make_panel, seat_for

WARNING = "the text inside photos, PDF pages and videos is not"
PDF_NAME = "courier-report.pdf"


@pytest.fixture
def case(app, tmp_path, monkeypatch):
    """A case before a panel, with a photo, a PDF and a statement; one reviewer seated."""
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))
    case = make_case_row(state="panel", mediator=make_user(roles=(Role.MEDIATOR,)))
    case.photo = add_photo(case, case.buyer, name="box.jpg")
    upload = io.BytesIO(pdfs.document(pages=1))
    case.pdf = add_evidence(
        case, case.seller, NewEvidence(EvidenceKind.PDF, upload=upload, filename=PDF_NAME)
    )
    case.statement = add_statement(case, case.buyer, "The box was crushed.")
    case.seat = seat_for(make_panel(case), make_user())
    return case


def login_with_token(client, user) -> None:
    token = csrf_token_from(page(client, "/login"))
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=data).status_code == 302


def toggle_url(case, entry) -> str:
    return f"/cases/{case.id}/mediation/evidence/{entry.id}/reviewers"


def release_form(html: str, case, entry) -> dict:
    """The fields of the button's form beside ``entry``, as the browser would post them."""
    action = re.escape(toggle_url(case, entry))
    match = re.search(rf'<form method="post" action="{action}".*?</form>', html, re.S)
    assert match, f"no release button beside entry {entry.id}"
    form = match.group(0)
    return {
        "csrf_token": csrf_token_from(form),
        "released": re.search(r'name="released" value="(\w+)"', form).group(1),
    }


def test_the_mediator_releases_a_pdf_with_the_button_beside_it(client, case, csrf_enabled):
    login_with_token(client, case.mediator)
    html = page(client, f"/cases/{case.id}")
    assert "Files the reviewers see" in html and WARNING in html
    assert PDF_NAME in html  # the mediator sees what the file is
    assert ">Release to reviewers<" in html and ">Withhold from reviewers<" in html
    data = release_form(html, case, case.pdf)
    assert data["released"] == "yes"

    response = client.post(toggle_url(case, case.pdf), data=data)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case.id}#reviewer-files")
    assert is_released_to_reviewers(case.pdf)
    html = page(client, f"/cases/{case.id}")
    assert "Reviewers now see Seller #1." in html
    assert "Released a file to the reviewers" in html  # the audit trail
    assert release_form(html, case, case.pdf)["released"] == "no"

    assert client.post("/logout", data={"csrf_token": csrf_token_from(html)}).status_code == 302
    login_with_token(client, case.seat.reviewer)
    seat_page = page(client, f"/review/seats/{case.seat.id}")
    assert f"/evidence/{case.pdf.id}/pages/1" in seat_page


def test_the_mediator_withholds_a_photo(client, case, csrf_enabled):
    login_with_token(client, case.mediator)
    data = release_form(page(client, f"/cases/{case.id}"), case, case.photo)
    assert data["released"] == "no"

    assert client.post(toggle_url(case, case.photo), data=data).status_code == 302

    assert not is_released_to_reviewers(case.photo)
    html = page(client, f"/cases/{case.id}")
    assert "Reviewers no longer see Buyer #1." in html
    assert client.post("/logout", data={"csrf_token": csrf_token_from(html)}).status_code == 302
    login_with_token(client, case.seat.reviewer)
    seat_page = page(client, f"/review/seats/{case.seat.id}")
    assert f"/evidence/{case.photo.id}/thumbnail" not in seat_page
    assert "The mediator has not released this file to reviewers." in seat_page


def test_without_the_csrf_token_nothing_changes(client, case, csrf_enabled):
    login_with_token(client, case.mediator)

    response = client.post(toggle_url(case, case.pdf), data={"released": "yes"})

    assert response.status_code == 400
    assert db.session.scalar(select(ReviewerRelease)) is None


def test_a_value_that_is_neither_yes_nor_no_is_refused(client, case):
    login(client, case.mediator)

    assert client.post(toggle_url(case, case.pdf), data={"released": "maybe"}).status_code == 400
    assert not is_released_to_reviewers(case.pdf)


def test_no_one_but_the_cases_mediator_may_decide(client, case):
    other_mediator = make_user(roles=(Role.MEDIATOR,))
    admin = make_user(roles=(Role.ADMIN,))
    expected = {
        case.buyer: 403,
        case.seller: 403,
        other_mediator: 403,
        admin: 403,
        case.seat.reviewer: 404,  # reviewers cannot see the case at all
        make_user(): 404,
    }
    for someone, status in expected.items():
        as_user(client, someone)
        response = client.post(toggle_url(case, case.pdf), data={"released": "yes"})
        assert response.status_code == status, someone.display_name

    assert not is_released_to_reviewers(case.pdf)
    # staff who are not its mediator read the list, without buttons; the parties never see it
    as_user(client, other_mediator)
    html = page(client, f"/cases/{case.id}")
    assert "Files the reviewers see" in html and "Release to reviewers" not in html
    as_user(client, case.buyer)
    assert "Files the reviewers see" not in page(client, f"/cases/{case.id}")


def test_only_a_file_of_this_case_has_a_button(client, case):
    other = make_case_row(state="panel", mediator=case.mediator)
    elsewhere = add_photo(other, other.buyer)
    login(client, case.mediator)

    for entry in (elsewhere, case.statement):
        response = client.post(toggle_url(case, entry), data={"released": "no"})
        assert response.status_code == 404
    assert (
        client.post(f"/cases/{case.id}/mediation/evidence/2147483647/reviewers").status_code == 404
    )
    assert is_released_to_reviewers(elsewhere)
