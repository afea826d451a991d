"""Existing orgs get their tenant from the tree (the city above them), and the cities of Shandong and
枣庄's districts their GB/T 2260 codes by name. Its own migration: on PostgreSQL a table with pending
foreign-key checks cannot be altered in the same transaction."""

from django.db import migrations

# Frozen copy of core.divisions.SHANDONG as it was when this migration was written.
CITY_CODES = {
    "济南": "370100", "青岛": "370200", "淄博": "370300", "枣庄": "370400", "东营": "370500",
    "烟台": "370600", "潍坊": "370700", "济宁": "370800", "泰安": "370900", "威海": "371000",
    "日照": "371100", "临沂": "371300", "德州": "371400", "聊城": "371500", "滨州": "371600",
    "菏泽": "371700",
}  # fmt: skip
ZAOZHUANG_DISTRICTS = {
    "市中区": "370402", "薛城区": "370403", "峄城区": "370404", "台儿庄区": "370405",
    "山亭区": "370406", "滕州市": "370481", "滕州": "370481", "枣庄高新区": "370471",
    "高新区": "370471", "枣庄高新技术产业开发区": "370471",
}  # fmt: skip


def fill(apps, schema_editor):
    Org = apps.get_model("core", "Org")
    orgs = list(Org.objects.order_by("path", "id"))
    cities = [o for o in orgs if o.kind == "city"]
    taken = set()
    for org in orgs:
        city = next((c for c in cities if org.path.startswith(c.path) and c.path), None)
        org.tenant_id = city.pk if city is not None else None
        code = ""
        if org.kind == "city":
            code = CITY_CODES.get(org.name.removesuffix("市"), "")
        elif org.kind == "district" and city is not None and city.name.removesuffix("市") == "枣庄":
            names = [org.name, *[a.strip() for a in org.aliases.replace("，", ",").split(",")]]
            code = next((ZAOZHUANG_DISTRICTS[n] for n in names if n in ZAOZHUANG_DISTRICTS), "")
        if code and code not in taken:
            org.code = code
            taken.add(code)
    Org.objects.bulk_update(orgs, ["tenant", "code"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_org_divisions_tenant"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
