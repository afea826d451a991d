"""Model fields of our own."""

from __future__ import annotations

from typing import Any

from django.db import models


class EncodedJSON(str):
    """A value's JSON text, already encoded: written as it is."""


class SealedJSONField(models.JSONField):
    """The audit entry's JSON column. Sealing an entry (core.auditchain.seal) encodes its changes in
    the canonical form, which is valid JSON of the same value: the column writes that text instead of
    encoding the value a second time (an import's entry carries megabytes). Any other value, or a
    value changed after sealing (never, for an append-only log), is encoded as JSONField does."""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = super().pre_save(model_instance, add)
        sealed = getattr(model_instance, "_sealed_changes", None)
        if sealed is not None and sealed[0] is value:
            return EncodedJSON(sealed[1])
        return value

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if isinstance(value, EncodedJSON):
            if connection.vendor == "postgresql":
                from psycopg.types.json import Jsonb

                return Jsonb(value, dumps=str)
            return str(value)
        return super().get_db_prep_value(value, connection, prepared)
