"""``anfang worker NAME``: run one background worker (mqtt, sia, scheduler, recorder, anpr, uploader)."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from anfang.cli import WORKERS, UnknownWorker, WorkerNotAvailable, load_worker
from anfang.core import audit

USAGE_ERROR = 2


class Command(BaseCommand):
    requires_system_checks: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _("运行一个后台进程：%(names)s。") % {"names": ", ".join(WORKERS)}

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help=_("后台进程名称"))

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        try:
            worker_class = load_worker(name)
        except UnknownWorker:
            raise CommandError(
                _("没有名为“%(name)s”的后台进程。可用名称：%(names)s。")
                % {"name": name, "names": ", ".join(WORKERS)},
                returncode=USAGE_ERROR,
            ) from None
        except WorkerNotAvailable:
            raise CommandError(
                _("后台进程“%(name)s”在本版本中尚不可用。") % {"name": name}, returncode=USAGE_ERROR
            ) from None
        stop = threading.Event()

        def _stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        self.stderr.write(_("后台进程 %(name)s 已启动。") % {"name": name})
        with audit.actor(system=f"worker:{name}"):
            worker_class().run(stop)
        self.stderr.write(_("后台进程 %(name)s 已停止。") % {"name": name})
