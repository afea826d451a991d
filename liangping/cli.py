"""The `liangping` command: Django's management commands plus the project's own.

liangping migrate
liangping import projects FILE [--dry-run] [--json]
liangping export projects FILE.xlsx
liangping audit verify | liangping audit purge --before YYYY-MM-DD
liangping backup FILE | liangping restore FILE [--force]
liangping demo [--no-serve]
liangping serve
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liangping.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["liangping", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
