"""Videos lose their metadata at upload, for everyone: the stored file, the one the other
party downloads, and the one reviewers play are copies of the streams without a title, a
comment, a GPS location, a creation time or an encoder's signature, and they still play
(design: Evidence timelines)."""

import hashlib
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import av
import pytest
from PIL import Image

from app.cases.files import EvidenceRejected, evidence_path
from app.cases.files.uploads import store_evidence_file
from tests.helpers import hostile, videos
from tests.helpers.case_factories import make_case
from tests.helpers.pages import as_user, login, reload

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def evidence_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))
    return tmp_path


def store(data: bytes, filename: str = "clip.mp4"):
    return store_evidence_file(io.BytesIO(data), filename, 7)


def assert_without_metadata(data: bytes) -> None:
    left = [marker for marker in videos.METADATA_MARKERS if marker in data]
    assert left == [], f"{left} left in the video"
    container, stream = videos.metadata_of(data)
    for key in ("title", "comment", "location", "creation_time", "LOCATION", "COMMENT"):
        assert key not in container and key not in stream, key


@pytest.mark.parametrize("container", ["mp4", "webm"])
def test_the_stored_video_has_no_title_location_or_comment_and_still_plays(app, container):
    original = videos.video(container)
    container_metadata, _ = videos.metadata_of(original)
    assert container_metadata["title"] == videos.TITLE  # the phone's metadata is there
    assert any(key.lower() == "location" for key in container_metadata)

    with app.test_request_context(method="POST"):
        stored = store(original, f"clip.{container}")

    kept = evidence_path(stored.stored_name).read_bytes()
    assert kept != original
    assert_without_metadata(kept)
    assert videos.decoded_frames(kept) == videos.FRAMES
    assert stored.sha256 == hashlib.sha256(kept).hexdigest()  # the chain holds what is kept


def test_an_mp4_loses_the_encoders_signature_and_the_muxers_name(app):
    original = videos.video("mp4")
    assert b"x264" in original and b"Lavf" in original

    with app.test_request_context(method="POST"):
        kept = evidence_path(store(original).stored_name).read_bytes()

    assert b"x264" not in kept  # the SEI message H.264 encoders sign
    [(_, offset, size)] = [box for box in videos.top_level_boxes(kept) if box[0] == b"moov"]
    movie = kept[offset : offset + size]
    for atom in (b"\xa9nam", b"\xa9cmt", b"\xa9xyz", b"\xa9too", b"\xa9day", b"Lavf"):
        assert atom not in movie, atom


def test_an_mp4_is_stored_with_its_movie_box_first_so_it_plays_while_it_loads(app):
    original = videos.video("mp4")
    assert [box[0] for box in videos.top_level_boxes(original)][-1] == b"moov"

    with app.test_request_context(method="POST"):
        kept = evidence_path(store(original).stored_name).read_bytes()

    kinds = [box[0] for box in videos.top_level_boxes(kept)]
    assert kinds.index(b"moov") < kinds.index(b"mdat")


@pytest.mark.parametrize("container", ["mp4", "webm"])
def test_the_sound_is_kept(app, container):
    with app.test_request_context(method="POST"):
        stored = store(videos.video(container, audio=True), f"clip.{container}")

    with av.open(str(evidence_path(stored.stored_name))) as kept:
        assert sorted(stream.type for stream in kept.streams) == ["audio", "video"]
        assert sum(1 for _ in kept.decode(audio=0)) > 0


def test_a_video_shot_upright_keeps_its_rotation_and_its_poster_stands_upright(app):
    with app.test_request_context(method="POST"):
        stored = store(videos.video("mp4", rotation=-90))

    with av.open(str(evidence_path(stored.stored_name))) as kept:
        assert next(kept.decode(video=0)).rotation == -90  # players still turn it
    with Image.open(evidence_path(stored.thumbnail_name)) as poster:
        assert poster.format == "JPEG"
        assert poster.size == (videos.HEIGHT, videos.WIDTH)  # portrait
        red = poster.getpixel((poster.width - 3, 2))  # the red corner turned clockwise
        assert red[0] > 150 and red[2] < 100


def test_the_poster_is_the_first_frame_and_small(app, monkeypatch):
    monkeypatch.setitem(app.config, "VIDEO_POSTER_MAX_SIDE", 32)
    with app.test_request_context(method="POST"):
        stored = store(videos.video("webm"), "clip.webm")

    with Image.open(evidence_path(stored.thumbnail_name)) as poster:
        assert poster.size == (32, 24)
        first = videos.frame_image(0).resize((32, 24))
        assert poster.getpixel((2, 2))[0] == pytest.approx(first.getpixel((2, 2))[0], abs=24)


def test_a_video_wider_than_the_pixel_limit_is_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMAGE_MAX_PIXELS", videos.WIDTH * videos.HEIGHT - 1)

    with app.test_request_context(method="POST"), pytest.raises(EvidenceRejected) as refused:
        store(videos.video("mp4"))

    assert "This video cannot be read" in str(refused.value)


def test_what_the_other_party_downloads_is_the_stripped_video(client):
    case = make_case("evidence")
    login(client, case.seller)
    data = {"kind": "video", "file": (io.BytesIO(videos.video("mp4")), "packing.mp4")}
    assert client.post(f"/cases/{case.id}/evidence", data=data).status_code == 302
    entry = reload(case).evidence[-1]
    as_user(client, case.buyer)

    response = client.get(f"/cases/{case.id}/evidence/{entry.id}/file")

    assert response.status_code == 200 and response.mimetype == "video/mp4"
    assert_without_metadata(response.data)
    assert hashlib.sha256(response.data).hexdigest() == entry.content_sha256
    assert videos.decoded_frames(response.data) == videos.FRAMES


def test_the_structural_checks_come_first(app):
    with app.test_request_context(method="POST"), pytest.raises(EvidenceRejected) as refused:
        store(hostile.mp4_with_trailing_garbage())

    assert "incomplete or damaged" in str(refused.value)


MEMORY_PROBE = textwrap.dedent(
    """
    import io, json, resource, sys
    from pathlib import Path
    import av
    from PIL import Image
    from app import create_app
    from app.cases.files.uploads import store_evidence_file

    folder = Path(sys.argv[1])
    source = folder / "big.mp4"
    noise = Image.frombytes("RGB", (1280, 720), open("/dev/urandom", "rb").read(1280 * 720 * 3))
    with av.open(str(source), "w", format="mp4") as out:
        stream = out.add_stream("mjpeg", rate=25)
        stream.width, stream.height, stream.pix_fmt = 1280, 720, "yuvj420p"
        stream.options = {"qscale": "1"}
        frame, written = av.VideoFrame.from_image(noise), 0
        while written < int(sys.argv[2]):
            packets = stream.encode(frame)
            written += sum(packet.size for packet in packets)
            out.mux(packets)
        out.mux(stream.encode())
    app = create_app({"CONFIG_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "EVIDENCE_DIR": str(folder / "evidence")})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with app.test_request_context(method="POST"), source.open("rb") as upload:
        stored = store_evidence_file(upload, "big.mp4", 1)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"size": stored.size_bytes, "growth_kib": after - before}))
    """
)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux")
def test_a_large_video_is_remuxed_without_being_held_in_memory(tmp_path):
    """In a process of its own, so the peak memory measured is this upload's alone."""
    size = 60 * 1024 * 1024
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(tmp_path), str(size)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert measured["size"] > size
    assert measured["growth_kib"] * 1024 < size / 3  # far less than the file
