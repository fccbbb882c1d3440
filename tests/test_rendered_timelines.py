"""The case page keeps its rendered timelines, and never shows a stale one: a new entry, a
retraction and another language each read afresh."""

from app.cases.evidence import NewEvidence, add_evidence
from app.cases.models import EvidenceKind
from app.cases.rendered import RENDERED
from app.core.extensions import db
from tests.helpers.case_factories import add_statement, make_case
from tests.helpers.pages import login, page


def test_the_kept_timeline_follows_every_new_entry_and_each_language(client, app):
    case = make_case("evidence")
    login(client, case.buyer)
    first = page(client, f"/cases/{case.id}")
    assert "The parcel was soaked through" not in first

    entry = add_statement(case, case.buyer, "The parcel was soaked through.")
    shown = page(client, f"/cases/{case.id}")
    assert "The parcel was soaked through." in shown
    assert f'id="entry-{entry.id}"' in shown and "Retracted" not in shown
    assert page(client, f"/cases/{case.id}") == shown  # read again: the same page

    add_evidence(
        case,
        case.buyer,
        NewEvidence(EvidenceKind.RETRACTION, text="Wrong parcel.", refers_to_id=entry.id),
    )
    db.session.flush()
    retracted = page(client, f"/cases/{case.id}")
    assert "Wrong parcel." in retracted and "Retracted" in retracted

    client.post("/language", data={"locale": "zh_Hans", "next": "/"})
    chinese = page(client, f"/cases/{case.id}")
    assert "已撤回" in chinese
    assert "Retracted" not in chinese


def test_the_store_is_bounded(app):
    RENDERED.clear()
    for n in range(RENDERED._size + 10):
        RENDERED.get(("case", n), lambda n=n: str(n))
    assert len(RENDERED._kept) == RENDERED._size
    assert ("case", 0) not in RENDERED._kept and ("case", RENDERED._size + 9) in RENDERED._kept
