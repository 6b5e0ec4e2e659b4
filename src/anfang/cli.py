"""The ``anfang`` console script: process commands (up, serve, worker) and Django management commands."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anfang.settings")
    from django.core.management import execute_from_command_line

    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["anfang", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
