"""The public screen data names things by natural keys (项目编号, task codes, names, the period code and the
snapshot's version), never by a database id: no key called id / *_id, and no integer that is a primary key.

To tell an id from a count or a rank, every table's key sequence is first moved far away from small numbers
(a different start per table) and the reference rows are re-created there: any primary key made in the
test is then a number no count, rank or version of the small published city can be.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from liangping.indicators.catalogue import ensure_reference_data
from liangping.indicators.models import City, Indicator
from liangping.screen.data import body_for, latest_published_snapshot

FAR = 10_000_000  # the first key of the first table; each next table starts STRIDE further
STRIDE = 1_000_000


def _tables() -> list[tuple[type[models.Model], str]]:
    found = []
    for model in apps.get_models(include_auto_created=True):
        pk = model._meta.pk
        if model._meta.managed and not model._meta.proxy and isinstance(pk, models.AutoField):
            found.append((model, model._meta.db_table))
    return sorted(found, key=lambda mt: mt[1])


def _move_sqlite(table: str, start: int) -> None:
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [start, table])
        if cursor.rowcount == 0:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start])


@pytest.fixture
def distant_keys(db: None) -> Iterator[dict[type[models.Model], int]]:
    """Move every table's next primary key to a distant start of its own; give back where each starts.
    PostgreSQL's sequences are not transactional: they are put back afterwards."""
    starts: dict[type[models.Model], int] = {}
    restore: list[tuple[str, int, bool]] = []
    for i, (model, table) in enumerate(_tables()):
        start = FAR + i * STRIDE
        starts[model] = start
        if connection.vendor == "sqlite":
            _move_sqlite(table, start)
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
            (sequence,) = cursor.fetchone()
            if sequence is None:
                continue
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # a name from the catalogue
            last, called = cursor.fetchone()
            restore.append((sequence, last, called))
            cursor.execute("SELECT setval(%s, %s)", [sequence, start])
    # the reference rows the migration loaded have small keys: make them again, at the new starts
    City.objects.all().delete()
    Indicator.objects.all().delete()
    ensure_reference_data(City, Indicator)
    yield starts
    with connection.cursor() as cursor:
        for sequence, last, called in restore:
            cursor.execute("SELECT setval(%s, %s, %s)", [sequence, last, called])


def made_keys(starts: dict[type[models.Model], int]) -> set[int]:
    """Every primary key written since the sequences moved."""
    keys: set[int] = set()
    for model, start in starts.items():
        keys.update(model._base_manager.filter(pk__gt=start).values_list("pk", flat=True))
    return keys


def id_leaks(data: Any, keys: set[int], path: str = "$") -> list[str]:
    """Where `data` carries an id: a key named id / *id / *_id, or an integer that is one of `keys`."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if str(key).lower().endswith("id"):
                found.append(f"{path}.{key}: a key named like an id")
            found += id_leaks(value, keys, f"{path}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += id_leaks(value, keys, f"{path}[{i}]")
    elif isinstance(data, int) and not isinstance(data, bool) and data in keys:
        found.append(f"{path} = {data}: a database primary key")
    elif isinstance(data, str) and data.isdigit() and int(data) in keys:
        found.append(f"{path} = {data!r}: a database primary key")
    return found


@pytest.mark.django_db
def test_the_walker_finds_an_id_under_any_name(distant_keys, world):
    keys = made_keys(distant_keys)
    project = world.cast.outside.pk
    assert project > FAR and project in keys
    assert id_leaks({"red": [{"code": "ZZ-2025-002", "ref": project}]}, keys) == [
        f"$.red[0].ref = {project}: a database primary key"
    ]
    assert id_leaks({"as_of": {"snapshotId": 3}}, keys) == ["$.as_of.snapshotId: a key named like an id"]
    assert id_leaks({"rank": 3, "version": 1, "projects": {"total": 4}}, keys) == []


@pytest.mark.django_db
def test_public_data_carries_no_database_id(distant_keys, world):
    response = Client().get(reverse("screen:data"))  # signed out, as the public reads it
    assert response.status_code == 200
    public = json.loads(response.content)
    full = json.loads(body_for(latest_published_snapshot()))  # the disclosure's, lists uncut
    keys = made_keys(distant_keys)
    assert public["published"] and public["red"] and public["summons"] and public["ranking"]["indicators"]
    assert id_leaks(public, keys) == []
    assert id_leaks(full, keys) == []
    # what names the things instead: the period code with the snapshot's version, and the natural keys
    assert (public["as_of"]["period"], public["as_of"]["version"]) == ("2025Q2", 1)
    assert [r["code"] for r in public["red"]] == ["ZZ-2025-002"]
    assert {r["code"] for r in public["tasks"]["rows"]} == {"GJ2025-01", "GJ2025-02"}
    assert public["ranking"]["indicators"][0]["name"] == "地区生产总值"
