"""A results file as a Markdown table (for docs/benchmarks.md).

    python -m bench.report bench/results/latest.json [more.json ...]

With several files, one column of values per file (e.g. the quick and the full run side by side).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _shown(entry: dict[str, Any] | None) -> str:
    if entry is None:
        return "—"
    value = entry["value"]
    text = f"{value:,.3g}" if isinstance(value, float) and abs(value) < 10 else f"{value:,.0f}"
    if isinstance(value, int):
        text = f"{value:,}"
    met = {True: " ✓", False: " ✗"}.get(entry.get("met"), "")
    return text + met


def markdown(reports: list[dict[str, Any]]) -> str:
    names: list[str] = []
    for r in reports:
        names += [n for n in r["figures"] if n not in names]
    head = ["figure", "unit", "target"] + [
        f"{r['mode']}, {r.get('database', 'sqlite')} "
        f"({r['sizes']['large']['projects']:,} vs {r['sizes']['small']['projects']:,})"
        for r in reports
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in names:
        first = next(r["figures"][name] for r in reports if name in r["figures"])
        cells = [f"`{name}`", first["unit"], first.get("target", "")]
        cells += [_shown(r["figures"].get(name)) for r in reports]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(paths: list[str]) -> None:
    reports = [json.loads(Path(p).read_text()) for p in paths]
    print(markdown(reports))
    for r in reports:
        m = r["machine"]
        print(
            f"\n{r['mode']}, {r.get('database', 'sqlite')}: {r['when']}, {m['cpu']} x {m['cores']} cores, "
            f"{m['memory_mib']:,} MiB, "
            f"Python {m['python']}, "
            + (f"PostgreSQL {m['postgresql']}, " if m.get("postgresql") else f"SQLite {m['sqlite']}, ")
            + f"load {m['load_1min_at_start']} at start, "
            f"{r.get('run_seconds', '?')} s"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
