"""ASGI entry point (uvicorn): Django, with device events taken off Django's request cycle."""

import os
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anfang.settings")
django_application = get_asgi_application()

from anfang.alarms.ingest import device_events, events_path  # noqa: E402  (needs Django set up)


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if events_path(scope):
        await device_events(scope, receive, send, django_application)
        return
    await django_application(scope, receive, send)
