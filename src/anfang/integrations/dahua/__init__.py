"""Dahua `eventManager.cgi?action=attach` event streams (IPC, NVR, ITC traffic cameras).

Bytes in, frozen dataclasses out; no Django, no I/O, no clock. Entry points: `parse_event_block`,
`parse_event_blocks`, `EventStreamParser` and `to_device_event`; ITC plate reads (ITSAPI TollgateInfo
push, Traffic* blocks): `parse_tollgate`, `plate_read_from_event` → `DahuaPlateRead` (`itc.py`).
"""

from anfang.integrations.dahua.errors import DahuaFormatError
from anfang.integrations.dahua.itc import (
    KEEPALIVE_PATH,
    TOLLGATE_ACK,
    TOLLGATE_PATH,
    DahuaPlateRead,
    parse_tollgate,
    plate_read_from_event,
)
from anfang.integrations.dahua.mapping import event_type_for, external_id_for, to_device_event
from anfang.integrations.dahua.models import DahuaEvent, DahuaPlate
from anfang.integrations.dahua.parser import (
    EventStreamParser,
    parse_event_block,
    parse_event_blocks,
    split_blocks,
)

__all__ = [
    "KEEPALIVE_PATH",
    "TOLLGATE_ACK",
    "TOLLGATE_PATH",
    "DahuaEvent",
    "DahuaFormatError",
    "DahuaPlate",
    "DahuaPlateRead",
    "EventStreamParser",
    "event_type_for",
    "external_id_for",
    "parse_event_block",
    "parse_event_blocks",
    "parse_tollgate",
    "plate_read_from_event",
    "split_blocks",
    "to_device_event",
]
