from django.db import migrations

from liangping.indicators.catalogue import ensure_reference_data


def load(apps, schema_editor):
    ensure_reference_data(apps.get_model("indicators", "City"), apps.get_model("indicators", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
