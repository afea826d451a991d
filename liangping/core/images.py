"""Uploaded photos: judged from their header before any pixel is decoded, stored without EXIF.

A small PNG can claim 30000 × 30000 pixels and decode into gigabytes (a decompression bomb): the size
is read from the header and refused above LIANGPING_MAX_PHOTO_MEGAPIXELS (等保2.0 三级 入侵防范 /
恶意代码防范). A phone photo carries EXIF with the GPS position where it was taken, the camera and the
time: it is re-saved without it, the orientation applied to the pixels, unless the system administrator
keeps it for the supervisor (参数设置 "photo_keep_exif"; 剩余信息保护 / personal information).
"""

from __future__ import annotations

import io
import warnings
from typing import IO, Any

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from liangping.core.config import get_setting

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
JPEG_QUALITY = 92


class ImageRefused(ValueError):
    """An upload that is not an acceptable photo, with a Chinese message for the person uploading."""


def max_pixels() -> int:
    return int(getattr(settings, "LIANGPING_MAX_PHOTO_MEGAPIXELS", 60)) * 1_000_000


def _rewind(source: IO[bytes]) -> IO[bytes]:
    source.seek(0)
    return source


def _stream(source: bytes | IO[bytes]) -> IO[bytes]:
    return io.BytesIO(source) if isinstance(source, bytes) else _rewind(source)


def inspect(name: str, source: bytes | IO[bytes]) -> str:
    """The photo's content type; ImageRefused when it is no photo, of another format, or too large in
    pixels. Only the header is read for the size; the rest is then checked without decoding."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(_stream(source)) as img:
                fmt = img.format or ""
                width, height = img.size
                if width * height > max_pixels():
                    raise ImageRefused(_too_large(name, width, height))
                img.verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageRefused(_too_large(name, 0, 0)) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            if isinstance(exc, ImageRefused):
                raise
            raise ImageRefused(f"文件“{name}”不是有效的图片，请上传 JPG、PNG 或 WEBP 照片") from exc
    if fmt not in FORMATS:
        raise ImageRefused(f"照片“{name}”的格式 {fmt} 不受支持，请上传 JPG、PNG 或 WEBP")
    return FORMATS[fmt]


def _too_large(name: str, width: int, height: int) -> str:
    size = f"（{width}×{height}）" if width and height else ""
    limit = max_pixels() // 1_000_000
    return f"照片“{name}”的像素过大{size}，超过 {limit} 百万像素，请缩小尺寸后再上传"


def keeps_exif() -> bool:
    return bool(get_setting("photo_keep_exif"))


def stored_bytes(source: bytes | IO[bytes]) -> bytes:
    """What is kept of an inspected photo: as uploaded when EXIF is kept, else re-saved without EXIF,
    XMP and comments, the EXIF orientation applied to the pixels (the colour profile is kept)."""
    stream = _stream(source)
    if keeps_exif():
        return stream.read()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(stream) as original:
            fmt = original.format or "JPEG"
            icc = original.info.get("icc_profile")
            upright = ImageOps.exif_transpose(original)
            options: dict[str, Any] = {"format": fmt}
            if icc:
                options["icc_profile"] = icc
            if fmt == "JPEG":
                options.update(quality=JPEG_QUALITY, optimize=True)
            elif fmt == "WEBP":
                options.update(quality=JPEG_QUALITY)
            out = io.BytesIO()
            upright.save(out, **options)
    return out.getvalue()
