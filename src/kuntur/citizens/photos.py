"""Tip photos: decoded and encoded again, so that nothing but the pixels survives.

A phone photo carries EXIF (the phone's make and serial, the time to the second, often
the GPS position of the tipster's home), XMP, IPTC, ICC profiles and maker notes. Copying
the file would keep them; stripping known tags misses unknown ones. Decoding to pixels
and writing a new JPEG keeps none: the orientation is applied to the pixels first
(``exif_transpose``) so the picture still stands the right way up. Pure: Pillow only.

The same cleaning serves evidence photos (the field app's use-of-force report,
``evidence``): larger and sharper, and with the one fact of the EXIF the evidence rules
need, the time it was taken, read before the rest is dropped (the device's make, model and
serial, its software, the GPS: the officer attaches the place explicitly, or not at all).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"}
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; more is a decompression bomb, not a photo
MAX_SIDE = 2048  # enough to read a plate or a face; smaller to store and to send


class PhotoRejected(ValueError):
    """A file that is not a photo Kuntur can take; the message (Spanish msgid) says why."""


@dataclass(frozen=True)
class Clean:
    data: bytes
    width: int
    height: int


def clean(data: bytes, max_bytes: int) -> Clean:
    """``data`` as a new JPEG without any metadata, at most ``MAX_SIDE`` pixels a side."""
    rgb, _taken = _decode(data, max_bytes)
    return _encode(rgb, MAX_SIDE, 85)


EVIDENCE_SIDE = 4096  # evidence is looked at closely: keep most of a phone photo's detail
EXIF_IFD = 0x8769
DATETIME_ORIGINAL = 36867
OFFSET_TIME_ORIGINAL = 36881
LIMA = timezone(timedelta(hours=-5))


@dataclass(frozen=True)
class Evidence(Clean):
    taken_at: datetime | None  # from the photo's EXIF, if it says; aware


def evidence(data: bytes, max_bytes: int) -> Evidence:
    """``data`` as a new JPEG without any metadata (at most ``EVIDENCE_SIDE`` pixels a side,
    quality 92), and the time the photo says it was taken (EXIF DateTimeOriginal, with its
    offset, else read as Lima time), for the record beside it, not in it."""
    rgb, taken = _decode(data, max_bytes)
    out = _encode(rgb, EVIDENCE_SIDE, 92)
    return Evidence(out.data, out.width, out.height, taken)


def _taken_at(img: Image.Image) -> datetime | None:
    try:
        exif = img.getexif().get_ifd(EXIF_IFD)
        raw = exif.get(DATETIME_ORIGINAL)
        if not isinstance(raw, str):
            return None
        at = datetime.strptime(raw.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
        offset = exif.get(OFFSET_TIME_ORIGINAL)
        if isinstance(offset, str) and len(offset.strip()) >= 6:
            sign = -1 if offset.strip()[0] == "-" else 1
            hours, minutes = offset.strip()[1:3], offset.strip()[4:6]
            zone = timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
            return at.replace(tzinfo=zone)
        return at.replace(tzinfo=LIMA)
    except (ValueError, TypeError, KeyError, OSError):
        return None  # an unreadable date is no date: the phone's own time stands


def _decode(data: bytes, max_bytes: int) -> tuple[Image.Image, datetime | None]:
    if len(data) > max_bytes:
        raise PhotoRejected("too_large")
    if not data:
        raise PhotoRejected("empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.format not in ACCEPTED:
                    raise PhotoRejected("not_a_photo")
                if img.width * img.height > MAX_PIXELS:
                    raise PhotoRejected("too_many_pixels")
                img.load()
                taken = _taken_at(img)
                upright = ImageOps.exif_transpose(img)
                rgb = upright.convert("RGB")
    except PhotoRejected:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise PhotoRejected("not_a_photo") from None
    return rgb, taken


def _encode(rgb: Image.Image, side: int, quality: int) -> Clean:
    rgb.thumbnail((side, side))
    # Pixels into a new image: ``convert`` copies ``info`` (a JPEG comment in it would be
    # written again), a new image has none; and no exif=, icc_profile= or comment= given.
    bare = Image.frombytes("RGB", rgb.size, rgb.tobytes())
    out = io.BytesIO()
    bare.save(out, format="JPEG", quality=quality, optimize=True)
    return Clean(out.getvalue(), bare.width, bare.height)
