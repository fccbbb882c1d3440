"""Believable evidence files for the demo: photos and PDF documents drawn with Pillow."""

import io
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont


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


def _colour(rng: random.Random, low: int, high: int) -> tuple[int, int, int]:
    return tuple(rng.randint(low, high) for _ in range(3))


def _encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()
