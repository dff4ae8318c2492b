"""Tip photos: decoded and encoded again, so that nothing but the pixels survives.

A phone photo carries EXIF (the phone's make and serial, the time to the second, often
the GPS position of the tipster's home), XMP, IPTC, ICC profiles and maker notes. Copying
the file would keep them; stripping known tags misses unknown ones. Decoding to pixels
and writing a new JPEG keeps none: the orientation is applied to the pixels first
(``exif_transpose``) so the picture still stands the right way up. Pure: Pillow only.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

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
    rgb.thumbnail((MAX_SIDE, MAX_SIDE))
    # Pixels into a new image: ``convert`` copies ``info`` (a JPEG comment in it would be
    # written again), a new image has none; and no exif=, icc_profile= or comment= given.
    bare = Image.frombytes("RGB", rgb.size, rgb.tobytes())
    out = io.BytesIO()
    bare.save(out, format="JPEG", quality=85, optimize=True)
    return Clean(out.getvalue(), bare.width, bare.height)
