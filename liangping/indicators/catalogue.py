"""Reference data of DOMAIN §8: Shandong's 16 cities and the default catalogue of 15 main indicators."""

from __future__ import annotations

CITIES = [
    "济南",
    "青岛",
    "淄博",
    "枣庄",
    "东营",
    "烟台",
    "潍坊",
    "济宁",
    "泰安",
    "威海",
    "日照",
    "临沂",
    "德州",
    "聊城",
    "滨州",
    "菏泽",
]
HOME_CITY = "枣庄"

# (name, synonyms, unit of the value); every default indicator is "higher growth is better".
INDICATORS = [
    ("地区生产总值", "GDP,生产总值,地区生产总值（GDP）", "亿元"),
    ("规模以上工业增加值", "规上工业增加值", "亿元"),
    ("固定资产投资", "固投", "亿元"),
    ("社会消费品零售总额", "社零,社零额", "亿元"),
    ("一般公共预算收入", "地方一般公共预算收入", "亿元"),
    ("税收收入", "", "亿元"),
    ("货物进出口总额", "进出口,进出口总额", "亿元"),
    ("实际使用外资", "实际利用外资", "亿美元"),
    ("金融机构本外币存款余额", "存款余额", "亿元"),
    ("金融机构本外币贷款余额", "贷款余额", "亿元"),
    ("全社会用电量", "", "亿千瓦时"),
    ("工业用电量", "", "亿千瓦时"),
    ("城镇居民人均可支配收入", "城镇居民收入", "元"),
    ("农村居民人均可支配收入", "农村居民收入", "元"),
    ("规模以上工业营业收入", "规上工业营业收入", "亿元"),
]

# Balances at the end of the period, not sums from January: they may fall within a year.
BALANCES = {"金融机构本外币存款余额", "金融机构本外币贷款余额"}


def ensure_reference_data(city_model: type, indicator_model: type) -> int:
    """Create the 16 cities and the 15 default indicators where missing; returns how many were created.

    Takes the model classes so the data migration (historical models) and the demo loader share it."""
    created = 0
    for sort, name in enumerate(CITIES, start=1):
        _, new = city_model.objects.get_or_create(  # type: ignore[attr-defined]
            name=name, defaults={"sort": sort, "is_home": name == HOME_CITY, "aliases": f"{name}市"}
        )
        created += new
    # The data migration 0002 runs on a catalogue without the later field.
    has_cumulative = any(f.name == "cumulative" for f in indicator_model._meta.get_fields())  # type: ignore[attr-defined]
    for sort, (name, synonyms, unit) in enumerate(INDICATORS, start=1):
        extra = {"cumulative": name not in BALANCES} if has_cumulative else {}
        _, new = indicator_model.objects.get_or_create(  # type: ignore[attr-defined]
            name=name,
            defaults={"synonyms": synonyms, "unit": unit, "sort": sort, **extra},
        )
        created += new
    return created
