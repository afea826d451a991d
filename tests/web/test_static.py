"""Static files as served after collectstatic: hashed names, gzip and brotli, cached for a year.

The test run itself keeps the plain storage (it has no collectstatic); here collectstatic runs into a
temporary folder with the storage `liangping serve` and `liangping demo` use, and whitenoise serves it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
ECHARTS = "vendor/echarts.min.js"
YEAR = 315360000  # whitenoise's "forever" for a file whose name carries its hash


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=MANIFEST, WHITENOISE_USE_FINDERS=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


def hashed(root: Path, name: str) -> str:
    folder, _, base = name.rpartition("/")
    stem, ext = base.rsplit(".", 1)
    found = [
        p.name
        for p in (root / folder).iterdir()
        if re.fullmatch(rf"{re.escape(stem)}\.[0-9a-f]{{12}}\.{ext}", p.name)
    ]
    assert len(found) == 1, found
    return f"{folder}/{found[0]}"


def test_collectstatic_writes_hashed_and_compressed_files(collected):
    name = hashed(collected, ECHARTS)
    original = (collected / name).stat().st_size
    for suffix in (".br", ".gz"):
        packed = collected / (name + suffix)
        assert packed.exists(), packed
        assert packed.stat().st_size < original * 0.4  # ECharts shrinks to about a quarter
    assert (collected / "staticfiles.json").exists()
    assert (collected / hashed(collected, "liangping/app.css")).exists()


@pytest.mark.django_db
def test_served_with_brotli_or_gzip_and_cached_for_a_year(collected):
    client = Client()  # a new handler: whitenoise reads the settings above when it starts
    page = client.get("/screen/").content.decode()  # the public screen draws with ECharts
    url = "/static/" + hashed(collected, ECHARTS)
    assert f'src="{url}"' in page  # pages name the hashed file
    sizes = {}
    for encoding in ("br", "gzip", ""):
        response = client.get(url, HTTP_ACCEPT_ENCODING=encoding or "identity")
        assert response.status_code == 200
        assert response.get("Content-Encoding", "") == encoding
        assert response["Cache-Control"] == f"max-age={YEAR}, public, immutable"
        assert "Accept-Encoding" in response["Vary"]
        sizes[encoding or "identity"] = int(response["Content-Length"])
    assert sizes["br"] < sizes["gzip"] < sizes["identity"] * 0.4
    # the unhashed name still answers (old bookmarks), but may change: cached briefly only
    plain = client.get("/static/" + ECHARTS, HTTP_ACCEPT_ENCODING="br")
    assert plain.status_code == 200 and "immutable" not in plain["Cache-Control"]
