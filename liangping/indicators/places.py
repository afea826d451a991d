"""Places as statistics tables write them: the 16 cities (青岛 = 青岛市), the home city's districts and
counties from the org tree (滕州 = 滕州市, 高新区 = 枣庄高新区, by name or alias), and the total rows
(全省, 全市) that are not places to rank."""

from __future__ import annotations

from dataclasses import dataclass

from liangping.core.models import Org, OrgKind, User
from liangping.indicators.models import City
from liangping.sheets.measures import normalize

CITY, DISTRICT, TOTAL = "city", "district", "total"
PROVINCE_TOTALS = ("全省", "山东省", "山东", "全省合计", "全省总计", "全省平均", "山东省合计")
CITY_TOTALS = ("全市", "全市合计", "全市总计", "市本级合计")
# Names that are not among the 16 for a reason the person should read.
MERGED = {"莱芜": "莱芜市已于2019年并入济南市，请将数据并入“济南”"}


@dataclass(frozen=True)
class Place:
    level: str  # CITY, DISTRICT or TOTAL
    pk: int  # City or Org id; 0 for a total
    name: str


def _bare(name: str) -> str:
    return normalize(name).removesuffix("市")


def home_tenant(user: User | None) -> int | None:
    """The city whose districts a person ranks: their unit's city, else the home city's org."""
    org = getattr(user, "org", None) if user is not None else None
    if org is not None and org.tenant_id is not None:
        return int(org.tenant_id)
    home = City.objects.filter(is_home=True).values_list("name", flat=True).first()
    if home is None:
        return None
    city = Org.objects.filter(kind=OrgKind.CITY, name__in=[home, f"{home}市"]).values_list("pk", flat=True)
    return next(iter(city), None)


def home_city(tenant: int | None) -> int | None:
    """The City (of the 16) that is the 「home」 of a tenant's ranking: the tenant's own city, matched by
    name or alias (枣庄市 = 枣庄); the province (None), or a city not among the 16, has none. Two queries."""
    if tenant is None:
        return None
    name = Org.objects.filter(pk=tenant).values_list("name", flat=True).first()
    if name is None:
        return None
    bare = _bare(name)
    for city in City.objects.all():
        if bare in {_bare(n) for n in (city.name, *city.aliases.split(",")) if n.strip()}:
            return int(city.pk)
    return None


class PlaceIndex:
    """Every name a place is written with → the place: the 16 cities, and the districts of the city
    `tenant` (every district when there is none). Three queries."""

    def __init__(self, tenant: int | None = None) -> None:
        self.names: dict[str, Place] = {}
        self.home = ""
        for city in City.objects.all():
            place = Place(CITY, city.pk, city.name)
            for name in (city.name, *[a.strip() for a in city.aliases.split(",") if a.strip()]):
                self.names[_bare(name)] = place
            if city.is_home:
                self.home = city.name
        for name in PROVINCE_TOTALS:
            self.names[_bare(name)] = Place(TOTAL, 0, name)
        for name in CITY_TOTALS:
            self.names[_bare(name)] = Place(TOTAL, 0, name)
        home = _bare(self.home)
        districts = Org.objects.filter(kind=OrgKind.DISTRICT)
        if tenant is not None:
            districts = districts.filter(tenant_id=tenant)
        for org in districts:
            place = Place(DISTRICT, org.pk, org.name)
            for written in (org.name, *org.alias_list()):
                bare = _bare(written)
                keys = {bare, bare.removesuffix("区") if len(bare) >= 3 else bare}
                if home and bare.startswith(home) and len(bare) > len(home) + 1:
                    keys.add(bare.removeprefix(home))  # 枣庄高新区 → 高新区
                for key in keys:
                    self.names.setdefault(key, place)

    def find(self, written: str) -> Place | None:
        name = _bare(written)
        return self.names.get(name) or self.names.get(normalize(written))

    def is_place(self, written: str) -> bool:
        return self.find(written) is not None

    def unknown_message(self, written: str, level: str | None) -> str:
        """Why `written` is refused, in the words of the level the file holds."""
        bare = _bare(written)
        if bare in MERGED:
            return f"“{written}”不是山东省16市之一：{MERGED[bare]}"
        if level == DISTRICT:
            return f"“{written}”不是本市的区（市）或开发区：请使用组织机构中的名称或别名（如 滕州市 或 滕州）"
        return f"“{written}”不是山东省16市之一：请填写如 青岛 或 青岛市"
