"""Signal receivers: the duty log follows the alarm workflow (R-16 第16条: complete duty records)."""

from __future__ import annotations

from typing import Any

from anfang.duty import services


def log_alarm_action(sender: Any = None, *, action: Any, **kwargs: Any) -> None:
    """``alarms.signals.alarm_action_recorded``: one duty-log line per human step and per raise."""
    services.log_alarm_action(action)
