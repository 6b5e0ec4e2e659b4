"""``anfang seed-demo [--force]``: build the 营口 demo communities and print the demo log-ins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from anfang.core import audit
from anfang.sites import demo


class Command(BaseCommand):
    # Works on the models only; a broken URL or template elsewhere must not block it.
    requires_system_checks: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Translated when the command runs (argparse cannot format lazy strings).
        self.help = _("建立演示小区 demo1（辽河湾花园）和 demo2（海滨小区）及每种角色的演示用户。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help=_("删除并重建已存在的演示小区，并重置演示用户的密码。")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with audit.actor(system=demo.SYSTEM_ACTOR):
            result = demo.build_demo(force=options["force"])
        if not result.created:
            self.stdout.write(
                _("演示小区 %(code)s 已存在，未做改动（加 --force 可重建）。") % {"code": demo.DEMO1}
            )
        else:
            for community in result.communities:
                self.stdout.write(
                    _("已建立演示小区 %(code)s：%(name)s") % {"code": community.code, "name": community.name}
                )
        self.stdout.write("")
        self.stdout.write(demo.format_logins(result.logins, result.password))
