"""Columns a file has that the importer does not know: the nearest known field to suggest, and the
mapping a person chose (「开工时间」 → 计划开工时间), as {normalised header: field}.

The suggestion scores each field by the best of its names (label and synonyms): difflib's ratio,
or the share of the header's characters the name holds, whichever is higher; below SUGGEST_AT there
is no suggestion.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from liangping.sheets.errors import unmapped_message
from liangping.sheets.table import ColumnSpec, Table, normalize_header

SUGGEST_AT = 0.5


@dataclass(frozen=True)
class Unmapped:
    """A header cell that will not be imported: where it is, as written, and the nearest field."""

    index: int
    column: str
    key: str  # the normalised header, what a mapping is stored under
    suggestion: str = ""  # a field, or ""
    suggestion_label: str = ""
    duplicate_of: str = ""  # the label of a field an earlier column already gives
    choices: tuple[tuple[str, str], ...] = ()  # (field, label) it may be mapped to: not in the file yet
    mapped: bool = False  # imported as `suggestion` by the office's (or the person's) mapping

    def as_dict(self) -> dict[str, object]:
        return {
            "index": self.index,
            "column": self.column,
            "key": self.key,
            "suggestion": self.suggestion,
            "suggestion_label": self.suggestion_label,
            "duplicate_of": self.duplicate_of,
            "choices": [list(c) for c in self.choices],
            "mapped": self.mapped,
        }

    @property
    def message(self) -> str:
        return unmapped_message(self.as_dict())


def _score(header: str, name: str) -> float:
    ratio = difflib.SequenceMatcher(None, header, name).ratio()
    overlap = sum(1 for ch in set(header) if ch in name) / len(set(header)) if header else 0.0
    return max(ratio, overlap * 0.9)


def nearest(header: str, specs: Iterable[ColumnSpec], taken: set[str]) -> ColumnSpec | None:
    """The known field whose names are nearest to `header` (not one the file already has)."""
    key = normalize_header(header)[0]
    best, best_score = None, 0.0
    for spec in specs:
        if spec.field in taken:
            continue
        score = max(_score(key, name) for name in spec.names())
        if score > best_score:
            best, best_score = spec, score
    return best if best_score >= SUGGEST_AT else None


class MappingError(ValueError):
    pass


def target(written: str, specs: Iterable[ColumnSpec]) -> ColumnSpec:
    """The field a person names by its label, a synonym or its code; MappingError otherwise."""
    specs = list(specs)
    key = normalize_header(written)[0]
    for spec in specs:
        if key == spec.field or key in spec.names():
            return spec
    labels = "、".join(s.label for s in specs)
    raise MappingError(f"“{written}”不是可导入的字段，可选：{labels}")


def parse_pairs(pairs: Iterable[str], specs: Iterable[ColumnSpec]) -> dict[str, str]:
    """`开工时间=计划开工时间` pairs (the command line's --map) as {normalised header: field}."""
    specs = list(specs)
    out: dict[str, str] = {}
    for pair in pairs:
        header, sep, field = pair.partition("=")
        if not sep or not header.strip() or not field.strip():
            raise MappingError(f"--map “{pair}”的格式应为 文件中的列名=字段名，如 开工时间=计划开工时间")
        out[normalize_header(header)[0]] = target(field, specs).field
    return out


def clean_mapping(mapping: Mapping[str, str], specs: Iterable[ColumnSpec]) -> dict[str, str]:
    """A stored or chosen mapping without targets the importer no longer knows."""
    fields = {s.field for s in specs}
    return {k: v for k, v in mapping.items() if v in fields}


def describe(table: Table, specs: Iterable[ColumnSpec], mapping: Mapping[str, str]) -> list[Unmapped]:
    """The file's columns that will not be imported, each with the nearest field to map it to, and
    the columns read through `mapping` (so the person can change or drop the mapping)."""
    specs = list(specs)
    by_name = {name: spec for spec in specs for name in spec.names()}
    taken = set(table.columns)
    choices = tuple((s.field, s.label) for s in specs if s.field not in taken)
    out = []
    for field, column in table.columns.items():
        key = normalize_header(column.header)[0]
        if key not in by_name and mapping.get(key) == field:
            spec = next(s for s in specs if s.field == field)
            mine = ((spec.field, spec.label), *choices)
            out.append(
                Unmapped(column.index, column.header, key, field, spec.label, choices=mine, mapped=True)
            )
    for index, header in table.unrecognised:
        key = normalize_header(header)[0]
        if key in by_name and by_name[key].field in taken:
            out.append(Unmapped(index, header, key, duplicate_of=by_name[key].label))
            continue
        near = nearest(header, specs, taken)
        suggestion = (near.field, near.label) if near else ("", "")
        out.append(Unmapped(index, header, key, *suggestion, choices=choices))
    return sorted(out, key=lambda u: u.index)
