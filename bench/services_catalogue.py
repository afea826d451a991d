"""Importing the 9,421-row matter catalogue (事项目录) through the sheets framework.

    python bench/services_catalogue.py [--rows 9421] [--out FILE.json]

A fresh SQLite database under var/bench/services/ (or the database DATABASE_URL names: use one of its
own), migrated; a city and its departments; an .xlsx of --rows matters. Reports the seconds of the
real import (checks, bulk writes, one audit entry per matter), of a second import of the same file (every
row unchanged) and of a bare calamine read of the file, and the import's ratio to that read.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEPARTMENTS = ["市发展改革委", "市市场监督管理局", "市商务局", "市卫生健康委员会", "市农业农村局"]
HEADER = [
    "事项编码",
    "事项名称",
    "实施部门",
    "事项类型",
    "法定时限（工作日）",
    "承诺时限（工作日）",
    "申请材料",
    "办理层级",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=9421)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    work = REPO / "var" / "bench" / "services"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    os.environ.setdefault("LIANGPING_ENV", "test")
    os.environ["LIANGPING_VAR_DIR"] = str(work)
    if not os.environ.get("DATABASE_URL"):
        os.environ["LIANGPING_SQLITE_PATH"] = str(work / "bench.sqlite3")
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liangping.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    from liangping.core.models import Org, OrgKind, Role, User
    from liangping.services.models import Matter
    from liangping.sheets.runner import run_import

    call_command("migrate", verbosity=0)
    city = Org.objects.create(name="压测市", kind=OrgKind.CITY)
    for name in DEPARTMENTS:
        Org.objects.create(name=name, kind=OrgKind.DEPARTMENT, parent=city)
    actor = User.objects.create_user(
        "bench-supervisor", password="Bench#services-1", role=Role.SUPERVISOR, org=city
    )
    path = work / "catalogue.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("事项目录")
    sheet.append(["政务服务事项目录（压测）"])
    sheet.append(HEADER)
    for i in range(args.rows):
        sheet.append(
            [
                f"3704{i:08d}",
                f"压测事项{i:05d}",
                DEPARTMENTS[i % 5],
                ["行政许可", "公共服务", "行政确认"][i % 3],
                20,
                5,
                "申请书；身份证明；营业执照",
                "市、区（市）、镇（街道）",
            ]
        )
    book.save(path)
    started = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    read = time.perf_counter() - started
    started = time.perf_counter()
    result = run_import("matters", path, actor=actor)
    first = time.perf_counter() - started
    assert result.ok and result.created == args.rows, result.errors[:3]
    started = time.perf_counter()
    again = run_import("matters", path, actor=actor)
    second = time.perf_counter() - started
    assert again.ok and again.unchanged == args.rows
    report = {
        "rows": args.rows,
        "matters": Matter.objects.count(),
        "read_rows": len(rows),
        "calamine_read_s": round(read, 3),
        "import_s": round(first, 2),
        "reimport_unchanged_s": round(second, 2),
        "import_over_read": round(first / read, 1),
        "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
    }
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
