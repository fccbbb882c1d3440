"""Believable evidence files for the demo: photos, PDF documents and a short video, drawn
with Pillow (the video encoded with PyAV, imported by the one function that needs it: the
``demo`` commands are registered in every process that builds the app)."""

import io
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

VIDEO_SIZE = (480, 360)
VIDEO_FRAMES_PER_SECOND = 10


def photo(caption: str, seed: int, size: tuple[int, int] = (1200, 900)) -> bytes:
    """A JPEG that looks like a phone photo of a parcel on a table."""
    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    top, bottom = _colour(rng, 150, 220), _colour(rng, 60, 120)
    for y in range(height):  # a table in soft light
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    box = (width // 5, height // 4, width * 4 // 5, height * 4 // 5)
    draw.rectangle(box, fill=(196, 160, 110), outline=(120, 90, 50), width=6)
    draw.line(
        [(box[0], (box[1] + box[3]) // 2), (box[2], (box[1] + box[3]) // 2)],
        fill=(230, 210, 170),
        width=24,
    )
    for _ in range(rng.randint(2, 5)):  # dents and tears
        x, y = rng.randint(box[0], box[2]), rng.randint(box[1], box[3])
        draw.ellipse((x - 30, y - 18, x + 30, y + 18), fill=(150, 115, 70))
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=42)
    draw.rectangle((0, height - 80, width, height), fill=(0, 0, 0))
    draw.text((30, height - 65), caption, font=font, fill=(255, 255, 255))
    return _encode(image, "JPEG", quality=85)


def document_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF, like a scanned receipt or a courier's report."""
    page = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi
    draw = ImageDraw.Draw(page)
    draw.text((100, 110), title, font=ImageFont.load_default(size=56), fill="black")
    draw.line([(100, 200), (1140, 200)], fill="black", width=3)
    body = ImageFont.load_default(size=34)
    for number, line in enumerate(lines):
        draw.text((100, 260 + number * 60), line, font=body, fill=(30, 30, 30))
    return _encode(page, "PDF", resolution=150)


def packing_video(caption: str, seconds: int = 4) -> bytes:
    """A WebM clip of a parcel being taped shut, as a seller films its packing."""
    import av

    out = io.BytesIO()
    with av.open(out, "w", format="webm") as container:
        stream = container.add_stream("libvpx", rate=VIDEO_FRAMES_PER_SECOND)
        stream.width, stream.height = VIDEO_SIZE
        stream.pix_fmt = "yuv420p"
        frames = seconds * VIDEO_FRAMES_PER_SECOND
        for number in range(frames):
            frame = av.VideoFrame.from_image(_packing_frame(caption, number / frames))
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return out.getvalue()


def _packing_frame(caption: str, progress: float) -> Image.Image:
    """A box on a table, its tape pulled across as ``progress`` goes from 0 to 1."""
    width, height = VIDEO_SIZE
    image = Image.new("RGB", VIDEO_SIZE, (120, 90, 60))
    draw = ImageDraw.Draw(image)
    box = (width // 5, height // 4, width * 4 // 5, height * 3 // 4)
    draw.rectangle(box, fill=(196, 160, 110), outline=(120, 90, 50), width=4)
    middle = (box[1] + box[3]) // 2
    tape_end = box[0] + int((box[2] - box[0]) * progress)
    draw.rectangle((box[0], middle - 10, tape_end, middle + 10), fill=(230, 210, 170))
    draw.rectangle((0, height - 40, width, height), fill=(0, 0, 0))
    font = ImageFont.load_default(size=20)
    draw.text((12, height - 32), caption, font=font, fill=(255, 255, 255))
    return image


def _colour(rng: random.Random, low: int, high: int) -> tuple[int, int, int]:
    return tuple(rng.randint(low, high) for _ in range(3))


def _encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()
