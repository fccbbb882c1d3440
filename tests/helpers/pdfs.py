"""PDFs written by hand for the page images reviewers see: an ordinary document with text, a
link and metadata, and hostile ones that pass the upload checks but would make a renderer
work without end (a page count bomb, a page of absurd size) or cannot be drawn at all."""

SECRET_TITLE = "Invoice of Zhang Weiwei"
SECRET_TEXT = "Call Zhang Weiwei on 13812345678"
SECRET_LINK = "https://zhang-weiwei.example/orders/TB20241101889977"


def pdf_of(objects: list[bytes], trailer_extra: bytes = b"", after_header: bytes = b"") -> bytes:
    """Objects 1, 2, … as given (1 must be the catalog), with a correct cross-reference
    table; ``after_header`` goes right after the ``%PDF-1.7`` line."""
    out = bytearray(b"%PDF-1.7\n" + after_header + b"%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\n" % (len(objects) + 1, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def document(pages: int = 3, size: tuple[float, float] = (595, 842)) -> bytes:
    """``pages`` pages of black text on white, each with a web link, and a title in the
    document's information dictionary."""
    width, height = size
    page_numbers = [5 + 2 * n for n in range(pages)]
    kids = b" ".join(b"%d 0 R" % number for number in page_numbers)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (" + SECRET_TITLE.encode() + b") /Author (Zhang Weiwei) >>",
    ]
    for number in range(pages):
        text = b"BT /F1 36 Tf 60 %d Td (%s - page %d) Tj ET" % (
            int(height) - 120,
            SECRET_TEXT.encode(),
            number + 1,
        )
        link = b"<< /Type /Annot /Subtype /Link /Rect [60 60 300 100] /A << /S /URI /URI (%s) >> >>"
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] " % (width, height)
            + b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R " % (6 + 2 * number)
            + b"/Annots ["
            + link % SECRET_LINK.encode()
            + b"] >>"
        )
        objects.append(_stream(text))
    return pdf_of(objects, trailer_extra=b"/Info 4 0 R")


def page_count_bomb(branches: int = 100, leaves: int = 100) -> bytes:
    """``branches`` × ``leaves`` pages in a small file: every leaf is the same page."""
    kids = b" ".join(b"%d 0 R" % (4 + n) for n in range(branches))
    leaf_kids = b" ".join([b"3 0 R"] * leaves)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % (branches * leaves),
        b"<< /Type /Page /Parent 4 0 R /MediaBox [0 0 595 842] >>",
    ] + [b"<< /Type /Pages /Parent 2 0 R /Kids [%s] /Count %d >>" % (leaf_kids, leaves)] * branches
    return pdf_of(objects)


def page_of_size(width: float, height: float) -> bytes:
    """One page whose media box is ``width`` × ``height`` points."""
    return pdf_of(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] >>" % (width, height),
        ]
    )
