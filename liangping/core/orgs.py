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

    def __init__(self, kinds: list[str], tenant_id: int | None = None) -> None:
        """`tenant_id`: only the orgs of that city (two cities may each have a 市中区)."""
        self.by_key: dict[str, Org] = {}
        self.names: list[tuple[str, Org]] = []  # (normalised name or alias, org), for prefixes
        orgs = Org.objects.filter(kind__in=kinds)
        if tenant_id is not None:
            orgs = orgs.filter(tenant_id=tenant_id)
        for org in orgs.order_by("id"):
            for raw in [org.name, *org.alias_list()]:
                for key in name_keys(raw):
                    self.by_key.setdefault(key, org)
                self.names.append((normalize_name(raw), org))

    def find(self, written: str) -> Org | None:
        for key in name_keys(written):
            if key in self.by_key:
                return self.by_key[key]
        return None

    def starting_with(self, written: str) -> list[Org]:
        """The orgs whose name (or an alias) starts with `written` (薛城 → 薛城区), each once, in
        creation order; nothing for a text under two characters (市 would match half the city)."""
        prefix = normalize_name(written)
        if len(prefix) < 2:
            return []
        found: dict[int | None, Org] = {}
        for name, org in self.names:
            if name.startswith(prefix):
                found.setdefault(org.pk if org.pk is not None else id(org), org)
        return list(found.values())

    def resolve(self, written: str) -> tuple[Org | None, list[Org]]:
        """(the org `written` names, []) by an exact name or alias, else by the unique name starting
        with it; (None, candidates) when several start with it; (None, []) when none does."""
        org = self.find(written)
        if org is not None:
            return org, []
        candidates = self.starting_with(written)
        if len(candidates) == 1:
            return candidates[0], []
        return None, candidates

    def add(self, org: Org) -> None:
        for key in name_keys(org.name):
            self.by_key.setdefault(key, org)
        self.names.append((normalize_name(org.name), org))
