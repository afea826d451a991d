"""Data at rest: the database, its keys, backups and uploads are the service account's alone
(files 0600, directories 0700), whatever the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from tests.security import processes as proc


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask():
    old = os.umask(0o022)  # what a default shell gives: 0644 files, 0755 directories
    yield
    os.umask(old)


def test_the_command_creates_a_private_var_directory_database_keys_and_backups(tmp_path, loose_umask):
    var = tmp_path / "var"
    db = var / "liangping.sqlite3"
    done = proc.run(["migrate", "--no-input"], db)
    assert done.returncode == 0, done.stderr[-2000:]
    assert mode(var) == 0o700
    for name in ["liangping.sqlite3", "secret_key", "field_key"]:
        assert mode(var / name) == 0o600, name
    for extra in var.glob("liangping.sqlite3-*"):  # -wal, -shm while a connection is open
        assert mode(extra) == 0o600, extra.name
    target = tmp_path / "backups" / "nightly" / "lp.bak"
    done = proc.run(["backup", str(target)], db)
    assert done.returncode == 0, done.stderr[-2000:]
    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700 and mode(target.parent.parent) == 0o700


def test_an_existing_world_readable_var_directory_is_tightened(tmp_path, loose_umask):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    db = var / "liangping.sqlite3"
    db.touch(mode=0o644)
    done = proc.run(["check"], db)
    assert done.returncode == 0, done.stderr[-2000:]
    assert mode(var) == 0o700 and mode(db) == 0o600


def test_uploads_are_private(tmp_path, settings, loose_umask):
    settings.MEDIA_ROOT = tmp_path / "media"
    storage = FileSystemStorage()
    name = storage.save("visits/2026/11/photo.jpg", ContentFile(b"\xff\xd8\xff"))
    path = Path(storage.path(name))
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700 and mode(tmp_path / "media" / "visits") == 0o700
