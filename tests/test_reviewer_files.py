"""What a reviewer sees of the evidence files, from their seat: photos until the mediator
withholds them; PDFs and videos once released, a PDF as its pages drawn as images (never the
PDF), a video without its metadata behind its poster; each route scoped to the reviewer's own
seat, the entry's case and the release (design: Crowd review, "What a reviewer sees")."""

import io
import re
from types import SimpleNamespace

import pytest
from PIL import Image

from app.auth.models import Role
from app.cases.evidence import NewEvidence, add_evidence
from app.cases.files import pdf_pages, remuxing
from app.cases.models import EvidenceKind
from app.cases.releases import decide_release
from tests.helpers import pdfs, videos
from tests.helpers.case_factories import add_photo
from tests.helpers.factories import make_case_row, make_user
from tests.helpers.pages import as_user, login, page
from tests.helpers.panel_rows import make_panel, seat_for

NOT_RELEASED = "The mediator has not released this file to reviewers."
NOT_SHOWN = "This document could not be shown."
PDF_NAME = "Zhang_Weiwei_invoice_13812345678.pdf"
VIDEO_NAME = "Zhang_Weiwei_unboxing.mp4"


@pytest.fixture
def seat(app, tmp_path, monkeypatch):
    """A reviewer's seat on a panel of a case with a mediator; files land in ``folder``."""
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))
    case = make_case_row(state="panel", mediator=make_user(roles=(Role.MEDIATOR,)))
    panel = make_panel(case)
    reviewer = make_user(name="Reviewer Rosa")
    seat = seat_for(panel, reviewer)
    return SimpleNamespace(
        case=case,
        panel=panel,
        seat=seat,
        reviewer=reviewer,
        folder=tmp_path,
        page=f"/review/seats/{seat.id}",
    )


def file_url(world, entry, path: str) -> str:
    return f"/review/seats/{world.seat.id}/evidence/{entry.id}/{path}"


def add_pdf(case, data: bytes = b"", name: str = PDF_NAME):
    upload = io.BytesIO(data or pdfs.document())
    return add_evidence(
        case, case.seller, NewEvidence(EvidenceKind.PDF, upload=upload, filename=name)
    )


def add_video(case, container: str = "mp4"):
    upload = io.BytesIO(videos.video(container))
    name = VIDEO_NAME.replace(".mp4", f".{container}")
    return add_evidence(
        case, case.seller, NewEvidence(EvidenceKind.VIDEO, upload=upload, filename=name)
    )


def released(world, entry):
    decide_release(entry, world.case.mediator, True)
    return entry


def page_images(html: str, world, entry) -> list[str]:
    return re.findall(rf'<img src="({re.escape(file_url(world, entry, "pages/"))}\d+)"', html)


def assert_generic(response, name: str) -> None:
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline") and f"filename={name}" in disposition.replace('"', "")
    assert "Zhang" not in str(response.headers)
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# Before the mediator has looked


def test_documents_and_videos_wait_for_the_mediator_photos_do_not(client, seat):
    photo, pdf, clip = (
        add_photo(seat.case, seat.case.buyer),
        add_pdf(seat.case),
        add_video(seat.case),
    )
    login(client, seat.reviewer)

    html = page(client, seat.page)

    assert html.count(NOT_RELEASED) == 2
    assert file_url(seat, photo, "thumbnail") in html
    assert "<video" not in html and "/pages/" not in html
    for entry, path in ((pdf, "pages/1"), (clip, "video"), (clip, "poster")):
        page(client, file_url(seat, entry, path), 404)
    assert not (seat.folder / pdf_pages.pages_folder_name(pdf.stored_name)).exists()  # not drawn


def test_a_withheld_photo_is_neither_shown_nor_served(client, seat):
    photo = add_photo(seat.case, seat.case.buyer)
    decide_release(photo, seat.case.mediator, False)
    login(client, seat.reviewer)

    html = page(client, seat.page)

    assert NOT_RELEASED in html and file_url(seat, photo, "thumbnail") not in html
    page(client, file_url(seat, photo, "thumbnail"), 404)


# A released PDF: its pages as images


def test_a_released_pdf_is_shown_as_its_pages_drawn_as_images(app, client, seat):
    pdf = released(seat, add_pdf(seat.case))
    login(client, seat.reviewer)

    html = page(client, seat.page)

    images = page_images(html, seat, pdf)
    assert images == [file_url(seat, pdf, f"pages/{n}") for n in (1, 2, 3)]
    assert html.count('loading="lazy"') >= 3 and "Page 2 of 3" in html
    assert f'href="{images[0]}"' in html  # each links to its full size
    assert "Zhang" not in html and PDF_NAME not in html and "/file" not in html

    response = client.get(images[1])
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert_generic(response, f"document-{pdf.id}-page-2.png")
    with Image.open(io.BytesIO(response.data)) as image:
        assert image.format == "PNG"
        assert image.width == app.config["PDF_PAGE_WIDTH"]
        assert image.height == pytest.approx(app.config["PDF_PAGE_WIDTH"] * 842 / 595, abs=2)
        assert image.convert("L").getextrema()[0] < 80  # the text is drawn
    for trace in (b"%PDF", b"/URI", b"zhang-weiwei.example", pdfs.SECRET_TITLE.encode()):
        assert trace not in response.data
    page(client, file_url(seat, pdf, "pages/4"), 404)
    page(client, file_url(seat, pdf, "pages/0"), 404)


def test_the_pages_are_drawn_once_and_kept_beside_the_pdf(client, seat, monkeypatch):
    pdf = released(seat, add_pdf(seat.case))
    login(client, seat.reviewer)
    page(client, seat.page)
    folder = seat.folder / pdf_pages.pages_folder_name(pdf.stored_name)
    assert sorted(path.name for path in folder.iterdir()) == [
        "manifest.json",
        "page-1.png",
        "page-2.png",
        "page-3.png",
    ]
    assert list((seat.folder / "tmp").iterdir()) == []

    def no_second_drawing(*_args, **_kwargs):
        raise AssertionError("drawn again")

    monkeypatch.setattr(pdf_pages.subprocess, "run", no_second_drawing)
    assert len(page_images(page(client, seat.page), seat, pdf)) == 3
    assert client.get(file_url(seat, pdf, "pages/3")).status_code == 200


# A released video: stripped, behind its poster


@pytest.mark.parametrize("container", ["mp4", "webm"])
def test_a_released_video_plays_without_its_metadata_behind_its_poster(client, seat, container):
    clip = released(seat, add_video(seat.case, container))
    login(client, seat.reviewer)

    html = page(client, seat.page)

    video_url, poster_url = file_url(seat, clip, "video"), file_url(seat, clip, "poster")
    assert f'<video controls preload="none" poster="{poster_url}" src="{video_url}"' in html
    assert "Zhang" not in html
    response = client.get(video_url)
    assert response.status_code == 200 and response.mimetype == f"video/{container}"
    assert_generic(response, f"video-{clip.id}.{container}")
    assert [marker for marker in videos.METADATA_MARKERS if marker in response.data] == []
    assert videos.decoded_frames(response.data) == videos.FRAMES
    poster = client.get(poster_url)
    assert poster.mimetype == "image/jpeg" and poster.data.startswith(b"\xff\xd8\xff")
    assert_generic(poster, f"video-{clip.id}-poster.jpg")


def test_the_video_answers_range_requests(client, seat):
    clip = released(seat, add_video(seat.case))
    login(client, seat.reviewer)
    whole = client.get(file_url(seat, clip, "video")).data

    part = client.get(file_url(seat, clip, "video"), headers={"Range": "bytes=100-299"})

    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-299/{len(whole)}"
    assert part.data == whole[100:300]
    assert client.get(file_url(seat, clip, "video")).headers["Accept-Ranges"] == "bytes"


def test_a_video_stored_before_metadata_was_removed_is_not_played(client, seat, monkeypatch):
    # as videos were stored then: the original bytes, and no poster
    monkeypatch.setattr(remuxing, "remux_video", lambda upload, _format, _scratch: (upload, None))
    clip = released(seat, add_video(seat.case))
    login(client, seat.reviewer)

    html = page(client, seat.page)

    assert "<video" not in html and "This file could not be shown." in html
    page(client, file_url(seat, clip, "video"), 404)


# Every file route is scoped to the seat, the case and the release


def test_each_file_route_answers_only_the_seats_reviewer_for_its_case(client, seat):
    photo = add_photo(seat.case, seat.case.buyer)
    pdf, clip = released(seat, add_pdf(seat.case)), released(seat, add_video(seat.case))
    urls = [
        file_url(seat, photo, "thumbnail"),
        file_url(seat, pdf, "pages/1"),
        file_url(seat, clip, "video"),
        file_url(seat, clip, "poster"),
    ]
    login(client, seat.reviewer)
    assert [client.get(url).status_code for url in urls] == [200] * 4

    colleague = make_user()
    seat_for(seat.panel, colleague)  # a seat on the same panel, but not this one
    for someone in (colleague, seat.case.buyer, seat.case.seller, seat.case.mediator):
        as_user(client, someone)
        assert [client.get(url).status_code for url in urls] == [404] * 4, someone

    # an entry of another case, released there, is not reachable through this seat
    other = make_case_row(state="panel", mediator=seat.case.mediator)
    elsewhere = released(SimpleNamespace(case=other), add_pdf(other))
    as_user(client, seat.reviewer)
    page(client, file_url(seat, elsewhere, "pages/1"), 404)
    # nor a file through a route of another kind
    page(client, file_url(seat, pdf, "video"), 404)
    page(client, file_url(seat, clip, "pages/1"), 404)
    page(client, file_url(seat, photo, "pages/1"), 404)


def test_withholding_reaches_an_open_panel_at_once(client, seat):
    pdf = released(seat, add_pdf(seat.case))
    login(client, seat.reviewer)
    assert len(page_images(page(client, seat.page), seat, pdf)) == 3

    decide_release(pdf, seat.case.mediator, False)

    html = page(client, seat.page)
    assert NOT_RELEASED in html and page_images(html, seat, pdf) == []
    page(client, file_url(seat, pdf, "pages/1"), 404)  # though its images are kept on disk


# Hostile PDFs: every one passes the upload checks; none costs more than its limits


def test_a_page_count_bomb_shows_its_first_pages_and_says_how_many_there_are(app, client, seat):
    pdf = released(seat, add_pdf(seat.case, pdfs.page_count_bomb(100, 100)))
    login(client, seat.reviewer)

    html = page(client, seat.page)

    shown = app.config["PDF_PAGES_SHOWN"]
    assert len(page_images(html, seat, pdf)) == shown
    assert f"Page {shown} of 10000" in html
    assert f"Only the first {shown} of the 10000 pages are shown to reviewers." in html
    folder = seat.folder / pdf_pages.pages_folder_name(pdf.stored_name)
    assert len(list(folder.glob("page-*.png"))) == shown
    page(client, file_url(seat, pdf, f"pages/{shown + 1}"), 404)


@pytest.mark.parametrize(
    ("size", "expected"),
    [((14400, 14400), (1100, 1100)), ((1, 14400), None), ((595, 100_000), None)],
    ids=["200-inch-square", "a-thread", "a-scroll"],
)
def test_a_page_of_absurd_size_is_drawn_within_the_pixel_limit(app, client, seat, size, expected):
    pdf = released(seat, add_pdf(seat.case, pdfs.page_of_size(*size)))
    login(client, seat.reviewer)
    page(client, seat.page)

    response = client.get(file_url(seat, pdf, "pages/1"))

    assert response.status_code == 200
    with Image.open(io.BytesIO(response.data)) as image:
        if expected:
            assert image.size == expected
        assert image.width * image.height <= app.config["PDF_PAGE_MAX_PIXELS"]
        assert image.width <= app.config["PDF_PAGE_WIDTH"]


def test_a_pdf_that_passes_the_upload_checks_but_cannot_be_drawn_says_so(client, seat, monkeypatch):
    broken = pdfs.page_of_size(595, 842).replace(b"/Root 1 0 R", b"")  # pypdf finds the root
    pdf = released(seat, add_pdf(seat.case, broken))
    login(client, seat.reviewer)

    response = client.get(seat.page)

    assert response.status_code == 200
    assert NOT_SHOWN in response.get_data(as_text=True)
    page(client, file_url(seat, pdf, "pages/1"), 404)
    monkeypatch.setattr(pdf_pages.subprocess, "run", lambda *_a, **_k: pytest.fail("tried again"))
    assert NOT_SHOWN in page(client, seat.page)  # the failure is remembered


@pytest.mark.parametrize(
    ("setting", "value"),
    [("PDF_RENDER_TIMEOUT_SECONDS", 0.01), ("PDF_RENDER_MAX_MEMORY_MB", 16)],
    ids=["out-of-time", "out-of-memory"],
)
def test_drawing_that_runs_past_its_limits_is_stopped_and_says_so(
    app, client, seat, monkeypatch, setting, value
):
    monkeypatch.setitem(app.config, setting, value)
    pdf = released(seat, add_pdf(seat.case))
    login(client, seat.reviewer)

    html = page(client, seat.page)

    assert NOT_SHOWN in html and page_images(html, seat, pdf) == []
    assert list((seat.folder / "tmp").iterdir()) == []  # nothing half-drawn left behind


def test_the_pdf_itself_never_reaches_a_reviewer(client, seat):
    pdf = released(seat, add_pdf(seat.case))
    login(client, seat.reviewer)
    urls = re.findall(r'(?:src|href)="([^"]+)"', page(client, seat.page))

    served = [client.get(url) for url in urls if "/evidence/" in url]

    assert served and all(r.mimetype == "image/png" for r in served)
    assert all(b"%PDF" not in r.data for r in served)
    page(client, f"/cases/{seat.case.id}/evidence/{pdf.id}/file", 404)
