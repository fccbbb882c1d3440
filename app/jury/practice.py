"""The practice cases a new reviewer answers before sitting on panels (design: Crowd review,
Enrolment).

Each is an anonymised dispute — "Buyer" and "Seller", no names or numbers — with a known
right answer, written in English and Simplified Chinese in ``gold/practice.json`` and loaded
into the gold bank (``app.jury.gold.bank.load_gold_bank``). Keys never change, because
``PracticeAnswer.practice_key`` refers to them.
"""

import json
from dataclasses import dataclass
from importlib import resources

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.jury.gold.models import GoldCase
from app.jury.rules import Side

GRANT = "grant"
REJECT = "reject"
OPTIONS = (GRANT, REJECT)
OPTION_LABELS = {
    GRANT: _l("Grant the buyer's claim"),
    REJECT: _l("Reject the buyer's claim"),
}
OPTION_SIDES = {GRANT: Side.BUYER, REJECT: Side.SELLER}
TEXT_LANGUAGES = ("en", "zh_Hans")


@dataclass(frozen=True)
class PracticeCase:
    """A practice case as one reader sees it: its texts in the reader's language."""

    key: str
    claim: str
    buyer_evidence: tuple[str, ...]
    seller_evidence: tuple[str, ...]
    question: str
    correct: str  # GRANT or REJECT
    options: tuple[str, ...] = OPTIONS


def written_practice_cases() -> list[dict]:
    """The practice cases as written in ``gold/practice.json``, in order."""
    text = resources.files("app.jury.gold").joinpath("practice.json").read_text("utf-8")
    return json.loads(text)


def shown(gold: GoldCase) -> PracticeCase:
    """``gold``, a practice case, in the reader's language (English when it has no other)."""
    locale = get_locale()
    language = "zh_Hans" if locale is not None and locale.language == "zh" else "en"
    texts = gold.texts[language]
    return PracticeCase(
        key=gold.key,
        claim=texts["claim"],
        buyer_evidence=tuple(texts["buyer_evidence"]),
        seller_evidence=tuple(texts["seller_evidence"]),
        question=texts["question"],
        correct=gold.answer,
    )
