"""Uploads: the request body is capped before it is read, files are spooled to disk, image bombs are
refused in Chinese (web and API), and photos lose their EXIF (GPS) unless the setting keeps it."""

from __future__ import annotations

import io
import os
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from liangping.core.config import get_setting, set_setting
from liangping.projects import services
from liangping.projects.models import Visit, VisitPhoto

pytestmark = pytest.mark.django_db
GPS_TAG = 0x8825
ORIENTATION_TAG = 0x0112


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A PNG of a few hundred bytes whose header claims width × height grey pixels (all zero)."""
    raw = zlib.compress(b"\0" * (width + 1) * 8, 9)  # only the first rows; the header is what matters
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
    )


def gps_jpeg() -> bytes:
    """A 40 × 20 photo taken rotated (orientation 6: to be turned 90°) with a GPS position."""
    img = Image.new("RGB", (40, 20), "red")
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = 6
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_TAG).update({1: "N", 2: (34.0, 51.0, 30.0), 3: "E", 4: (117.0, 33.0, 20.0)})
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def as_user(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def api_visit(client: Client, project_id: int, *photos: SimpleUploadedFile):  # type: ignore[no-untyped-def]
    data = {"date": "2025-05-21", "findings": "现场正常", "photos": list(photos)}
    return client.post(f"/api/v1/projects/{project_id}/visits", data)


def test_a_decompression_bomb_is_refused_in_chinese_by_the_api(cast):
    photo = SimpleUploadedFile("炸弹.png", bomb_png(), content_type="image/png")
    response = api_visit(as_user(cast.specialist), cast.inside.pk, photo)
    assert response.status_code == 422, response.content.decode()
    [error] = response.json()["detail"]
    assert error["field"] == "photos"
    assert "像素过大" in error["message"] and "超过 60 百万像素" in error["message"]
    assert not Visit.objects.exists()


def test_a_decompression_bomb_is_a_form_error_on_the_page(cast):
    client = as_user(cast.specialist)
    photo = SimpleUploadedFile("炸弹.png", bomb_png(), content_type="image/png")
    response = client.post(
        f"/projects/{cast.inside.pk}/visits/new/",
        {"date": "2025-05-21", "findings": "现场正常", "photos": [photo]},
    )
    assert response.status_code == 200
    assert "像素过大" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_body_over_the_limit_is_refused_from_its_content_length(cast, settings, monkeypatch):
    settings.LIANGPING_MAX_REQUEST_BYTES = 64 * 1024
    read = []
    monkeypatch.setattr(services, "record_visit", lambda *a, **k: read.append(a))
    photo = SimpleUploadedFile("大.png", b"\x89PNG" + b"0" * 100_000, content_type="image/png")
    response = api_visit(as_user(cast.specialist), cast.inside.pk, photo)
    assert response.status_code == 413
    assert "上传内容过大" in response.json()["detail"] and read == []
    photo = SimpleUploadedFile("大.png", b"\x89PNG" + b"0" * 100_000, content_type="image/png")
    page = as_user(cast.specialist).post(
        f"/projects/{cast.inside.pk}/visits/new/", {"date": "2025-05-21", "findings": "x", "photos": [photo]}
    )
    assert page.status_code == 413 and "上传内容过大" in page.content.decode()
    bogus = Client().post("/api/v1/me", b"{}", content_type="application/json", CONTENT_LENGTH="abc")
    assert bogus.status_code == 400


def test_files_are_spooled_to_disk_and_sized_before_reading(cast, settings, monkeypatch):
    seen: list[object] = []
    real = services.record_visit

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.extend(source for _name, source in args[4])
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "record_visit", spy)
    big = Image.frombytes("RGB", (600, 600), os.urandom(600 * 600 * 3))  # noise: no compression
    out = io.BytesIO()
    big.save(out, format="PNG")
    assert len(out.getvalue()) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    photo = SimpleUploadedFile("现场.png", out.getvalue(), content_type="image/png")
    response = api_visit(as_user(cast.specialist), cast.inside.pk, photo)
    assert response.status_code == 201, response.content.decode()
    assert [type(s) for s in seen] == [TemporaryUploadedFile]
    settings.LIANGPING_MAX_PHOTO_MB = 0  # every photo is now too large: refused by its size alone
    photo = SimpleUploadedFile("现场.png", out.getvalue(), content_type="image/png")
    refused = api_visit(as_user(cast.specialist), cast.inside.pk, photo)
    assert refused.status_code == 422 and "超过 0 MB" in refused.json()["detail"][0]["message"]


def test_more_files_than_allowed_are_refused(cast, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    photos = [SimpleUploadedFile(f"{i}.png", b"x", content_type="image/png") for i in range(4)]
    response = api_visit(as_user(cast.specialist), cast.inside.pk, *photos)
    assert response.status_code == 413 and "最多上传 3 个文件" in response.json()["detail"]


def test_photos_lose_exif_and_gps_and_are_turned_upright(cast):
    original = gps_jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_TAG)  # the upload has a position
    photo = SimpleUploadedFile("现场.jpg", original, content_type="image/jpeg")
    assert api_visit(as_user(cast.specialist), cast.inside.pk, photo).status_code == 201
    stored = VisitPhoto.objects.get()
    with stored.image.open("rb") as handle:
        kept = Image.open(io.BytesIO(handle.read()))
    assert kept.format == "JPEG" and kept.size == (20, 40)  # orientation applied to the pixels
    assert dict(kept.getexif()) == {} and not kept.getexif().get_ifd(GPS_TAG)
    assert stored.size == stored.image.size


def test_the_setting_keeps_exif_for_the_supervisor(cast):
    set_setting(cast.sysadmin, "photo_keep_exif", True, reason="督查核实现场位置")
    original = gps_jpeg()
    photo = SimpleUploadedFile("现场.jpg", original, content_type="image/jpeg")
    assert api_visit(as_user(cast.specialist), cast.inside.pk, photo).status_code == 201
    with VisitPhoto.objects.get().image.open("rb") as handle:
        assert handle.read() == original


def test_the_settings_page_offers_the_exif_switch(cast):
    client = as_user(cast.sysadmin)
    page = client.get(reverse("core:settings")).content.decode()
    assert "上传照片保留拍摄信息" in page
    response = client.post(
        reverse("core:settings"),
        {"key": "photo_keep_exif", "photo_keep_exif-value": "1", "photo_keep_exif-reason": "核实位置"},
    )
    assert response.status_code == 302
    assert get_setting("photo_keep_exif") is True


def test_a_header_over_our_pixel_limit_is_refused_with_its_size(cast, settings):
    """Below Pillow's own bomb limit but above the configured one: refused from the header."""
    settings.LIANGPING_MAX_PHOTO_MEGAPIXELS = 1
    photo = SimpleUploadedFile("大图.png", bomb_png(2000, 1000), content_type="image/png")
    response = api_visit(as_user(cast.specialist), cast.inside.pk, photo)
    assert response.status_code == 422
    assert "像素过大（2000×1000），超过 1 百万像素" in response.json()["detail"][0]["message"]
