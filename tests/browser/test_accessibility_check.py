"""The journeys' accessibility check: axe-core's findings on a page, reused for a page of
the same shape and found afresh for a page of another."""

from tests.helpers import accessibility
from tests.helpers.accessibility import violations_of

PAGE = """<!doctype html><html lang="en"><head><title>Case {number}</title></head>
<body><main><h1>Case {number}</h1><p>{words}</p>{image}</main></body></html>"""


def test_a_violation_is_found_and_a_page_of_the_same_shape_shares_it(browser, monkeypatch):
    monkeypatch.setattr(accessibility, "_FOUND_BY_SHAPE", {})
    runs = []
    page = browser.new_page()
    evaluate = page.evaluate

    def counting(script, *args):
        if script == accessibility.AXE_RUN:
            runs.append(script)
        return evaluate(script, *args)

    page.evaluate = counting
    try:
        page.set_content(PAGE.format(number=1, words="A parcel.", image='<img src="/a.png">'))
        found = violations_of(page)
        assert any(finding.startswith("image-alt (critical)") for finding in found), found

        # other words, another address: the same shape, not checked again
        page.set_content(PAGE.format(number=22, words="Two boxes.", image='<img src="/b.png">'))
        assert violations_of(page) == found
        assert len(runs) == 1

        # the image named: another shape, checked, and clean
        page.set_content(
            PAGE.format(number=1, words="A parcel.", image='<img src="/a.png" alt="A parcel">')
        )
        assert not any(finding.startswith("image-alt") for finding in violations_of(page))
        assert len(runs) == 2

        # an empty heading is another shape too
        page.set_content(PAGE.format(number=1, words="", image='<img src="/a.png" alt="x">'))
        violations_of(page)
        assert len(runs) == 3
    finally:
        page.close()
