"""Real small videos made with PyAV, carrying what a phone leaves in its videos: a title, a
comment, a GPS location (``©xyz`` in an MP4, a LOCATION tag in a WebM) and, in an H.264
stream, the encoder's own signature."""

import functools
import io
import struct
import tempfile
from pathlib import Path

import av
from PIL import Image

TITLE = "Unboxing at Zhang Weiwei's flat"
COMMENT = "Shot on Zhang Weiwei's phone, call 13812345678"
LOCATION = "+31.2304+121.4737/"  # ISO 6709, as phones write it
CREATED = "2026-05-01T10:00:00.000000Z"
STREAM_TITLE = "Camera of Zhang Weiwei"
# what the metadata would leave in the file's bytes
METADATA_MARKERS = (
    TITLE.encode(),
    COMMENT.encode(),
    LOCATION.encode(),
    STREAM_TITLE.encode(),
    b"\xa9xyz",
    b"Zhang",
    b"13812345678",
)
ENCODER_MARKERS = (b"x264", b"Lavf", b"Lavc")

CODECS = {"mp4": ("libx264", "aac"), "webm": ("libvpx", "libopus")}
WIDTH, HEIGHT = 64, 48
FRAMES = 12
RED, BLUE = (220, 30, 30), (30, 30, 220)


def frame_image(number: int) -> Image.Image:
    """A frame whose top-left quarter is red and the rest blue, brightening as it goes: the
    red corner shows how a poster was turned."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BLUE)
    image.paste(RED, (0, 0, WIDTH // 2, HEIGHT // 2))
    return image.point(lambda value: min(255, value + number))


@functools.cache
def video(
    container: str = "mp4",
    *,
    metadata: bool = True,
    audio: bool = False,
    rotation: int = 0,
    faststart: bool = False,
) -> bytes:
    """A second or so of video in ``container`` ("mp4" or "webm").

    ``rotation`` is the display matrix's angle (counter-clockwise, as FFmpeg reads it: a phone
    held upright records -90). ``faststart`` puts an MP4's movie box before its media data.
    """
    video_codec, audio_codec = CODECS[container]
    options = {"movflags": "+faststart"} if faststart else {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"video.{container}"
        with av.open(str(path), "w", format=container, options=options) as out:
            if metadata:
                out.metadata.update({"title": TITLE, "comment": COMMENT, "location": LOCATION})
                out.metadata["creation_time"] = CREATED
            stream = out.add_stream(video_codec, rate=10)
            stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
            if metadata:
                stream.metadata["title"] = STREAM_TITLE
            if rotation:
                stream.set_display_rotation(rotation)
            sound = out.add_stream(audio_codec, rate=48000) if audio else None
            for number in range(FRAMES):
                frame = av.VideoFrame.from_image(frame_image(number * 8))
                out.mux(stream.encode(frame))
            out.mux(stream.encode())
            if sound is not None:
                _mux_silence(out, sound)
        data = path.read_bytes()
    if container == "mp4" and metadata:
        data = with_location_box(data)
    return data


def _mux_silence(out, sound) -> None:
    samples = sound.codec_context.frame_size or 960
    for number in range(10):
        frame = av.AudioFrame(format="fltp", layout="stereo", samples=samples)
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.sample_rate = 48000
        frame.pts = number * samples
        out.mux(sound.encode(frame))
    out.mux(sound.encode())


def top_level_boxes(data: bytes) -> list[tuple[bytes, int, int]]:
    """An MP4's top-level boxes: (type, offset, size)."""
    boxes, offset = [], 0
    while offset < len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        boxes.append((data[offset + 4 : offset + 8], offset, size))
        offset += size
    return boxes


def with_location_box(data: bytes) -> bytes:
    """The MP4 with a GPS position in ``moov/udta/©xyz``, as an iPhone writes it. FFmpeg's
    MP4 muxer keeps a location only in QuickTime files, so it is added here by hand."""
    kind, offset, size = top_level_boxes(data)[-1]
    assert kind == b"moov", "the movie box must come last to grow it in place"
    location = LOCATION.encode()
    xyz = struct.pack(">I", 12 + len(location)) + b"\xa9xyz"
    xyz += struct.pack(">HH", len(location), 0x15C7) + location  # 0x15c7: English
    udta = struct.pack(">I", 8 + len(xyz)) + b"udta" + xyz
    return data[:offset] + struct.pack(">I", size + len(udta)) + data[offset + 4 :] + udta


def _opened(source: bytes | Path):
    return av.open(io.BytesIO(source) if isinstance(source, bytes) else str(source))


def decoded_frames(source: bytes | Path) -> int:
    """How many video frames PyAV decodes from a file: it plays if there are any."""
    with _opened(source) as container:
        return sum(1 for _ in container.decode(video=0))


def metadata_of(source: bytes | Path) -> tuple[dict, dict]:
    """What FFmpeg reads as the container's and the video stream's metadata."""
    with _opened(source) as container:
        return dict(container.metadata), dict(container.streams.video[0].metadata)
