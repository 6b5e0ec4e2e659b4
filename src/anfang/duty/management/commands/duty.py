"""``anfang duty record --community CODE --date YYYY-MM-DD --format json|html|pdf [--output FILE]``: the
daily duty record (值班记录, 第16条); ``anfang duty extend [--days N]`` generates shifts from the weekly
patterns (what the scheduler does).

Exit status: 0 done, 2 error (unknown community, bad date or format, unwritable output).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from anfang.core import audit
from anfang.core.commands import write_report
from anfang.duty import record as duty_record
from anfang.duty import services
from anfang.sites.models import Community

EXIT_ERROR = 2


class Command(BaseCommand):
    help = "Duty room: the daily duty record (json|html|pdf) and shift generation."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rec = sub.add_parser("record", help="write the daily duty record of one community")
        rec.add_argument("--community", required=True, metavar="CODE")
        rec.add_argument("--date", metavar="YYYY-MM-DD", help="local (Asia/Shanghai) day; default today")
        rec.add_argument("--format", default="json", metavar="json|html|pdf", help="record format (json)")
        rec.add_argument("--output", "-o", metavar="FILE", help="file to write (default: standard output)")
        rec.add_argument("--lang", default="zh-hans", metavar="zh-hans|en", help="HTML/PDF language")
        ext = sub.add_parser("extend", help="generate shifts from every weekly pattern")
        ext.add_argument("--days", type=int, default=services.GENERATE_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "extend":
            with audit.actor(system="cli:duty"):
                created = services.extend_rosters(timezone.now(), options["days"])
            self.stderr.write(_("已生成 %(n)s 个班次。") % {"n": created})
            return
        self.record(options)

    def record(self, options: dict[str, Any]) -> None:
        fmt = str(options["format"]).lower()
        if fmt not in duty_record.FORMATS:
            raise CommandError(
                _("不支持的格式“%(format)s”，可选：json、html、pdf。") % {"format": options["format"]},
                returncode=EXIT_ERROR,
            )
        community = Community.objects.filter(code=options["community"]).first()
        if community is None:
            raise CommandError(
                _("没有编号为“%(code)s”的小区。") % {"code": options["community"]}, returncode=EXIT_ERROR
            )
        day = timezone.localdate()
        if options.get("date"):
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    _("日期“%(date)s”无效，请使用 YYYY-MM-DD。") % {"date": options["date"]},
                    returncode=EXIT_ERROR,
                ) from None
        lang = "en" if str(options.get("lang") or "").lower().startswith("en") else "zh-hans"
        with audit.actor(system="cli:duty"):
            rec = duty_record.build(community, day)
            if fmt == "json":
                data = (json.dumps(rec.as_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
            elif fmt == "html":
                data = duty_record.render_html(rec, lang=lang).encode("utf-8")
            else:
                data = duty_record.render_pdf(rec, lang=lang)
            write_report(self.stdout, data, options.get("output"))
            audit.record_access(
                "export",
                "duty_record",
                community_id=community.pk,
                query={"date": day.isoformat(), "format": fmt, "output": str(options.get("output") or "-")},
                result_count=len(rec.entries),
            )
