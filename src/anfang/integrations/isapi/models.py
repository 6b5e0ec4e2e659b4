"""What an ISAPI `EventNotificationAlert` says, as frozen dataclasses (no XML left in them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from anfang.integrations.events import Picture


@dataclass(frozen=True)
class PictureInfo:
    """One `pictureInfoList/pictureInfo` entry: the picture the device says belongs to the event."""

    file_name: str
    type: str = ""


@dataclass(frozen=True)
class AnprInfo:
    """The `ANPR` element of a plate-read push.

    `plate` is the plate without a Chinese colour prefix (蓝皖A7XG66 -> 皖A7XG66); the raw text stays in
    `license_plate_raw`. `plate_color` is the device's `plateColor` or, when that is missing/unknown, the
    colour the prefix names ("blue", "yellow", …).
    """

    plate: str
    license_plate_raw: str
    plate_color: str = ""
    plate_type: str = ""
    confidence: int | None = None
    direction: str = ""
    plate_char_believe: tuple[int, ...] = ()
    vehicle_type: str = ""
    vehicle_color: str = ""
    pictures: tuple[PictureInfo, ...] = ()


@dataclass(frozen=True)
class IsapiAlert:
    """One `EventNotificationAlert` (and the pictures that came with it in a multipart body).

    Text fields are "" when the device left them out; numbers are None. `date_time` is None when the
    device sent no time or one without a UTC offset (it is never guessed); `date_time_text` keeps what
    was sent. `channel` is channelID, or dynChannelID when the device sent only that.
    """

    event_type: str
    event_state: str = "active"
    channel: int | None = None
    dyn_channel: int | None = None
    date_time: dt.datetime | None = None
    date_time_text: str = ""
    ip_address: str = ""
    mac_address: str = ""
    channel_name: str = ""
    event_description: str = ""
    serial_number: str = ""
    region_id: int | None = None
    detection_target: str = ""
    relation_event: str = ""
    active_post_count: int | None = None
    input_port: int | None = None
    uuid: str = ""
    retransmission: bool = False
    pic_num: int | None = None  # how many pictures the device says it sends with the alert
    anpr: AnprInfo | None = None
    pictures: tuple[Picture, ...] = ()
    part_name: str = ""  # the multipart part that held the XML ("" for a bare XML body)

    @property
    def is_anpr(self) -> bool:
        """A plate read: the vehicles app, not the alarm desk, takes these."""
        return self.event_type.lower() == "anpr"

    @property
    def active(self) -> bool:
        """False for the "inactive" half (condition ended, or the videoloss keep-alive)."""
        return self.event_state.lower() != "inactive"
