"""Draw the first pages of a PDF as PNG images, in a process of its own.

Run by ``pdf_pages`` as a script (``python -I pdf_render.py PDF FOLDER PAGES WIDTH PIXELS
MEMORY SECONDS``); it imports nothing of the application. PDFium is C++ working on bytes a
party uploaded: here a crash, a hang or a blow-up of memory ends this process only, under a
memory and a CPU-time limit of its own, while the web worker waits with a timeout.

Each page is drawn ``WIDTH`` pixels wide, or smaller if that would take more than ``PIXELS``
pixels (a page of absurd size), without forms (scripts are not even compiled into PDFium's
build). ``FOLDER/manifest.json`` is written last: the document's page count and the size of
each page drawn. Any failure is an exit status other than 0.
"""

import json
import math
import resource
import sys
from pathlib import Path


def main(arguments: list[str]) -> None:
    pdf, folder = Path(arguments[0]), Path(arguments[1])
    pages_shown, width, max_pixels, memory, seconds = (int(value) for value in arguments[2:7])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))

    import pypdfium2  # after the limits: loading it is already work on the document's behalf

    document = pypdfium2.PdfDocument(pdf)
    total = len(document)
    if total < 1:
        raise ValueError("a document without pages")
    sizes = []
    for index in range(min(total, pages_shown)):
        page = document[index]
        page_width, page_height = page.get_size()
        if page_width <= 0 or page_height <= 0:
            raise ValueError("a page without an area")
        scale = _scale(page_width, page_height, width, max_pixels)
        image = page.render(scale=scale, may_draw_forms=False).to_pil()
        image.save(folder / f"page-{index + 1}.png", "PNG")
        sizes.append(image.size)
        page.close()
    document.close()
    (folder / "manifest.json").write_text(json.dumps({"total": total, "sizes": sizes}))


def _scale(page_width: float, page_height: float, width: int, max_pixels: int) -> float:
    """``width`` pixels across, or less where that would pass ``max_pixels`` (PDFium rounds
    each side up, so the sides are checked as it will draw them)."""
    scale = min(width / page_width, math.sqrt(max_pixels / (page_width * page_height)))
    while (
        math.ceil(page_width * scale) > width
        or math.ceil(page_width * scale) * math.ceil(page_height * scale) > max_pixels
    ):
        scale *= 0.999
    return scale


if __name__ == "__main__":
    main(sys.argv[1:])
