"""Text no person types is refused beside its field: control characters such as NUL,
direction overrides, text made only of invisible characters, and line breaks in a name."""

import pytest

from app.auth.services import find_user_by_email
from app.cases import services
from app.cases.evidence import NewEvidence, add_evidence
from app.cases.files import EvidenceRejected
from app.cases.models import EvidenceKind
from app.cases.transitions import CaseRefused
from app.core.errors import Refused
from app.core.text import checked_text
from app.orders.records import RecordReader
from tests.helpers.case_factories import make_case
from tests.helpers.orders import good_record
from tests.helpers.pages import field_error

CONTROL = ["a\x00b", "bell\x07", "escape\x1b[31m", "delete\x7f", "c1\x85control"]
DIRECTION = ["invoice\u202egnp.exe", "\u2066isolated\u2069", "embed\u202aded\u202c"]
INVISIBLE = ["\u200b\u200b\u200b", "\u200d\ufeff", "\u3000 \u3000", "\u3164\u3164", "\u2800"]
ORDINARY = [
    "快递盒子压坏了，耳机左边裂开。",
    "Two lines\nof a statement\twith a tab.",
    "שלום עולם and العربية side by side",
    "emoji 👍🏽 and a zero-width joiner family 👨\u200d👩\u200d👧",
]


@pytest.mark.parametrize("text", CONTROL + DIRECTION)
def test_control_and_direction_characters_are_refused_naming_the_field(text):
    with pytest.raises(Refused) as refused:
        checked_text(text, "statement", maximum=100, missing="Write something.")
    assert refused.value.field == "statement"


@pytest.mark.parametrize("text", INVISIBLE)
def test_text_of_invisible_characters_counts_as_empty(text):
    with pytest.raises(Refused, match="Write something."):
        checked_text(text, "statement", maximum=100, missing="Write something.")
    assert checked_text(text, "comment", maximum=100) == ""


@pytest.mark.parametrize("text", ORDINARY)
def test_what_people_write_passes_unchanged(text):
    assert checked_text(f"  {text}  ", "statement", maximum=100) == text


@pytest.mark.parametrize("name", ["Li\nNa", "Li\rNa", "Li\u2028Na"])
def test_a_name_is_one_line(name):
    with pytest.raises(Refused, match="one line"):
        checked_text(name, "display_name", maximum=80, one_line=True)


@pytest.mark.parametrize("text", [CONTROL[0], DIRECTION[0], INVISIBLE[0]])
def test_a_statement_on_the_timeline_is_refused_beside_its_field(text):
    case = make_case("evidence")
    with pytest.raises(EvidenceRejected) as refused:
        add_evidence(case, case.buyer, NewEvidence(EvidenceKind.STATEMENT, text=text))
    assert refused.value.field == "text"


@pytest.mark.parametrize("text", [CONTROL[0], DIRECTION[0], INVISIBLE[0]])
def test_a_return_reason_is_refused_beside_its_field(text):
    case = make_case("filed")
    with pytest.raises(CaseRefused) as refused:
        services.return_case(case, case.mediator, text)
    assert refused.value.field == "reason"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("New\nPerson", "Keep it on one line."),
        ("\u202eNew Person", "Remove the characters that change the direction of the text."),
        ("\u200b\u200b", "Tell us your name."),
        ("Nul\x00Person", "Remove the control characters (such as NUL) from the text."),
    ],
)
def test_registration_refuses_a_name_no_person_has(client, name, message):
    response = client.post(
        "/register",
        data={
            "email": "new@example.com",
            "display_name": name,
            "password": "a long passphrase",
            "confirm": "a long passphrase",
        },
    )

    assert response.status_code == 200  # the form again, as every refused registration
    assert field_error(response.get_data(as_text=True), "display_name") == message
    assert find_user_by_email("new@example.com") is None


@pytest.mark.parametrize("name", ["Li\nNa", "Li\u202eNa", "Li\x00Na"])
def test_an_imported_order_s_names_are_one_line_of_text(name):
    record = good_record()
    record["buyer"]["name"] = name
    reader = RecordReader(0, record)

    reader.party(record, "buyer")

    assert [problem.field for problem in reader.problems] == ["buyer.name"]
