"""``anfang up``: everything a newcomer needs in one command.

Migrate, build the demo when the database has no community yet, then run the web server and every
implemented worker as children of a small supervisor (:mod:`anfang.core.supervisor`), print the URL
and the demo log-ins. Ctrl-C or SIGTERM stops everything.
"""

from __future__ import annotations

import signal
import socket
import sys
import threading
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections
from django.utils.translation import gettext as _

from anfang.cli import available_workers
from anfang.core import audit
from anfang.core.supervisor import ChildSpec, Supervisor, local_mqtt_broker
from anfang.sites import demo
from anfang.sites.models import Community
from anfang.vehicles.demo import start_demo_barrier


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _("迁移数据库、首次运行时建立演示小区，并启动 Web 服务和全部后台进程。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-demo", action="store_true", help=_("数据库为空时也不建立演示小区"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._run(no_demo=options["no_demo"])
        except KeyboardInterrupt:  # Ctrl-C while migrating or seeding (both are transactional)
            self.stderr.write(_("已中断。"))
            sys.exit(130)

    def _run(self, *, no_demo: bool) -> None:
        config = settings.CONFIG
        self.stdout.write(_("正在迁移数据库（%(dir)s）…") % {"dir": config.data_dir})
        call_command("migrate", interactive=False, verbosity=0)
        password: str | None = None
        if not no_demo and not Community.objects.exists():
            self.stdout.write(_("数据库中还没有小区，正在建立演示小区…"))
            with audit.actor(system=demo.SYSTEM_ACTOR):
                password = demo.build_demo().password
        elif demo.demo_exists():
            password = _("%(password)s（如未修改）") % {"password": demo.demo_password()}
        logins = demo.format_logins(demo.demo_logins(), password) if demo.demo_exists() else ""
        connections.close_all()  # children open their own connections

        python = [sys.executable, "-m", "anfang.cli"]
        specs = [ChildSpec("web", [*python, "serve"])]
        workers = available_workers()
        if "mqtt" in workers:
            broker = local_mqtt_broker(config.mqtt_url, config.data_dir, log=self.stderr.write)
            specs = [broker, *specs] if broker is not None else specs
        specs += [ChildSpec(f"worker:{name}", [*python, "worker", name]) for name in workers]
        stop = threading.Event()

        def _stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        host = "127.0.0.1" if config.host in ("0.0.0.0", "::") else config.host
        url = f"http://{host}:{config.port}"
        lines = [
            "",
            _("anfang 正在启动：%(url)s") % {"url": url},
            _("后台进程：%(names)s") % {"names": ", ".join(workers) or _("无（本版本尚未提供）")},
        ]
        if logins:
            lines += ["", _("演示账号："), logins]
        lines += ["", _("按 Ctrl-C 停止。"), ""]
        self.stdout.write("\n".join(lines))
        threading.Thread(target=self._announce, args=(host, config.port, url, stop), daemon=True).start()
        # The demo lanes' barriers (第11条) are a simulated Hikvision controller in this process.
        barrier = start_demo_barrier(log=self.stderr.write) if demo.demo_exists() else None
        try:
            Supervisor(specs, log=self.stderr.write).run(stop)
        finally:
            if barrier is not None:
                barrier.stop()
        self.stdout.write(_("anfang 已停止。"))

    def _announce(self, host: str, port: int, url: str, stop: threading.Event) -> None:
        """Say when the web server accepts connections (the first start migrates and seeds first)."""
        deadline = time.monotonic() + 120
        while not stop.is_set() and time.monotonic() < deadline:
            if _reachable(host, port):
                self.stdout.write(_("anfang 已就绪：%(url)s") % {"url": url})
                return
            stop.wait(0.3)
