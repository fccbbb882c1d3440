"""POST /api/v1/cases/{id}/evidence: what the marketplace holds goes on the buyer's or the
seller's timeline through the web upload's own checks, marked as supplied by the
marketplace — a mark the entry's hash covers, and the case page shows."""

import io
import json
import re
import zipfile

import pytest
from sqlalchemy import func, select, update

from app.cases import services
from app.cases.chains import verify_chains
from app.cases.models import EvidenceEntry
from app.closing.dossier.build import build_dossier
from app.closing.dossier.verify import verify_dossier
from app.core.extensions import db
from tests.helpers import hostile
from tests.helpers.api import assert_problem, bearer, field_errors, new_token
from tests.helpers.case_factories import add_statement, make_case
from tests.helpers.hostile import HOSTILE_FILENAMES, REFUSED_UPLOADS
from tests.helpers.pages import login, page
from tests.helpers.upload_refusals import REFUSAL_MESSAGES

TRANSCRIPT = "[2026-01-15 10:02] Buyer: Where is my parcel?\n[2026-01-15 18:40] Seller: Sent."


@pytest.fixture
def token() -> str:
    return new_token()


def post_json(client, token, case, body, **headers):
    return client.post(
        f"/api/v1/cases/{case.id}/evidence", json=body, headers=bearer(token, **headers)
    )


def post_file(client, token, case, content: bytes, filename: str, party="buyer", **headers):
    data = {"party": party, "file": (io.BytesIO(content), filename)}
    return client.post(
        f"/api/v1/cases/{case.id}/evidence",
        data=data,
        content_type="multipart/form-data",
        headers=bearer(token, **headers),
    )


def entries() -> int:
    return db.session.scalar(select(func.count()).select_from(EvidenceEntry))


def test_a_chat_transcript_goes_on_the_buyers_timeline_supplied_by_the_marketplace(client, token):
    case = make_case("evidence")

    response = post_json(
        client, token, case, {"party": "buyer", "kind": "chat_transcript", "text": TRANSCRIPT}
    )

    assert response.status_code == 201
    body = response.get_json()
    entry = db.session.get(EvidenceEntry, body["id"])
    assert (entry.party, entry.kind, entry.text) == ("buyer", "chat_transcript", TRANSCRIPT)
    assert entry.author_id == case.buyer_id and entry.supplied_by == "marketplace"
    assert body["supplied_by"] == "marketplace" and body["entry_hash"] == entry.entry_hash
    assert verify_chains([case.id]) == []


def test_a_tracking_number_goes_on_the_sellers_timeline(client, token):
    case = make_case("evidence")
    body = {
        "party": "seller",
        "kind": "tracking_number",
        "carrier": "SF Express",
        "tracking_number": "SF1234567890",
    }

    response = post_json(client, token, case, body)

    assert response.status_code == 201
    assert response.get_json()["text"] == "SF Express SF1234567890"
    assert response.get_json()["party"] == "seller"


def test_the_case_page_shows_which_entries_the_marketplace_supplied(client, token):
    case = make_case("evidence")
    own = add_statement(case, case.buyer, "I opened the box in front of the courier.")
    supplied = post_json(
        client, token, case, {"party": "buyer", "kind": "chat_transcript", "text": TRANSCRIPT}
    ).get_json()["id"]
    login(client, case.buyer)

    html = page(client, f"/cases/{case.id}")

    def card(entry_id: int) -> str:
        return re.search(rf'<article[^>]*id="entry-{entry_id}".*?</article>', html, re.S).group(0)

    assert "Supplied by the marketplace" in card(supplied)
    assert "Supplied by the marketplace" not in card(own.id)


def test_the_supplier_is_covered_by_the_entrys_hash(client, token):
    case = make_case("evidence")
    post_json(client, token, case, {"party": "buyer", "kind": "chat_transcript", "text": "Hi"})
    assert verify_chains([case.id]) == []

    db.session.execute(update(EvidenceEntry.__table__).values(supplied_by=None))

    problems = verify_chains([case.id])
    assert len(problems) == 1 and "do not match its entry hash" in problems[0]


def test_a_dossier_keeps_the_supplier_and_still_verifies(client, token):
    case = make_case("evidence")
    post_json(client, token, case, {"party": "seller", "kind": "chat_transcript", "text": "Hi"})
    services.withdraw_case(case, case.buyer)

    dossier = build_dossier(case)

    assert verify_dossier(dossier) == []
    with zipfile.ZipFile(io.BytesIO(dossier)) as archive:
        seller = json.loads(archive.read("timelines/seller.json"))
    assert [entry.get("supplied_by") for entry in seller["entries"]] == [None, "marketplace"]


def test_a_photo_is_checked_and_stored_like_an_upload_on_the_case_page(client, token, evidence_dir):
    case = make_case("evidence")

    response = post_file(client, token, case, hostile.jpeg_from_phone(), "parcel.jpg")

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["kind"] == "image" and body["file"]["content_type"] == "image/jpeg"
    entry = db.session.get(EvidenceEntry, body["id"])
    stored = (evidence_dir / str(case.id)).iterdir()
    assert entry.supplied_by == "marketplace" and len(list(stored)) == 2  # and its thumbnail
    assert b"Exif" not in (evidence_dir / entry.stored_name).read_bytes()


@pytest.mark.parametrize(
    "label",
    [
        "shell script named .jpg",
        "SVG with a script",
        "ZIP archive",
        "PNG decompression bomb",
        "PDF with JavaScript",
        "encrypted PDF",
        "MP4 without a movie box",
        "WebM with trailing garbage",
    ],
)
def test_a_hostile_file_is_refused_by_its_content_and_leaves_nothing(
    client, token, evidence_dir, label
):
    case = make_case("evidence")
    before = entries()
    filename, build = REFUSED_UPLOADS[label]

    response = post_file(client, token, case, build(), filename)

    assert field_errors(response)["file"].startswith(REFUSAL_MESSAGES[label].rstrip("."))
    assert entries() == before
    assert [path for path in evidence_dir.rglob("*") if path.is_file()] == []


@pytest.mark.parametrize("label", ["path traversal", "NUL byte", "right-to-left override"])
def test_a_hostile_file_name_is_refused(client, token, evidence_dir, label):
    case = make_case("evidence")
    response = post_file(client, token, case, hostile.jpeg(), HOSTILE_FILENAMES[label])
    assert "file" in field_errors(response)
    assert [path for path in evidence_dir.rglob("*") if path.is_file()] == []


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"party": "buyer", "kind": "statement", "text": "In my own words."}, {"kind"}),
        ({"party": "buyer", "kind": "image", "text": "A photo"}, {"kind"}),
        ({"party": "mediator", "kind": "chat_transcript", "text": "Hi"}, {"party"}),
        ({"party": "buyer", "kind": "chat_transcript"}, {"text"}),
        ({"party": "buyer", "kind": "chat_transcript", "text": "  "}, {"text"}),
        ({"party": "buyer", "kind": "chat_transcript", "text": "x" * 20001}, {"text"}),
        ({"party": "buyer", "kind": "chat_transcript", "text": "a\x00b"}, {"text"}),
        (
            {"party": "buyer", "kind": "chat_transcript", "text": "Hi", "carrier": "SF"},
            {"carrier"},
        ),
        ({"party": "seller", "kind": "tracking_number"}, {"tracking_number"}),
        (
            {"party": "seller", "kind": "tracking_number", "tracking_number": "SF 1234567890"},
            {"tracking_number"},
        ),
        (
            {"party": "seller", "kind": "tracking_number", "tracking_number": "short"},
            {"tracking_number"},
        ),
        (
            {
                "party": "seller",
                "kind": "tracking_number",
                "tracking_number": "SF123456",
                "text": "x",
            },
            {"text"},
        ),
        ({"party": "buyer", "kind": "chat_transcript", "text": "Hi", "note": 1}, {"note"}),
        ({}, {"party", "kind"}),
    ],
)
def test_evidence_the_case_page_would_refuse_is_refused_naming_the_field(
    client, token, body, fields
):
    case = make_case("evidence")
    before = entries()

    assert set(field_errors(post_json(client, token, case, body))) == fields
    assert entries() == before


def test_a_multipart_upload_needs_a_party_and_one_file(client, token):
    case = make_case("evidence")
    url = f"/api/v1/cases/{case.id}/evidence"
    two = {
        "party": "buyer",
        "file": [(io.BytesIO(hostile.jpeg()), "a.jpg"), (io.BytesIO(hostile.jpeg()), "b.jpg")],
    }
    none = {"party": "buyer"}
    partyless = {"file": (io.BytesIO(hostile.jpeg()), "a.jpg")}

    for data, field in ((two, "file"), (none, "file"), (partyless, "party")):
        response = client.post(
            url, data=data, content_type="multipart/form-data", headers=bearer(token)
        )
        assert field in field_errors(response)
    assert entries() == 1  # the seller's statement that contested the claim


def test_a_closed_case_takes_no_evidence(client, token):
    case = make_case("closed")
    response = post_json(
        client, token, case, {"party": "buyer", "kind": "chat_transcript", "text": "Hi"}
    )
    assert "no longer takes evidence" in assert_problem(response, 409)["detail"]


def test_a_full_timeline_takes_no_more(app, client, token, monkeypatch):
    case = make_case("evidence")
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_ITEMS_PER_PARTY", 1)  # the seller's statement
    response = post_json(
        client, token, case, {"party": "seller", "kind": "chat_transcript", "text": "Hi"}
    )
    assert "already holds 1 entries" in assert_problem(response, 409)["detail"]


def test_a_retried_upload_with_its_key_adds_the_file_once(client, token, evidence_dir):
    case = make_case("evidence")
    first = post_file(client, token, case, hostile.jpeg(), "box.jpg", **{"Idempotency-Key": "up-1"})

    again = post_file(client, token, case, hostile.jpeg(), "box.jpg", **{"Idempotency-Key": "up-1"})
    other = post_file(client, token, case, hostile.png(), "box.png", **{"Idempotency-Key": "up-1"})

    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data() and again.headers["Idempotent-Replayed"] == "true"
    assert_problem(other, 422)
    assert entries() == 2
    assert len([path for path in evidence_dir.rglob("*") if path.is_file()]) == 2


def test_a_multipart_part_without_a_readable_name_is_refused_not_a_crash(client, token):
    """Found by Schemathesis: a part named only by a carriage return has no name at all."""
    case = make_case("evidence")
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="\r"\r\n\r\nnull\r\n'
        f"--{boundary}--\r\n"
    )

    response = client.post(
        f"/api/v1/cases/{case.id}/evidence",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=bearer(token),
    )

    assert {"party", "file"} <= set(field_errors(response))


def test_a_part_without_a_readable_name_beside_a_file_under_a_key_is_refused_too(client, token):
    """Found by Schemathesis: the request's fingerprint sorts the parts by name."""
    case = make_case("evidence")
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="\r"\r\n\r\nnull\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="party"\r\n\r\nbuyer\r\n'
        f"--{boundary}--\r\n"
    )

    response = client.post(
        f"/api/v1/cases/{case.id}/evidence",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=bearer(token, **{"Idempotency-Key": "odd-part"}),
    )

    assert "file" in field_errors(response)
