"""``anfang anpr read FILE... [--format json|text]``: read the plates in pictures, one line per file.

JSON (the default) is the contract scripts rely on (docs/anpr.md):
``{"file": "a.jpg", "plates": [{"text", "color", "confidence", "box", "corners"}], "ms": 41}``, plates
most confident first; a file that cannot be read gets ``{"file": "b.jpg", "error": "…"}`` and the
command goes on. Exit code 1 when any file failed, 2 for a usage error. No database is needed.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anfang import anpr

FAILED = 1
UNAVAILABLE = 3

COLOR_LABELS = {
    "blue": gettext_lazy("蓝"),
    "yellow": gettext_lazy("黄"),
    "green": gettext_lazy("绿"),
    "yellow_green": gettext_lazy("黄绿"),
    "white": gettext_lazy("白"),
    "black": gettext_lazy("黑"),
}


def plate_doc(read: anpr.PlateRead) -> dict[str, Any]:
    """One plate as the JSON contract has it."""
    return {
        "text": read.text,
        "color": read.color,
        "confidence": read.confidence,
        "box": list(read.box),
        "corners": [list(point) for point in read.corners],
    }


class Command(BaseCommand):
    help = "Read licence plates in pictures (第9条): anfang anpr read FILE... [--format json|text]"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        read = sub.add_parser("read", help="read the plates in each picture")
        read.add_argument("files", nargs="+", metavar="FILE", help="JPEG, PNG, BMP … pictures")
        read.add_argument("--format", choices=("json", "text"), default="json", dest="output")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for name in options["files"]:
            started = time.perf_counter()
            try:
                reads = anpr.read(name)
            except anpr.AnprUnavailable as exc:
                raise CommandError(str(exc), returncode=UNAVAILABLE) from exc
            except anpr.AnprError as exc:
                failed += 1
                self._error(name, str(exc), options["output"])
                continue
            except Exception as exc:  # never a traceback for one bad picture: say so and go on
                failed += 1
                self._error(name, f"{type(exc).__name__}: {exc}", options["output"])
                continue
            ms = round((time.perf_counter() - started) * 1000)
            self._result(name, reads, ms, options["output"])
        if failed:
            raise CommandError(
                _("%(failed)d 个文件无法读取（共 %(total)d 个）。")
                % {"failed": failed, "total": len(options["files"])},
                returncode=FAILED,
            )

    def _result(self, name: str, reads: list[anpr.PlateRead], ms: int, output: str) -> None:
        if output == "json":
            doc = {"file": name, "plates": [plate_doc(r) for r in reads], "ms": ms}
            self.stdout.write(json.dumps(doc, ensure_ascii=False))
            return
        if not reads:
            self.stdout.write(_("%(file)s：未识别到车牌（%(ms)d 毫秒）") % {"file": name, "ms": ms})
            return
        plates = "；".join(
            _("%(text)s %(color)s牌 置信度 %(confidence).2f 位置 %(box)s")
            % {
                "text": r.text,
                "color": str(COLOR_LABELS.get(r.color, r.color)),
                "confidence": r.confidence,
                "box": ",".join(str(v) for v in r.box),
            }
            for r in reads
        )
        self.stdout.write(
            _("%(file)s：%(plates)s（%(ms)d 毫秒）") % {"file": name, "plates": plates, "ms": ms}
        )

    def _error(self, name: str, detail: str, output: str) -> None:
        if output == "json":
            self.stdout.write(json.dumps({"file": name, "error": detail}, ensure_ascii=False))
        else:
            self.stdout.write(_("%(file)s：无法读取：%(error)s") % {"file": name, "error": detail})
