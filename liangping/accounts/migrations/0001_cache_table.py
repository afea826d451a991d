"""The table of the shared cache (settings.CACHES["shared"] without Redis): where every worker process
counts API requests against one limit. Created by `migrate`, which `liangping demo`, the test run and
every deployment already run; the same table as `createcachetable` makes (and kept if it exists)."""

from typing import Any

from django.core.management import call_command
from django.db import migrations

TABLE = "liangping_cache"


def create(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []
    operations = [migrations.RunPython(create, drop)]
