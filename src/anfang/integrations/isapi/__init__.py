"""Hikvision ISAPI alarm-server pushes (`EventNotificationAlert` XML, alone or in multipart bodies).

Bytes in, frozen dataclasses out; no Django, no I/O, no clock. Entry points: `parse_alert` and
`to_device_event`.
"""

from anfang.integrations.isapi.errors import IsapiFormatError
from anfang.integrations.isapi.mapping import event_type_for, external_id_for, to_device_event
from anfang.integrations.isapi.models import AnprInfo, IsapiAlert, PictureInfo
from anfang.integrations.isapi.parser import parse_alert, parse_xml, split_plate_color

__all__ = [
    "AnprInfo",
    "IsapiAlert",
    "IsapiFormatError",
    "PictureInfo",
    "event_type_for",
    "external_id_for",
    "parse_alert",
    "parse_xml",
    "split_plate_color",
    "to_device_event",
]
