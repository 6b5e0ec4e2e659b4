"""``anfang serve``: the web process (uvicorn on ``anfang.asgi:application``).

Static files are served by whitenoise from the finders, so no ``collectstatic`` is needed first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _("运行 Web 服务（uvicorn），地址和端口默认取 ANFANG_HOST / ANFANG_PORT。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.CONFIG.host, help=_("监听地址"))
        parser.add_argument("--port", type=int, default=settings.CONFIG.port, help=_("监听端口"))
        parser.add_argument("--workers", type=int, default=1, help=_("Web 进程数"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError(_("--workers 须为正整数。"), returncode=2)
        if not 0 < options["port"] < 65536:
            raise CommandError(_("--port 须在 1–65535 之间。"), returncode=2)
        # whitenoise warns about a missing STATIC_ROOT even when it serves from the finders.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        uvicorn.run(
            "anfang.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            lifespan="off",  # Django's ASGI handler does not speak the lifespan protocol
            proxy_headers=True,
            log_level="info",
        )
