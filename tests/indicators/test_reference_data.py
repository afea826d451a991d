"""The data migration loads the 16 cities and the 15 default indicators."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from liangping.indicators.models import City, Direction, Indicator


@pytest.mark.django_db
def test_cities_and_catalogue_are_loaded():
    # from empty tables, through the migration's own function (the test run puts the data back
    # before every test, which must not hide a broken migration)
    City.objects.all().delete()
    Indicator.objects.all().delete()
    importlib.import_module("liangping.indicators.migrations.0002_reference_data").load(apps, None)
    assert City.objects.count() == 16
    assert list(City.objects.filter(is_home=True).values_list("name", flat=True)) == ["枣庄"]
    assert "青岛市" in City.objects.get(name="青岛").aliases
    assert not City.objects.filter(name="莱芜").exists()
    assert Indicator.objects.count() == 15
    assert set(Indicator.objects.values_list("direction", flat=True)) == {Direction.HIGHER}
    assert "进出口" in Indicator.objects.get(name="货物进出口总额").synonym_list()
    assert "贷款余额" in Indicator.objects.get(name="金融机构本外币贷款余额").synonym_list()
