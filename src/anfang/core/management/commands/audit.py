"""``anfang audit verify``: walk both hash chains and report every tampered or missing row."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anfang.core import audit


class Command(BaseCommand):
    help = "Verify the change and access logs (R-33.5 第33条第(5)项). Exit 1 when tampering is found."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="walk the hash chains")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = False
        for chain in audit.CHAINS:
            count, problems = audit.verify(chain)
            if problems:
                failed = True
                self.stderr.write(f"{chain}: {count} rows checked, {len(problems)} problem(s)")
                for problem in problems:
                    self.stderr.write(f"  {problem}")
            else:
                self.stdout.write(f"{chain}: {count} rows checked, OK")
        if failed:
            sys.exit(1)
