"""What a Dahua event block says, as frozen dataclasses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DahuaPlate:
    """The plate fields of an ITC traffic event (TrafficJunction, TrafficParking, …), read tolerantly."""

    plate: str
    plate_color: str = ""  # lower-cased: "blue", "yellow", "unknown"
    plate_type: str = ""
    confidence: int | None = None
    vehicle_type: str = ""
    vehicle_color: str = ""
    direction: str = ""
    lane: int | None = None


@dataclass(frozen=True)
class DahuaEvent:
    """One `Code=…;action=…;index=…;data={…}` block.

    `index` is the 0-based channel (or alarm input) the device names; `data` is the parsed JSON object
    ({} when the block had none). `occurred_at` is `RealUTC` when the device sends it, else `UTC` as the
    device said it — many firmwares put local wall time there (see QUALITY.md); None when absent.
    `raw` is the block's text as received.
    """

    code: str
    action: str = ""
    index: int | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, str] = field(default_factory=dict)  # other key=value pairs before data=
    occurred_at: dt.datetime | None = None
    locale_time: str = ""
    event_id: int | None = None
    plate: DahuaPlate | None = None
    raw: str = ""

    @property
    def is_heartbeat(self) -> bool:
        """The keep-alive a stream opened with `heartbeat=N` sends every N seconds."""
        return self.code.lower() == "heartbeat"

    @property
    def is_traffic(self) -> bool:
        """An ITC traffic/plate event: the vehicles app, not the alarm desk, takes these."""
        return self.code.lower().startswith("traffic")

    @property
    def is_anpr(self) -> bool:
        """Same as `is_traffic`; named like `IsapiAlert.is_anpr` so callers treat both vendors alike."""
        return self.is_traffic

    @property
    def restore(self) -> bool:
        """ "Stop" ends a condition that "Start" raised."""
        return self.action.lower() == "stop"
