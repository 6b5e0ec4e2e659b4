"""Duty room services (第15、16条)."""

from __future__ import annotations

from typing import Any


def log_alarm_action(action: Any) -> None:
    """Placeholder until the duty log lands."""
