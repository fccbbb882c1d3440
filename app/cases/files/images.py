"""Images (JPEG, PNG, WebP): decoded in full within a pixel limit, then written again in the
same format, upright and without any metadata, with a JPEG thumbnail."""

import os
import warnings
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps

from app.cases.files import (
    JPEG,
    THUMBNAIL_SUFFIX,
    WEBP,
    EvidenceRejected,
    FileFormat,
    file_refused,
    new_scratch_file,
)

JPEG_QUALITY = 90
THUMBNAIL_QUALITY = 85

# modes each format can be saved in without conversion
SAVEABLE_MODES = {
    "JPEG": frozenset({"L", "RGB"}),  # CMYK too becomes RGB: its ICC profile is dropped
    "PNG": frozenset({"1", "L", "LA", "I", "I;16", "RGB", "RGBA"}),
    "WEBP": frozenset({"RGB", "RGBA"}),
}


def _image_damaged() -> EvidenceRejected:
    return file_refused(
        _l(
            "This image is damaged or incomplete and cannot be read. "
            "Upload the original photo (JPEG, PNG or WebP) again."
        )
    )


def _too_many_pixels() -> EvidenceRejected:
    megapixels = current_app.config["IMAGE_MAX_PIXELS"] / 1_000_000
    return file_refused(
        _l(
            "This image has too many pixels: at most %(limit)s megapixels are allowed. "
            "Upload a smaller photo.",
            limit=f"{megapixels:g}",
        )
    )


def reencode_image(upload: Path, file_format: FileFormat, scratch: list[Path]) -> tuple[Path, Path]:
    """Decode the image in full, then write it again upright and with no metadata at all,
    plus a JPEG thumbnail. Returns the two new scratch files."""
    image = _decode_image(upload, file_format)
    try:
        image = _saveable(image, file_format.pillow_format)
        image.info.clear()  # some encoders fall back on it (comments, ICC profiles)
        descriptor, clean = new_scratch_file(scratch, file_format.extension)
        with os.fdopen(descriptor, "wb") as out:
            if file_format is JPEG:
                image.save(out, "JPEG", quality=JPEG_QUALITY)
            elif file_format is WEBP:
                image.save(out, "WEBP", quality=JPEG_QUALITY)
            else:
                image.save(out, "PNG")
            out.flush()
            os.fsync(out.fileno())
        side = current_app.config["THUMBNAIL_MAX_SIDE"]
        image.thumbnail((side, side))  # in place: the full-size pixels are no longer needed
        descriptor, thumbnail = new_scratch_file(scratch, THUMBNAIL_SUFFIX)
        with os.fdopen(descriptor, "wb") as out:
            _flattened(image).save(out, "JPEG", quality=THUMBNAIL_QUALITY)
    finally:
        image.close()
    return clean, thumbnail


def _decode_image(upload: Path, file_format: FileFormat) -> Image.Image:
    """The upright, fully decoded image, after the pixel count was checked from the header.

    ``Image.open`` reads only the header, so the pixel limit is enforced before any pixel is
    decoded. Pillow's own decompression-bomb warning is turned into a refusal too.
    """
    max_pixels = current_app.config["IMAGE_MAX_PIXELS"]
    try:
        # not thread-safe before Python 3.14: at worst the "error" filter outlives the block,
        # which only makes Pillow stricter
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[file_format.pillow_format]) as opened:
                width, height = opened.size
                if width * height > max_pixels:
                    raise _too_many_pixels()
                if opened.format != file_format.pillow_format:
                    raise _image_damaged()
                opened.load()
                ImageOps.exif_transpose(opened, in_place=True)
    except EvidenceRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels() from error
    except Exception as error:  # any failure to decode untrusted bytes is a refusal
        raise _image_damaged() from error
    return opened  # closing it released only the file; the decoded pixels remain


def _saveable(image: Image.Image, pillow_format: str) -> Image.Image:
    """The image in a mode the format can hold; a transparent colour becomes an alpha band
    because the metadata that declared it is about to be dropped."""
    keyed_transparency = "transparency" in image.info
    if image.mode in SAVEABLE_MODES[pillow_format] and not keyed_transparency:
        return image
    has_alpha = keyed_transparency or "A" in image.getbands()
    target = "RGBA" if has_alpha and pillow_format != "JPEG" else "RGB"
    converted = image.convert(target)
    image.close()
    return converted


def _flattened(image: Image.Image) -> Image.Image:
    """RGB for a JPEG thumbnail; transparent parts become white."""
    if image.mode == "RGB":
        return image
    if "A" in image.getbands() or image.mode in ("P", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
