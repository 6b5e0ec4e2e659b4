"""The ``anfang`` console script: process commands (up, serve, worker) and Django management commands.

``anfang seed-demo`` runs the management command ``seed_demo`` (dashes become underscores), so every
command is a Django management command: ``up``, ``serve`` and ``worker`` live in
``anfang/core/management/commands/``. The worker registry is here, in one place, so ``anfang worker``,
``anfang up`` and the docs agree on the names.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from typing import Protocol

# Worker name → "module:Class" (each class in its app's workers.py, see docs/STYLE "Long-running
# workers"). A name whose module does not exist yet is "not available in this version".
WORKERS: dict[str, str] = {
    "mqtt": "anfang.alarms.workers:MqttListener",
    "sia": "anfang.alarms.workers:SiaReceiver",
    "scheduler": "anfang.core.workers:Scheduler",
    "recorder": "anfang.video.workers:Recorder",
    "anpr": "anfang.anpr.workers:PlateReader",
    "uploader": "anfang.police.workers:Uploader",
}


class Worker(Protocol):
    """What ``anfang worker NAME`` runs: loop until ``stop`` is set (``while not stop.wait(i): tick()``)."""

    def run(self, stop: threading.Event) -> None: ...


class UnknownWorker(LookupError):
    """No worker of that name exists at all."""


class WorkerNotAvailable(LookupError):
    """The name is registered but this version does not ship its implementation yet."""


def load_worker(name: str) -> type[Worker]:
    """The class registered as ``name``; raises :class:`UnknownWorker` or :class:`WorkerNotAvailable`."""
    try:
        target = WORKERS[name]
    except KeyError:
        raise UnknownWorker(name) from None
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only the worker's own module (or its package) missing means "not implemented"; a missing
        # third-party dependency inside an existing module is a real error and propagates.
        if exc.name and module_name.startswith(exc.name):
            raise WorkerNotAvailable(name) from exc
        raise
    cls = getattr(module, attr, None)
    if cls is None:
        raise WorkerNotAvailable(name)
    worker_class: type[Worker] = cls
    return worker_class


def available_workers() -> list[str]:
    """Names of the workers this version implements (``anfang up`` starts each of them)."""
    names = []
    for name in WORKERS:
        try:
            load_worker(name)
        except WorkerNotAvailable:
            continue
        names.append(name)
    return names


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anfang.settings")
    from django.core.management import execute_from_command_line

    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["anfang", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
