"""ASGI entry point (uvicorn): Django, with what devices post taken off Django's request cycle."""

import os
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anfang.settings")
django_application = get_asgi_application()

# Imported once Django is set up.
from anfang.alarms.ingest import EVENTS_PATH, device_events  # noqa: E402
from anfang.core.device_post import DeviceHandler, post_path  # noqa: E402
from anfang.vehicles.ingest import PASSAGES_PATH, device_passages  # noqa: E402

DEVICE_POSTS: dict[str, DeviceHandler] = {EVENTS_PATH: device_events, PASSAGES_PATH: device_passages}


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    path = post_path(scope)
    handler = DEVICE_POSTS.get(path) if path is not None else None
    if handler is not None:
        await handler(scope, receive, send, django_application)
        return
    await django_application(scope, receive, send)
