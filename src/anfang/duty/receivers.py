"""Signal receivers: the duty log follows the alarm workflow (R-16 第16条: complete duty records)."""

from __future__ import annotations

from typing import Any

from anfang.duty import services


def log_alarm_action(sender: Any = None, *, action: Any, created: bool = False, **kwargs: Any) -> None:
    """``alarms.signals.alarm_action_recorded``: one duty-log line per alarm step (repeats left out)."""
    services.log_alarm_action(action, created=created)


def log_arming(
    sender: Any = None, *, device: Any, armed: bool, by: Any, zone: Any = None, **kwargs: Any
) -> None:
    """``alarms.signals.zones_armed``: arming/disarming by hand is a line of the duty log."""
    services.log_arming(device, armed=armed, by=by, zone=zone)
