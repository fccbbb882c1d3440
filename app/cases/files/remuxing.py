"""Videos are written again without what they say about their maker, and given a poster.

A video is remuxed with PyAV (FFmpeg's libraries, bundled in its wheels): the packets of its
video stream and of its first sound stream are copied as they are (no re-encoding) into a new
file of the same container, and nothing else is. Left behind: the container's and the streams'
metadata (title, comment, GPS location ``©xyz``, Apple's ``meta`` keys, WebM Tags, creation
times, the encoder's name), chapters, subtitles, data tracks (a camera's telemetry and GPS
tracks), cover pictures, and in H.264 and HEVC the SEI messages (where encoders sign their
name and some cameras write their position). The muxer is asked to be "bitexact", so it adds
no name of its own. What stays is what playing needs, the display rotation included.

The demuxer is chosen by the format the first bytes named, never guessed, and everything is
read packet by packet: a 100 MB video is never held in memory. The poster is the first
keyframe of the remuxed file, so a file that yields none is refused as unplayable.
"""

import os
from pathlib import Path

import av
from av.bitstream import BitStreamFilterContext
from av.container import Flags
from av.stream import Disposition
from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image

from app.cases.files import (
    MP4,
    THUMBNAIL_SUFFIX,
    WEBM,
    EvidenceRejected,
    FileFormat,
    file_refused,
    new_scratch_file,
)

# FFmpeg's name of each container, for reading and for writing
FFMPEG_FORMATS = {MP4: "mp4", WEBM: "webm"}
# an MP4's movie description first, so a browser can play it before it has all of it
MUXER_OPTIONS = {MP4: {"movflags": "+faststart"}, WEBM: {}}
# bitstream filters that drop SEI messages (H.264 NAL type 6; HEVC prefix and suffix SEI)
SEI_FILTERS = {"h264": "filter_units=remove_types=6", "hevc": "filter_units=remove_types=39|40"}
# a first keyframe must come within this many packets of the video stream
POSTER_MAX_PACKETS = 600
POSTER_QUALITY = 85


def _video_unreadable() -> EvidenceRejected:
    return file_refused(
        _l(
            "This video cannot be read: its video stream could not be copied or played. "
            "Upload the original MP4 or WebM file as the camera or phone saved it."
        )
    )


def remux_video(upload: Path, file_format: FileFormat, scratch: list[Path]) -> tuple[Path, Path]:
    """The video without its metadata, and its poster (a JPEG): two new scratch files."""
    descriptor, clean = new_scratch_file(scratch, file_format.extension)
    os.close(descriptor)
    descriptor, poster = new_scratch_file(scratch, THUMBNAIL_SUFFIX)
    os.close(descriptor)
    try:
        _remux(upload, clean, file_format)
        _write_poster(clean, file_format, poster)
    except EvidenceRejected:
        raise
    except Exception as error:  # any failure to read untrusted bytes is a refusal
        raise _video_unreadable() from error
    return clean, poster


def _remux(source: Path, target: Path, file_format: FileFormat) -> None:
    container_format = FFMPEG_FORMATS[file_format]
    with av.open(str(source), format=container_format) as reader:
        video = _video_stream(reader)
        audio = next(iter(reader.streams.audio), None)
        kept = [stream for stream in (video, audio) if stream is not None]
        with av.open(
            str(target), "w", format=container_format, options=MUXER_OPTIONS[file_format]
        ) as writer:
            writer.flags |= Flags.bitexact.value  # no "Lavf" name of the muxer's own
            copies, filters = {}, {}
            for stream in kept:
                copy = writer.add_stream_from_template(stream)
                copy.metadata.clear()
                copies[stream.index] = copy
                sei = SEI_FILTERS.get(stream.codec_context.name)
                filters[stream.index] = BitStreamFilterContext(sei, stream, copy) if sei else None
            for packet in reader.demux(kept):
                index = packet.stream.index
                for cleaned in _filtered(packet, filters[index]):
                    cleaned.stream = copies[index]
                    writer.mux(cleaned)


def _video_stream(reader):
    """The first real video stream: a cover picture is a "video" stream of one image."""
    for stream in reader.streams.video:
        if not stream.disposition & Disposition.attached_pic:
            return stream
    raise file_refused(
        _l("This file holds no video stream. Upload a video (MP4 or WebM) with moving pictures.")
    )


def _filtered(packet, sei_filter) -> list:
    """The packet without its SEI messages; the stream's last (empty) packet flushes the
    filter."""
    flushing = packet.size == 0
    if sei_filter is None:
        return [] if flushing else [packet]
    return sei_filter.filter(None if flushing else packet)


def _write_poster(video_path: Path, file_format: FileFormat, poster: Path) -> None:
    """The first keyframe, upright, no larger than ``VIDEO_POSTER_MAX_SIDE``, as a JPEG."""
    image = _first_keyframe(video_path, file_format)
    side = current_app.config["VIDEO_POSTER_MAX_SIDE"]
    image.thumbnail((side, side))
    image.save(poster, "JPEG", quality=POSTER_QUALITY)


def _first_keyframe(video_path: Path, file_format: FileFormat) -> Image.Image:
    with av.open(str(video_path), format=FFMPEG_FORMATS[file_format]) as reader:
        stream = reader.streams.video[0]
        pixels = stream.codec_context.width * stream.codec_context.height
        if pixels > current_app.config["IMAGE_MAX_PIXELS"]:
            raise _video_unreadable()
        stream.codec_context.skip_frame = "NONKEY"  # the decoder drops every other frame
        for number, packet in enumerate(reader.demux(stream)):
            if number >= POSTER_MAX_PACKETS:
                break
            for frame in packet.decode():
                # the display matrix turns the picture counter-clockwise; Pillow too
                return frame.to_image().rotate(frame.rotation, expand=True)
    raise _video_unreadable()
