"""``anfang compliance check --community CODE --format json|html|pdf [--output FILE] [--record]``.

Exit status (contract for scripts and cron): 0 no violations, 1 violations found, 2 error (unknown
community, bad format, unwritable output). The report goes to standard output unless ``--output``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from anfang.compliance import reports, services
from anfang.compliance.choices import TriggerChoices
from anfang.core import audit
from anfang.core.commands import write_report
from anfang.sites.models import Community

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_ERROR = 2
FORMATS = ("json", "html", "pdf")


class Command(BaseCommand):
    help = "Check a community against 营政发〔2015〕42号 and print the report (exit 1 if it has violations)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="check one community and write the report")
        check.add_argument("--community", required=True, metavar="CODE")
        check.add_argument("--format", default="json", metavar="json|html|pdf", help="report format (json)")
        check.add_argument("--output", "-o", metavar="FILE", help="file to write (default: standard output)")
        check.add_argument(
            "--record", action="store_true", help="store the run and update the finding history"
        )
        check.add_argument("--lang", default="zh-hans", metavar="zh-hans|en", help="HTML/PDF language")

    def handle(self, *args: Any, **options: Any) -> None:
        code = self.run_check(options)
        if code != EXIT_OK:
            sys.exit(code)

    def run_check(self, options: dict[str, Any]) -> int:
        fmt = str(options["format"]).lower()
        if fmt not in FORMATS:
            raise CommandError(
                _("不支持的格式“%(format)s”，可选：json、html、pdf。") % {"format": options["format"]},
                returncode=EXIT_ERROR,
            )
        lang = "en" if str(options.get("lang") or "").lower().startswith("en") else "zh-hans"
        community = Community.objects.filter(code=options["community"]).first()
        if community is None:
            raise CommandError(
                _("没有编号为“%(code)s”的小区。") % {"code": options["community"]}, returncode=EXIT_ERROR
            )
        with audit.actor(system="cli:compliance"):
            if options.get("record"):
                _run, report = services.record_run(community, trigger=TriggerChoices.CLI)
            else:
                report = services.check_community(community)
            if fmt == "json":
                data: bytes = (json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n").encode(
                    "utf-8"
                )
            elif fmt == "html":
                data = reports.render_html(report, lang=lang).encode("utf-8")
            else:
                data = reports.render_pdf(report, lang=lang)
            write_report(self.stdout, data, options.get("output"))
            if options.get("output"):
                audit.record_access(
                    "export",
                    "compliance_report",
                    community_id=community.pk,
                    query={"format": fmt, "output": str(options["output"])},
                    result_count=len(report.findings),
                )
        summary = report.summary()
        self.stderr.write(
            _(
                "%(name)s：%(checks)s 项检查，%(violations)s 项违规，%(advisories)s 项建议，"
                "%(ne)s 项暂无法评估。"
            )
            % {
                "name": community.name,
                "checks": summary["checks"],
                "violations": summary["violations"],
                "advisories": summary["advisories"],
                "ne": summary["not_evaluable"],
            }
        )
        return EXIT_VIOLATIONS if summary["violations"] else EXIT_OK
