"""What reviewers read of a case: every text with the parties' personal details replaced
(design: Crowd review, "What a reviewer sees").

``Redactor(case)`` knows the case's people and order; ``redact(text)`` replaces, in order:
e-mail addresses, the order's number and tracking numbers, street addresses, phone numbers,
other long ids that look like tracking numbers, and last the parties' names and shop names.
It errs towards removing too much: a reviewer can judge without a house number, never with
the buyer's phone. Pixels inside photos are not touched (an accepted risk); file names are
replaced by ``Photo 1``, ``PDF 2``.
"""

import re
from collections.abc import Iterable

from flask_babel import gettext as _

from app.cases.models import Case, EvidenceEntry, EvidenceKind

EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
CN_STREET = re.compile(
    r"[\u4e00-\u9fff]{0,12}?[\u4e00-\u9fff](?:路|街|道|巷|弄)\s*\d+(?:\s*[-－]\s*\d+)?\s*[号號]?"
    r"(?:\s*\d+\s*(?:栋|幢|楼|单元|室|号))*"
    r"|\d+\s*[号號](?:\s*\d+\s*(?:栋|幢|楼|单元|室))*"
)
STREET_WORDS = r"(?i:road|street|avenue|rd|st|ave|lane|ln|blvd|boulevard|drive|dr)"
STREET_NAME = r"(?:[A-Z][\w'-]*\s+){1,3}"  # capitalised words: "Baker", "Old Kent"
EN_STREET = re.compile(
    rf"(?<![A-Za-z0-9])\d+[A-Za-z]?,?\s+{STREET_NAME}{STREET_WORDS}\b\.?"
    rf"|(?<![A-Za-z0-9]){STREET_NAME}{STREET_WORDS}\.?,?\s+(?i:no\.?\s*)?\d+\b"
)
CN_MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
INTERNATIONAL_PHONE = re.compile(r"\+\d{1,3}[\s-]?\(?\d[\d\s()-]{5,}\d")
# tracking-like: 10+ letters, digits or dashes with at least one digit
LONG_ID = re.compile(r"(?<![A-Za-z0-9-])(?=[A-Za-z-]*\d)[A-Za-z0-9][A-Za-z0-9-]{8,}[A-Za-z0-9]")
DIGIT_GROUPS = re.compile(r"(?<![\w.])\d[\d \-]{5,}\d(?![\w.])")
DATE_LIKE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{4}")
CJK = re.compile(r"[\u3400-\u9fff]")


def _placeholders() -> dict[str, str]:
    return {
        "buyer": _("[buyer]"),
        "seller": _("[seller]"),
        "email": _("[e-mail removed]"),
        "phone": _("[phone removed]"),
        "order": _("[order number removed]"),
        "tracking": _("[tracking number removed]"),
        "address": _("[address removed]"),
    }


def _shop_terms(shop: str | None) -> set[str]:
    """A shop's name and each of its scripts' runs ("Green Leaf Tea House", "绿叶茶社"), but
    not its single words: those are everyday words ("tea", "house") a reviewer needs."""
    shop = (shop or "").strip()
    if not shop:
        return set()
    runs = re.findall(r"[\u4e00-\u9fff]+|[^\u4e00-\u9fff]+", shop)
    return {shop} | {run.strip() for run in runs if len(run.strip()) > 1}


def _name_terms(values: Iterable[str | None]) -> set[str]:
    """A name, each of its parts longer than one character, and a Chinese given name."""
    terms: set[str] = set()
    for value in values:
        value = (value or "").strip()
        if not value:
            continue
        terms.add(value)
        for part in value.split():
            part = part.strip(".,;:()\"'")
            if len(part) > 1:
                terms.add(part)
                if part.endswith("'s") and len(part) > 3:
                    terms.add(part[:-2])
            if len(part) >= 3 and all(CJK.match(char) for char in part):
                terms.add(part[1:])  # the given name without the surname
    return terms


def _term_pattern(terms: Iterable[str]) -> re.Pattern | None:
    """Longest first; Latin terms only as whole words, CJK ones anywhere."""
    alternatives = []
    for term in sorted(set(terms), key=len, reverse=True):
        escaped = re.escape(term)
        if not CJK.search(term):
            escaped = rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])"
        alternatives.append(escaped)
    if not alternatives:
        return None
    return re.compile("|".join(alternatives), re.IGNORECASE)


class Redactor:
    """Replaces the personal details of one case's parties, and anything shaped like them."""

    def __init__(self, case: Case) -> None:
        order = case.order
        self.placeholders = _placeholders()
        buyer, seller = case.buyer, case.seller
        self.names: list[tuple[str, re.Pattern]] = []
        for key, user in (("buyer", buyer), ("seller", seller)):
            local_part = (user.email or "").split("@")[0]
            terms = _name_terms([user.display_name]) | _shop_terms(user.shop_name)
            if len(local_part) >= 3:
                terms.add(local_part)
            pattern = _term_pattern(terms)
            if pattern is not None:
                self.names.append((key, pattern))
        self.order_numbers = _term_pattern([order.marketplace_order_id])
        tracking = {order.tracking_number} if order.tracking_number else set()
        tracking |= {
            entry.text.split()[-1]
            for entry in case.evidence
            if entry.kind == EvidenceKind.TRACKING_NUMBER and entry.text and entry.text.split()
        }
        self.tracking_numbers = _term_pattern(tracking)

    def redact(self, text: str | None) -> str:
        if not text:
            return text or ""
        marks = self.placeholders
        text = EMAIL.sub(marks["email"], text)
        if self.order_numbers is not None:
            text = self.order_numbers.sub(marks["order"], text)
        if self.tracking_numbers is not None:
            text = self.tracking_numbers.sub(marks["tracking"], text)
        text = CN_STREET.sub(marks["address"], text)
        text = EN_STREET.sub(marks["address"], text)
        text = CN_MOBILE.sub(marks["phone"], text)
        text = INTERNATIONAL_PHONE.sub(marks["phone"], text)
        text = LONG_ID.sub(self._tracking_like, text)
        text = DIGIT_GROUPS.sub(lambda m: self._unless_date(m.group(0), "phone"), text)
        for key, pattern in self.names:
            text = pattern.sub(marks[key], text)
        return text

    def _tracking_like(self, match: re.Match) -> str:
        found = match.group(0)
        if "-" in found and not any(char.isalpha() for char in found):
            return found  # digit groups such as 021-6234-5678: the phone pass decides
        return self._unless_date(found, "tracking")

    def _unless_date(self, found: str, key: str) -> str:
        """Dates (2024-11-03) and short numbers stay; other long numbers go."""
        digits = sum(char.isdigit() for char in found)
        if digits < 7 or DATE_LIKE.fullmatch(found.strip()):
            return found
        return self.placeholders[key]

    def carrier(self, entry: EvidenceEntry) -> str:
        """A tracking-number entry's carrier (its words before the number), redacted."""
        words = (entry.text or "").split()
        return self.redact(" ".join(words[:-1]))


def file_label(kind: str, number: int) -> str:
    """``Photo 1``, ``PDF 2``: what a reviewer sees instead of the uploader's file name."""
    labels = {
        EvidenceKind.IMAGE: _("Photo %(number)d", number=number),
        EvidenceKind.PDF: _("PDF %(number)d", number=number),
        EvidenceKind.VIDEO: _("Video %(number)d", number=number),
    }
    return labels.get(EvidenceKind(kind), _("File %(number)d", number=number))
