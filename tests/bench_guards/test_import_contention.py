"""The import-contention benchmark runs end to end on a small file (a broken script fails here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def test_import_contention_benchmark_smoke(tmp_path):
    out = tmp_path / "contention.json"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [
            *(sys.executable, "bench/import_contention.py", "--rows", "300", "--seconds", "60"),
            *("--work", str(tmp_path / "work"), "--out", str(out)),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["import_ok"] and report["import_created"] == 300 and not report["timed_out"]
    assert report["baseline"]["sign_in"]["n"] == 5
    assert report["during_import"]["write"]["gave_up"] == 0 == report["during_import"]["sign_in"]["gave_up"]
