"""What reviewers read of a case: every text with the parties' personal details replaced
(design: Crowd review, "What a reviewer sees").

``Redactor(case)`` knows the case's people and order; ``redact(text)`` normalises the text
(``normalise``: full-width forms, Chinese numerals, every dash, dot and space), finds in it
what the platform knows of the parties (``terms``: names, shop names and their parts,
e-mail local parts, own web domains, accounts, the order and tracking numbers) and every
detail shaped like one (``patterns``: e-mail and web addresses, phones, accounts, order and
tracking numbers, addresses, postcodes), and replaces the words of the original text those
were found in. Everything else reaches the reviewer as the party wrote it.

It errs towards removing too much: a reviewer can judge without a house number, never with
the buyer's phone. Pixels inside photos and PDFs are not read (the mediator releases files
to reviewers); file names are replaced by ``Photo 1``, ``PDF 2``.
"""

from flask_babel import gettext as _

from app.cases.models import Case, EvidenceEntry, EvidenceKind
from app.jury.redaction.normalise import normalise
from app.jury.redaction.patterns import PARSED_PHONE_RANK, SHAPES, Found, shape_spans
from app.jury.redaction.terms import number_terms, party_terms, term_pattern

__all__ = ["Redactor", "file_label"]

# Where finds overlap, the surest names what was removed: the case's own order and tracking
# numbers rank with the shapes of order numbers, before any number's shape; a party's name
# ranks last, since a name inside an e-mail address or a handle is removed with it
KNOWN_NUMBER_RANK = next(rank for rank, (kind, *_rest) in enumerate(SHAPES) if kind == "order")
KNOWN_PARTY_RANK = PARSED_PHONE_RANK + 1


def _placeholders() -> dict[str, str]:
    return {
        "buyer": _("[buyer]"),
        "seller": _("[seller]"),
        "mediator": _("[mediator]"),
        "email": _("[e-mail removed]"),
        "phone": _("[phone removed]"),
        "order": _("[order number removed]"),
        "tracking": _("[tracking number removed]"),
        "address": _("[address removed]"),
        "account": _("[account removed]"),
        "link": _("[web address removed]"),
    }


class Redactor:
    """Replaces the personal details of one case's parties and its mediator, and anything shaped
    like them."""

    def __init__(self, case: Case) -> None:
        order = case.order
        self.placeholders = _placeholders()
        tracking = {order.tracking_number} | {
            entry.text.split()[-1]
            for entry in case.evidence
            if entry.kind == EvidenceKind.TRACKING_NUMBER and entry.text and entry.text.split()
        }
        known = (
            ("order", KNOWN_NUMBER_RANK, term_pattern(number_terms([order.marketplace_order_id]))),
            ("tracking", KNOWN_NUMBER_RANK, term_pattern(number_terms(tracking))),
            ("buyer", KNOWN_PARTY_RANK, term_pattern(party_terms(case.buyer))),
            ("seller", KNOWN_PARTY_RANK, term_pattern(party_terms(case.seller))),
        )
        # the mediator writes in the thread and the panel's brief, and may sign with a name
        mediator = getattr(case, "mediator", None)
        if mediator is not None:
            known += (("mediator", KNOWN_PARTY_RANK, term_pattern(party_terms(mediator))),)
        self.known = [(kind, rank, pattern) for kind, rank, pattern in known if pattern]

    def redact(self, text: str | None) -> str:
        if not text:
            return text or ""
        normalised = normalise(text)
        found = list(shape_spans(normalised.text))
        for kind, rank, pattern in self.known:
            found += [
                Found(match.start(), match.end(), kind, rank)
                for match in pattern.finditer(normalised.text)
                if match.end() > match.start()
            ]
        spans = sorted((*normalised.original_span(f.start, f.end), f.rank, f.kind) for f in found)
        return self._replace(text, spans)

    def _replace(self, text: str, spans: list[tuple[int, int, int, str]]) -> str:
        """``text`` with each run of overlapping spans (or touching ones of one kind)
        replaced by the placeholder of the surest find in it."""
        pieces, written = [], 0
        merged: list[list] = []
        for start, end, rank, kind in spans:
            last = merged[-1] if merged else None
            if last and (start < last[1] or (start == last[1] and kind == last[3])):
                last[1] = max(last[1], end)
                if rank < last[2]:
                    last[2:] = [rank, kind]
            else:
                merged.append([start, end, rank, kind])
        for start, end, _rank, kind in merged:
            pieces += [text[written:start], self.placeholders[kind]]
            written = end
        pieces.append(text[written:])
        return "".join(pieces)

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
