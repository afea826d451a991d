"""Org: administrative division codes, the province and village levels, and the tenant (the city a
unit belongs to). Existing orgs get their tenant from the tree, and the cities of Shandong and
枣庄's districts their GB/T 2260 codes by name; kind + name becomes unique per tenant."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_account_change_token_scope"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="org",
            name="org_kind_name_unique",
        ),
        migrations.AddField(
            model_name="org",
            name="code",
            field=models.CharField(blank=True, default="", max_length=12, verbose_name="区划代码"),
        ),
        migrations.AddField(
            model_name="org",
            name="tenant",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.org",
            ),
        ),
        migrations.AlterField(
            model_name="org",
            name="kind",
            field=models.CharField(
                choices=[
                    ("province", "省"),
                    ("city", "市"),
                    ("district", "区（市）"),
                    ("department", "市直部门"),
                    ("town", "镇街"),
                    ("village", "村（社区）"),
                    ("company", "项目单位"),
                    ("office", "督查机构"),
                ],
                max_length=20,
                verbose_name="类型",
            ),
        ),
    ]
