"""``anfang community export|import|schema``: a whole community as one JSON file.

An operator tool that runs with full rights; ``--user NAME`` narrows it to what that user may see
(export) or change (import), and attributes the audit records to that user.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from anfang.core import audit
from anfang.core.models import User
from anfang.core.tenancy import Perm, communities_for, has_perm
from anfang.devices.services import Authorisation
from anfang.sites import exchange
from anfang.sites.models import Community

# Exit codes (contract for scripts): 1 = the file has problems, 2 = cannot read it / not allowed.
EXIT_INVALID = 1
EXIT_UNUSABLE = 2


class Command(BaseCommand):
    help = "Export or import a community as JSON (schema: docs/community.schema.json)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)

        export = sub.add_parser("export", help="write a community as JSON")
        export.add_argument("--community", required=True, metavar="CODE")
        export.add_argument("--output", "-o", metavar="FILE", help="file to write (default: standard output)")
        export.add_argument("--user", metavar="NAME", help="export only what this user may see")

        imp = sub.add_parser("import", help="check a JSON file and import it in one transaction")
        imp.add_argument("file", metavar="FILE")
        imp.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        imp.add_argument(
            "--update", action="store_true", help="update an existing community (upsert by codes)"
        )
        imp.add_argument("--user", metavar="NAME", help="act as this user (needs registry rights)")
        imp.add_argument(
            "--authorisation",
            metavar="REF",
            help="approval reference authorising device location/purpose changes (R-33.3)",
        )
        imp.add_argument("--authorised-by", metavar="NAME", help="who approved (default: the acting user)")

        schema = sub.add_parser("schema", help="print the JSON Schema of the file")
        schema.add_argument("--output", "-o", metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "export":
            self.export(options)
        elif action == "import":
            self.import_(options)
        else:
            self.write_json(exchange.community_schema(), options.get("output"))

    # -- helpers ------------------------------------------------------------------------------------
    def user(self, name: str | None) -> User | None:
        if not name:
            return None
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            raise CommandError(_("用户“%(name)s”不存在或已停用。") % {"name": name}, returncode=EXIT_UNUSABLE)
        return user

    def write_json(self, data: Any, output: str | None) -> None:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")

    # -- export -------------------------------------------------------------------------------------
    def export(self, options: dict[str, Any]) -> None:
        user = self.user(options.get("user"))
        code = options["community"]
        communities = communities_for(user) if user is not None else Community.objects.all()
        # Not visible and not existing read the same, so a user learns nothing about other communities.
        community = communities.filter(code=code).first()
        if community is None:
            raise CommandError(
                _("没有编号为“%(code)s”的小区，或无权查看。") % {"code": code}, returncode=EXIT_UNUSABLE
            )
        with audit.actor(user) if user is not None else audit.actor(system="cli:community-export"):
            doc = exchange.export_community(community)
        self.write_json(doc, options.get("output"))
        if options.get("output"):
            self.stderr.write(
                _(
                    "已导出小区“%(code)s”：%(locations)s 个位置、%(segments)s 个周界段、"
                    "%(devices)s 台设备 → %(file)s"
                )
                % {
                    "code": community.code,
                    "locations": len(doc["locations"]),
                    "segments": len(doc["perimeter"]),
                    "devices": len(doc["devices"]),
                    "file": options["output"],
                }
            )

    # -- import -------------------------------------------------------------------------------------
    def import_(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(
                _("无法读取文件 %(file)s：%(error)s") % {"file": path, "error": exc}, returncode=EXIT_UNUSABLE
            ) from exc
        except json.JSONDecodeError as exc:
            raise CommandError(
                _("%(file)s 不是有效的 JSON（第 %(line)s 行第 %(col)s 列）：%(error)s")
                % {"file": path, "line": exc.lineno, "col": exc.colno, "error": exc.msg},
                returncode=EXIT_UNUSABLE,
            ) from exc
        user = self.user(options.get("user"))
        if user is not None:
            self.check_user_may_import(user, doc)
        authorisation = None
        if options.get("authorisation"):
            authorisation = Authorisation(
                reference=options["authorisation"],
                authorised_by=options.get("authorised_by") or (user.get_username() if user else "cli"),
                reason=_("批量导入 import:%(file)s") % {"file": path.name},
            )
        self.stderr.write(_("正在检查 %(file)s …") % {"file": path})
        with audit.actor(user) if user is not None else audit.actor(system="cli:community-import"):
            result = exchange.import_community(
                doc,
                by=user,
                replace=options["update"],
                dry_run=options["dry_run"],
                authorisation=authorisation,
                progress=self.stderr.write,
            )
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _("文件有 %(count)s 个问题，未导入任何内容。") % {"count": len(result.problems)},
                returncode=EXIT_INVALID,
            )
        self.stdout.write(self.summary(result))

    def check_user_may_import(self, user: User, doc: Any) -> None:
        """Updating needs registry rights in that community; a new community needs a platform admin."""
        code = doc.get("community", {}).get("code") if isinstance(doc, dict) else None
        if not isinstance(code, str):
            return  # validation will report it
        community = Community.objects.filter(code=code).first()
        allowed = (
            user.is_admin
            if community is None
            else community in communities_for(user) and has_perm(user, community, Perm.CHANGE_REGISTRY)
        )
        if not allowed:
            raise CommandError(
                _("用户“%(user)s”无权导入小区“%(code)s”。") % {"user": user.get_username(), "code": code},
                returncode=EXIT_UNUSABLE,
            )

    def summary(self, result: exchange.ImportResult) -> str:
        counted = set(result.created) | set(result.updated) | set(result.unchanged)
        labels = [label for label in exchange.RECORD_LABELS if label in counted]
        lines = [
            (_("试运行（未写入）：小区“%(code)s”") if result.dry_run else _("已导入小区“%(code)s”"))
            % {"code": result.community_code}
        ]
        for label in labels:
            lines.append(
                _("  %(what)s：新建 %(created)s，更新 %(updated)s，未变 %(unchanged)s")
                % {
                    "what": exchange.RECORD_LABELS.get(label, label),
                    "created": result.created[label],
                    "updated": result.updated[label],
                    "unchanged": result.unchanged[label],
                }
            )
        return "\n".join(lines)
