"""Errors of the MQTT library: one type, so callers catch exactly what bad input raises."""

from __future__ import annotations


class MqttPayloadError(ValueError):
    """A topic or payload anfang cannot read (not JSON, wrong shape, unknown event type, bad time)."""
