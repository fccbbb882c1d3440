"""The dossier of a closed case: what the ZIP holds, that it verifies on its own, that any
change to it is found, the commands that write and check it, and who may download it."""

import hashlib
import io
import json
import re
import zipfile
from base64 import b64encode
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.cases.chains import entry_hash, text_sha256
from app.cases.cli import evidence_cli
from app.cases.evidence import NewEvidence, add_evidence
from app.cases.files import evidence_path
from app.cases.models import Case, EvidenceKind
from app.closing.cli import dossier_cli
from app.closing.dossier.build import DossierIncomplete, build_dossier, safe_name
from app.closing.dossier.verify import check_dossier, verify_dossier
from app.closing.models import Rating
from app.closing.services import ClosingRefused
from app.core import clock
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.execution.models import Obligation
from tests.helpers import hostile
from tests.helpers.dossiers import (
    flip_one_byte,
    json_bytes,
    json_of,
    members_of,
    rehashed_manifest,
    rezip,
)
from tests.helpers.factories import make_case_row, make_order, make_user
from tests.helpers.pages import login

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CLOSED_AT = START + timedelta(days=9)
MEMBERS = [
    "files/buyer/002-box.jpg",
    "files/buyer/003-收据_receipt.pdf",
    "files/seller/002-packing.mp4",
    "manifest.json",
    "summary.html",
    "summary.txt",
    "thread.json",
    "timelines/buyer.json",
    "timelines/seller.json",
]


@pytest.fixture(autouse=True)
def evidence_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))
    return tmp_path


def upload(kind: EvidenceKind, data: bytes, filename: str) -> NewEvidence:
    return NewEvidence(kind, upload=io.BytesIO(data), filename=filename)


def statement(text: str, kind: EvidenceKind = EvidenceKind.STATEMENT, **more) -> NewEvidence:
    return NewEvidence(kind, text=text, **more)


@pytest.fixture
def case() -> Case:
    """A case decided by the mediator and carried out: the buyer's statement, photo and PDF
    and a late statement; the seller's statement, video, and a retraction of the statement."""
    clock.freeze(START)
    buyer = make_user(name="Li Na", email="li.na@example.com")
    seller = make_user(name="Wang Wei", email="wang.wei@example.com", shop_name="Earbud Shop")
    mediator = make_user(
        name="Mediator Zhou", email="zhou@tribunal.example", roles=(Role.MEDIATOR,)
    )
    case = make_case_row(make_order(buyer, seller), state="evidence", mediator=mediator)
    add_evidence(case, buyer, statement("It arrived <b>broken</b> & cracked."))
    add_evidence(case, buyer, upload(EvidenceKind.IMAGE, hostile.jpeg(), "box.jpg"))
    add_evidence(case, buyer, upload(EvidenceKind.PDF, hostile.pdf(), "收据 receipt.pdf"))
    clock.advance(timedelta(hours=1))
    said = add_evidence(case, seller, statement("It left our shop intact."))
    add_evidence(case, seller, upload(EvidenceKind.VIDEO, hostile.mp4(), "packing.mp4"))
    add_evidence(
        case, seller, statement("Wrong parcel.", EvidenceKind.RETRACTION, refers_to_id=said.id)
    )
    case.evidence_closed_at = clock.advance(timedelta(days=3))
    clock.advance(timedelta(minutes=5))
    add_evidence(case, buyer, statement("The courier confirmed the damage."))
    clock.advance(timedelta(days=1))
    case.state = "closed"
    case.outcome = "for_buyer"
    case.decision_kind = "mediator"
    case.decision_remedy = "full_refund"
    case.decision_reasons = "The photo shows the crushed box.\nThe seller withdrew its statement."
    case.decided_at = clock.now()
    case.closed_reason = "completed"
    case.closed_at = CLOSED_AT
    db.session.add(
        Obligation(
            case_id=case.id,
            kind="refund",
            debtor="seller",
            amount_fen=19900,
            step=1,
            status="done",
            due_at=clock.now() + timedelta(hours=48),
            done_at=clock.now() + timedelta(hours=20),
        )
    )
    db.session.add(Rating(case_id=case.id, party="buyer", score=5, comment="Fair <i>and</i> fast."))
    db.session.flush()
    clock.freeze(CLOSED_AT + timedelta(days=2))
    return case


# --- what the ZIP holds ---------------------------------------------------------------------


def test_the_dossier_holds_the_expected_members_in_order(case):
    data = build_dossier(case)

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos] == MEMBERS
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert verify_dossier(data) == []


def test_every_stored_file_is_in_the_dossier_as_stored(case):
    members = members_of(build_dossier(case))

    for entry in case.evidence:
        if entry.stored_name is not None:
            stored = evidence_path(entry.stored_name).read_bytes()
            path = f"files/{entry.party}/{entry.sequence:03d}-{safe_name(entry.original_name)}"
            assert members[path] == stored
            assert hashlib.sha256(stored).hexdigest() == entry.content_sha256


def test_the_manifest_lists_every_other_member_with_its_hash(case):
    data = build_dossier(case)
    members = members_of(data)
    manifest = json.loads(members["manifest.json"])

    assert manifest["case_id"] == case.id
    assert manifest["exported_at"] == clock.now().isoformat(timespec="microseconds")
    assert manifest["generator"].startswith("Tribunal")
    assert [item["path"] for item in manifest["files"]] == [
        m for m in MEMBERS if m != "manifest.json"
    ]
    for item in manifest["files"]:
        content = members[item["path"]]
        assert item["sha256"] == hashlib.sha256(content).hexdigest()
        assert item["size"] == len(content)


def test_each_timeline_holds_every_entry_with_its_hashes(case):
    data = build_dossier(case)
    buyer, seller = json_of(data, "timelines/buyer.json"), json_of(data, "timelines/seller.json")

    assert (buyer["case_id"], buyer["party"], seller["party"]) == (case.id, "buyer", "seller")
    assert [e["kind"] for e in buyer["entries"]] == ["statement", "image", "pdf", "statement"]
    assert [e["kind"] for e in seller["entries"]] == ["statement", "video", "retraction"]
    stored = {(e.party, e.sequence): e for e in case.evidence}
    for document in (buyer, seller):
        for item in document["entries"]:
            entry = stored[(document["party"], item["sequence"])]
            assert item["entry_hash"] == entry.entry_hash == entry_hash(entry)
            assert item["prev_hash"] == entry.prev_hash
            assert item["content_sha256"] == entry.content_sha256
            assert item["text"] == entry.text
            assert item["is_late"] == entry.is_late
            assert item["created_at"] == entry.created_at.isoformat(timespec="microseconds")
            assert (item["original_name"], item["content_type"], item["size_bytes"]) == (
                entry.original_name,
                entry.content_type,
                entry.size_bytes,
            )
    photo = buyer["entries"][1]
    assert photo["file"] == "files/buyer/002-box.jpg" and photo["text"] is None
    assert buyer["entries"][0]["file"] is None
    assert buyer["entries"][3]["is_late"] is True
    assert seller["entries"][2]["refers_to"] == 1


def test_the_dossier_is_the_same_every_time_but_for_the_export_time(case):
    first = build_dossier(case)
    assert build_dossier(case) == first

    clock.advance(timedelta(days=30))
    later = members_of(build_dossier(case))

    earlier = members_of(first)
    assert [name for name in earlier if earlier[name] != later[name]] == ["manifest.json"]
    first_manifest, later_manifest = (json.loads(m["manifest.json"]) for m in (earlier, later))
    assert first_manifest.pop("exported_at") != later_manifest.pop("exported_at")
    assert first_manifest == later_manifest


def test_the_summaries_tell_the_case_with_everything_escaped(case):
    members = members_of(build_dossier(case))
    html = members["summary.html"].decode()
    text = members["summary.txt"].decode()

    for summary in (html, text):
        for words in (
            f"Case #{case.id}",
            "Damaged in transit",
            "The screen arrived cracked.",
            case.order.marketplace_order_id,
            "Li Na",
            "Earbud Shop",
            "Mediator Zhou",
            "¥199.00",
            "Decided for the buyer",
            "The photo shows the crushed box.",
            "Refund the buyer",
            "Done",
            "2026-03-02 09:00:00 UTC",
            "Late",
            "Retracted",
            "files/seller/002-packing.mp4",
        ):
            assert words in summary, words
    assert "It arrived &lt;b&gt;broken&lt;/b&gt; &amp; cracked." in html
    assert "<b>" not in html and "<i>" not in html and "<script" not in html
    assert "Fair &lt;i&gt;and&lt;/i&gt; fast." in html
    assert "It arrived <b>broken</b> & cracked." in text
    assert "5/5" in text and "Fair <i>and</i> fast." in text
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    style = re.search(r"<style>(.*?)</style>", html, re.DOTALL).group(1)
    style_hash = b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert csp.group(1) == f"default-src 'none'; style-src 'sha256-{style_hash}'"


def test_the_dossier_holds_no_contact_details(case):
    everything = b"".join(members_of(build_dossier(case)).values())

    for private in (
        case.buyer.email,
        case.seller.email,
        case.mediator.email,
        case.order.tracking_number,
        case.buyer.marketplace_user_id,
    ):
        assert private.encode() not in everything, private


def test_control_characters_never_reach_a_terminal(case):
    case.buyer.display_name = "Li\x1b[31m Na"

    text = members_of(build_dossier(case))["summary.txt"].decode()

    assert "\x1b" not in text and "Li\ufffd[31m Na" in text


def test_a_withdrawn_case_has_a_dossier_too():
    clock.freeze(START)
    case = make_case_row(state="closed", closed_reason="withdrawn", closed_at=START)

    data = build_dossier(case)

    assert [name for name in members_of(data) if not name.startswith("files/")] == MEMBERS[3:]
    assert json_of(data, "timelines/buyer.json")["entries"] == []
    assert verify_dossier(data) == []


@pytest.mark.parametrize("state", ["filed", "evidence", "decided", "executing"])
def test_only_a_closed_case_has_a_dossier(state):
    case = make_case_row(state=state, outcome="for_buyer" if state != "filed" else None)

    with pytest.raises(ClosingRefused, match="Only a closed case has a dossier"):
        build_dossier(case)


def test_evidence_changed_on_disk_is_not_exported(case, evidence_dir):
    photo = next(e for e in case.evidence if e.kind == "image")
    path = evidence_dir / photo.stored_name
    path.write_bytes(flip_one_byte(path.read_bytes()))

    with pytest.raises(DossierIncomplete) as refused:
        build_dossier(case)

    assert refused.value.problems == [
        f"buyer timeline, entry 2: file {photo.stored_name} does not match its SHA-256"
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("box.jpg", "box.jpg"),
        ("收据 receipt.pdf", "收据_receipt.pdf"),
        ("..\\..\\evil.pdf", "evil.pdf"),
        (".hidden", "file.hidden"),
        ("a/b/c.mp4", "c.mp4"),
        ("", "file"),
        (None, "file"),
        ("x" * 150 + ".jpeg", "x" * 80 + ".jpeg"),
    ],
)
def test_file_names_in_the_zip_are_safe(name, expected):
    assert safe_name(name) == expected


# --- verifying ------------------------------------------------------------------------------


def test_a_dossier_verifies_from_its_bytes_a_path_or_a_file(case, tmp_path):
    data = build_dossier(case)
    path = tmp_path / "dossier.zip"
    path.write_bytes(data)

    assert verify_dossier(data) == []
    assert verify_dossier(path) == []
    assert verify_dossier(str(path)) == []
    with path.open("rb") as file:
        assert verify_dossier(file) == []
    assert check_dossier(data).files_checked == len(MEMBERS)


@pytest.mark.parametrize("name", MEMBERS)
def test_one_changed_byte_in_any_member_is_found(case, name):
    data = build_dossier(case)

    problems = verify_dossier(rezip(data, {name: flip_one_byte(members_of(data)[name])}))

    assert problems, name
    if name != "manifest.json":
        assert f"{name} has changed: its SHA-256 differs from manifest.json" in problems


def test_a_changed_file_is_found_by_its_entry_too(case):
    data = build_dossier(case)
    name = "files/seller/002-packing.mp4"

    problems = verify_dossier(rezip(data, {name: flip_one_byte(members_of(data)[name])}))

    assert problems == [
        f"{name} has changed: its SHA-256 differs from manifest.json",
        f"timelines/seller.json, entry 2: its file {name} does not match its SHA-256",
    ]


def test_a_file_replaced_with_the_manifest_rehashed_is_still_found(case):
    data = build_dossier(case)
    name = "files/buyer/002-box.jpg"

    problems = verify_dossier(rehashed_manifest(data, {name: hostile.jpeg((80, 80))}))

    assert problems == [
        f"timelines/buyer.json, entry 2: its file {name} does not match its SHA-256"
    ]


@pytest.mark.parametrize("name", MEMBERS)
def test_a_removed_member_is_found(case, name):
    data = build_dossier(case)

    problems = verify_dossier(rezip(data, {name: None}))

    assert f"{name} is missing" in problems


def test_an_extra_member_is_found(case):
    data = build_dossier(case)

    problems = verify_dossier(
        rezip(data, **{"notes.txt": b"added later", "files/buyer/x.jpg": b"x"})
    )

    assert problems == [
        "files/buyer/x.jpg is in the ZIP but not in manifest.json",
        "notes.txt is in the ZIP but not in manifest.json",
        "files/buyer/x.jpg is not the file of any timeline entry",
    ]


def test_a_member_twice_in_the_zip_is_found(case):
    data = build_dossier(case)

    with pytest.warns(UserWarning, match="Duplicate name"):
        twice = rezip(data, **{"summary.txt": b"Another story."})

    problems = verify_dossier(twice)

    assert "summary.txt appears 2 times in the ZIP" in problems


def test_an_edited_text_is_found_though_the_manifest_was_rehashed(case):
    """A careful forger edits the buyer's statement and re-hashes the manifest: the text no
    longer matches its SHA-256."""
    data = build_dossier(case)
    timeline = json_of(data, "timelines/buyer.json")
    timeline["entries"][0]["text"] = "It arrived intact."

    problems = verify_dossier(
        rehashed_manifest(data, {"timelines/buyer.json": json_bytes(timeline)})
    )

    assert problems == ["timelines/buyer.json, entry 1: its text does not match its SHA-256"]


def test_an_edited_text_with_its_hash_is_found_by_the_entry_hash(case):
    data = build_dossier(case)
    timeline = json_of(data, "timelines/buyer.json")
    forged = timeline["entries"][0]
    forged["text"] = "It arrived intact."
    forged["content_sha256"] = text_sha256(forged["text"])

    problems = verify_dossier(
        rehashed_manifest(data, {"timelines/buyer.json": json_bytes(timeline)})
    )

    assert problems == ["timelines/buyer.json, entry 1: its fields do not match its entry hash"]


def test_a_forged_entry_with_a_recomputed_hash_breaks_the_next_link(case):
    data = build_dossier(case)
    timeline = json_of(data, "timelines/buyer.json")
    forged = timeline["entries"][0]
    forged["text"] = "It arrived intact."
    forged["content_sha256"] = text_sha256(forged["text"])
    forged["entry_hash"] = _recomputed_hash(forged, timeline)

    problems = verify_dossier(
        rehashed_manifest(data, {"timelines/buyer.json": json_bytes(timeline)})
    )

    assert problems == [
        "timelines/buyer.json, entry 2: "
        "does not link to the entry before it (previous hash differs)"
    ]


def _recomputed_hash(item: dict, timeline: dict) -> str:
    from types import SimpleNamespace

    fields = {**item, "case_id": timeline["case_id"], "party": timeline["party"]}
    fields["created_at"] = datetime.fromisoformat(item["created_at"])
    return entry_hash(SimpleNamespace(**fields))


def test_a_removed_entry_is_found(case):
    data = build_dossier(case)
    timeline = json_of(data, "timelines/seller.json")
    del timeline["entries"][0]

    problems = verify_dossier(
        rehashed_manifest(data, {"timelines/seller.json": json_bytes(timeline)})
    )

    assert "timelines/seller.json, entry 2: expected entry 1 here: entries are missing" in problems
    assert (
        "timelines/seller.json, entry 3: it does not refer to an earlier entry of this timeline"
        in problems
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda e: e.pop("created_at"), "field 'created_at' is missing or of the wrong type"),
        (lambda e: e.update(is_late="no"), "field 'is_late' is missing or of the wrong type"),
        (lambda e: e.update(sequence=True), "field 'sequence' is missing or of the wrong type"),
        (lambda e: e.update(created_at="yesterday"), "created_at is not an ISO 8601 time"),
        (lambda e: e.update(created_at="2026-03-02T09:00:00"), "created_at has no time zone"),
    ],
)
def test_a_malformed_entry_is_reported_not_a_crash(case, change, expected):
    data = build_dossier(case)
    timeline = json_of(data, "timelines/buyer.json")
    change(timeline["entries"][0])

    problems = verify_dossier(
        rehashed_manifest(data, {"timelines/buyer.json": json_bytes(timeline)})
    )

    assert problems[0] == f"timelines/buyer.json, entry at position 1: {expected}"


def test_a_timeline_of_another_case_is_found(case):
    data = build_dossier(case)
    timeline = json_of(data, "timelines/buyer.json")
    timeline["case_id"] += 1

    problems = verify_dossier(
        rehashed_manifest(data, {"timelines/buyer.json": json_bytes(timeline)})
    )

    assert problems == [f"timelines/buyer.json is not a timeline of case {case.id}"]


def test_a_damaged_zip_is_reported(case):
    data = build_dossier(case)
    photo = members_of(data)["files/buyer/002-box.jpg"]
    at = data.index(photo) + len(photo) // 2  # stored uncompressed: its bytes are in the ZIP

    problems = verify_dossier(data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :])

    assert problems == ["files/buyer/002-box.jpg cannot be read: the ZIP is damaged"]


@pytest.mark.parametrize("data", [b"", b"not a zip at all", b"PK\x03\x04" + b"\0" * 40])
def test_something_else_than_a_zip_is_reported(data):
    problems = verify_dossier(data)

    assert len(problems) == 1 and problems[0].startswith("not a readable ZIP file")


def test_names_with_control_characters_are_shown_escaped(case):
    data = build_dossier(case)

    problems = verify_dossier(rezip(data, **{"evil\nall evidence intact": b""}))

    assert problems == ["'evil\\nall evidence intact' is in the ZIP but not in manifest.json"]


# --- the commands ---------------------------------------------------------------------------


def export(app, *args):
    return app.test_cli_runner().invoke(dossier_cli, ["export", *map(str, args)])


def verify(app, *args):
    return app.test_cli_runner().invoke(evidence_cli, ["verify", *map(str, args)])


def verify_dossier_file(app, path, *args):
    return app.test_cli_runner().invoke(dossier_cli, ["verify", str(path), *map(str, args)])


def test_export_and_verify_round_trip(app, case, tmp_path):
    path = tmp_path / "out" / "dossier.zip"
    path.parent.mkdir()

    exported = export(app, case.id, path)

    assert exported.exit_code == 0, exported.output
    assert exported.output == f"case {case.id}: dossier of {len(MEMBERS)} files written to {path}\n"
    assert members_of(path.read_bytes()).keys() == set(MEMBERS)
    assert sorted(p.name for p in path.parent.iterdir()) == ["dossier.zip"]  # no leftovers
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "case.dossier_exported")
    ).one()
    assert (event.actor_id, event.subject_id) == (None, str(case.id))

    checked = verify_dossier_file(app, path)

    assert checked.exit_code == 0, checked.output
    assert checked.output == f"dossier intact: {len(MEMBERS)} files checked\n"


def test_verify_reports_each_problem_of_a_tampered_dossier(app, case, tmp_path):
    data = build_dossier(case)
    path = tmp_path / "dossier.zip"
    path.write_bytes(rezip(data, {"summary.html": None}, **{"extra.bin": b"\0"}))

    result = verify_dossier_file(app, path)

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "summary.html is missing",
        "extra.bin is in the ZIP but not in manifest.json",
    ]
    assert result.stderr == f"2 problems found; {len(MEMBERS)} files checked\n"  # one out, one in


def test_verify_checks_a_dossier_or_the_database_not_both(app, case, tmp_path):
    path = tmp_path / "dossier.zip"
    path.write_bytes(build_dossier(case))

    assert verify_dossier_file(app, path, "--case", case.id).exit_code == 2
    assert verify_dossier_file(app, tmp_path / "absent.zip").exit_code == 2


def test_export_refuses_an_open_case(app, tmp_path):
    case = make_case_row(state="evidence")
    path = tmp_path / "dossier.zip"

    result = export(app, case.id, path)

    assert result.exit_code == 1
    assert f"case {case.id} is not closed (it is evidence)" in result.output
    assert not path.exists()


def test_export_refuses_an_unknown_case(app, tmp_path):
    result = export(app, 987654, tmp_path / "dossier.zip")

    assert result.exit_code == 1
    assert "no case 987654" in result.output


def test_export_refuses_evidence_that_fails_its_checks(app, case, evidence_dir, tmp_path):
    video = next(e for e in case.evidence if e.kind == "video")
    (evidence_dir / video.stored_name).unlink()
    path = tmp_path / "dossier.zip"

    result = export(app, case.id, path)

    assert result.exit_code == 1
    assert f"seller timeline, entry 2: file {video.stored_name} cannot be read" in result.output
    assert f"flask evidence verify --case {case.id}" in result.output
    assert list(tmp_path.glob("*.zip")) == [] and list(tmp_path.glob(".*part")) == []


def test_the_database_check_reads_as_before(app, case):
    result = verify(app)

    assert result.exit_code == 0, result.output
    assert result.output == "all evidence intact: 7 entries and 3 files checked\n"


# --- the download (once the ``closing`` blueprint is registered) ----------------------------


def viewer(case: Case, role: str):
    return {
        "buyer": case.buyer,
        "seller": case.seller,
        "mediator": case.mediator,
        "admin": None,
        "stranger": None,
    }.get(role)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("buyer", 200),
        ("seller", 200),
        ("stranger", 404),
        ("mediator", 200),
        ("admin", 200),
    ],
)
def test_who_may_download_the_dossier(client, case, role, status):
    user = viewer(case, role)
    if role == "stranger":
        user = make_user()
    elif role == "admin":
        user = make_user(roles=(Role.ADMIN,))
    if user is not None:
        login(client, user)

    response = client.get(f"/cases/{case.id}/dossier.zip", buffered=True)

    assert response.status_code == status
    if role == "anonymous":
        assert "/login" in response.headers["Location"]
    if status == 200:
        assert response.mimetype == "application/zip"
        assert response.headers["Content-Disposition"] == (
            f"attachment; filename=tribunal-case-{case.id}-dossier.zip"
        )
        assert response.headers["Cache-Control"] == "private, no-store"
        assert verify_dossier(response.get_data()) == []
        assert int(response.headers["Content-Length"]) == len(response.get_data())


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("buyer", 403), ("seller", 403), ("stranger", 404), ("mediator", 403)],
)
def test_an_open_case_has_no_dossier_to_download(client, role, status):
    mediator = make_user(roles=(Role.MEDIATOR,))
    case = make_case_row(state="evidence", mediator=mediator)
    user = make_user() if role == "stranger" else viewer(case, role)
    if user is not None:
        login(client, user)

    assert client.get(f"/cases/{case.id}/dossier.zip", buffered=True).status_code == status


def test_a_download_is_audited(client, case):
    login(client, case.seller)

    client.get(f"/cases/{case.id}/dossier.zip", buffered=True)

    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "case.dossier_exported")
    ).one()
    assert (event.actor_id, event.subject_id) == (case.seller_id, str(case.id))


def test_a_download_of_damaged_evidence_says_why(client, case, evidence_dir):
    photo = next(e for e in case.evidence if e.kind == "image")
    Path(evidence_dir / photo.stored_name).unlink()
    login(client, case.buyer)

    response = client.get(f"/cases/{case.id}/dossier.zip", follow_redirects=True)

    assert response.status_code == 200
    assert "The dossier cannot be made" in response.get_data(as_text=True)
