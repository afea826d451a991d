"""Finding orgs by the names people write: 滕州 = 滕州市, 市发改委 = 市发展改革委 (aliases)."""

from __future__ import annotations

import unicodedata

from liangping.core.models import Org


def normalize_name(text: str) -> str:
    """Full-width to half-width, spaces removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def name_keys(name: str) -> set[str]:
    base = normalize_name(name)
    keys = {base}
    if base.endswith("市") and len(base) > 2:
        keys.add(base[:-1])
    elif not base.endswith(("区", "县", "市")):
        keys.add(base + "市")
    return keys


class OrgIndex:
    """All orgs of some kinds, findable by any of their written names, in one query."""

    def __init__(self, kinds: list[str]) -> None:
        self.by_key: dict[str, Org] = {}
        for org in Org.objects.filter(kind__in=kinds):
            for raw in [org.name, *org.alias_list()]:
                for key in name_keys(raw):
                    self.by_key.setdefault(key, org)

    def find(self, written: str) -> Org | None:
        for key in name_keys(written):
            if key in self.by_key:
                return self.by_key[key]
        return None

    def add(self, org: Org) -> None:
        for key in name_keys(org.name):
            self.by_key.setdefault(key, org)
