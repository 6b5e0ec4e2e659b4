"""SIA DC-09 alarm receiver library (SIA-DCS, ADM-CID, NULL, OH lines), wrapping pysiaalarm.

Bytes in, frozen dataclasses out; no Django, no I/O, no clock. Entry points: `handle_frame` (parse, check
and answer one frame), `parse_frame`, `to_device_event`, `split_frames`, and `encode_frame` (a client).
"""

from anfang.integrations.sia.encoder import encode_frame
from anfang.integrations.sia.errors import SiaConfigError, SiaFormatError
from anfang.integrations.sia.mapping import event_type_for, external_id_for, to_device_event, vendor_code_for
from anfang.integrations.sia.models import SiaAccountConfig, SiaMessage, SiaOutcome
from anfang.integrations.sia.parser import (
    accounts_by_id,
    find_account,
    handle_frame,
    parse_frame,
    split_frames,
)

__all__ = [
    "SiaAccountConfig",
    "SiaConfigError",
    "SiaFormatError",
    "SiaMessage",
    "SiaOutcome",
    "accounts_by_id",
    "encode_frame",
    "event_type_for",
    "external_id_for",
    "find_account",
    "handle_frame",
    "parse_frame",
    "split_frames",
    "to_device_event",
    "vendor_code_for",
]
