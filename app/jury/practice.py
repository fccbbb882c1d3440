"""The practice cases a new reviewer answers before sitting on panels (design: Crowd review,
Enrolment).

Each is an anonymised dispute — "Buyer" and "Seller", no names or numbers — with a known
correct answer. They are data, not rows: changing one is a code change, reviewed like any
other. The order of ``PRACTICE_CASES`` is the order they are set; keys never change, because
``PracticeAnswer.practice_key`` refers to them.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

GRANT = "grant"
REJECT = "reject"
OPTIONS = (GRANT, REJECT)
OPTION_LABELS = {
    GRANT: _l("Grant the buyer's claim"),
    REJECT: _l("Reject the buyer's claim"),
}


@dataclass(frozen=True)
class PracticeCase:
    key: str
    claim: str
    buyer_evidence: tuple[str, ...]
    seller_evidence: tuple[str, ...]
    question: str
    correct: str  # GRANT or REJECT
    options: tuple[str, ...] = OPTIONS


PRACTICE_CASES: tuple[PracticeCase, ...] = (
    PracticeCase(
        key="delivered-elsewhere",
        claim=_l(
            "The buyer says the parcel never arrived and asks for a full refund of a pair of "
            "running shoes."
        ),
        buyer_evidence=(
            _l(
                "Statement: I was at home all day on the delivery date and no courier came. "
                "Nobody in my building received it."
            ),
            _l(
                "Tracking page: the last scan shows the parcel signed for at a parcel locker "
                "in a different city, 800 km from the buyer's address."
            ),
        ),
        seller_evidence=(
            _l("Statement: we shipped on time and the courier marked it as delivered."),
            _l("Shipping label photo: the address on the label matches the buyer's address."),
        ),
        question=_l("Should the buyer receive a full refund?"),
        correct=GRANT,
    ),
    PracticeCase(
        key="counterfeit-report",
        claim=_l(
            "The buyer says the designer handbag is counterfeit and asks to return it for a "
            "full refund."
        ),
        buyer_evidence=(
            _l(
                "Authentication report from the brand's official service: the serial number "
                "does not exist and the stitching and hardware do not match genuine products."
            ),
            _l("Photos of the bag, the serial tag and the report's reference."),
        ),
        seller_evidence=(
            _l("Statement: all our bags come from a trusted supplier and are genuine."),
            _l('A supplier invoice that lists "handbags" without models or serial numbers.'),
        ),
        question=_l("Should the buyer return the bag for a full refund?"),
        correct=GRANT,
    ),
    PracticeCase(
        key="late-within-window",
        claim=_l("The buyer says the delivery was late and asks for compensation for a desk lamp."),
        buyer_evidence=(
            _l("Statement: I expected the lamp within three days and it took six."),
            _l('Screenshot of the order confirmation: "Delivery in 5 to 7 days".'),
        ),
        seller_evidence=(
            _l('Listing page: "Ships within 48 hours; delivery in 5 to 7 days".'),
            _l("Tracking history: shipped the next day, delivered on the sixth day."),
        ),
        question=_l("Should the buyer receive compensation for late delivery?"),
        correct=REJECT,
    ),
    PracticeCase(
        key="damaged-on-arrival",
        claim=_l("The buyer says the glass teapot arrived broken and asks for a full refund."),
        buyer_evidence=(
            _l(
                "Photos taken at the door with the courier: the box is crushed at one corner "
                "and the teapot's spout is snapped off inside."
            ),
            _l('The courier\'s signed note: "Parcel received with visible damage".'),
        ),
        seller_evidence=(
            _l(
                "Packing video: the teapot is wrapped in bubble film and placed in a box "
                "before sealing."
            ),
            _l("Statement: it left our warehouse intact, so the damage is not our fault."),
        ),
        question=_l("Should the buyer receive a full refund?"),
        correct=GRANT,
    ),
    PracticeCase(
        key="size-chart-mismatch",
        claim=_l(
            "The buyer says the coat does not match the size chart and asks to return it for "
            "a refund."
        ),
        buyer_evidence=(
            _l("Listing screenshot: size M has a chest of 112 cm in the size chart."),
            _l("Photo of the coat laid flat with a tape measure: the chest measures 98 cm."),
        ),
        seller_evidence=(
            _l("Statement: sizes can vary by 1 to 2 cm because the coats are measured by hand."),
            _l("Statement: the buyer chose the size and we do not accept returns for fit."),
        ),
        question=_l("Should the buyer return the coat for a refund?"),
        correct=GRANT,
    ),
    PracticeCase(
        key="service-attitude",
        claim=_l(
            "The buyer complains that the seller's customer service was rude and asks for a "
            "refund of a phone case that works as described."
        ),
        buyer_evidence=(
            _l(
                'Chat transcript: the seller answered a question about colours with "read '
                'the listing".'
            ),
            _l("Statement: the phone case is fine, but I felt disrespected."),
        ),
        seller_evidence=(
            _l("Chat transcript: the seller apologised the next day and answered the question."),
            _l("Tracking history: delivered on time; no defect was reported."),
        ),
        question=_l("Should the buyer receive a refund for the phone case?"),
        correct=REJECT,
    ),
    PracticeCase(
        key="return-not-received",
        claim=_l(
            "The buyer returned a faulty blender and asks for the refund the seller withholds."
        ),
        buyer_evidence=(
            _l("Return tracking: delivered to the seller's return address and signed for."),
            _l("Photo of the return parcel at the courier counter with the blender inside."),
        ),
        seller_evidence=(
            _l("Statement: we have not found the parcel in our warehouse yet."),
            _l("Statement: refunds are paid only after our staff have checked the item."),
        ),
        question=_l("Should the seller refund the buyer?"),
        correct=GRANT,
    ),
)

_BY_KEY = {case.key: case for case in PRACTICE_CASES}


def practice_case(key: str) -> PracticeCase | None:
    return _BY_KEY.get(key)
