"""SIA codes (and Contact ID events, through pysiaalarm's mapping) → anfang's `DeviceEvent`.

The two-letter SIA codes follow a pattern per family: the first letter names what (B burglary, F fire,
W water…), the second what happened (A alarm, H/R restore, T trouble, J trouble restore, B bypass,
X test). `_FAMILIES` and `_SECOND` encode that pattern; `_CODES` lists the codes outside it (arming,
openings, panel troubles). Descriptions are pysiaalarm's SIA code table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from anfang.integrations import events as ev
from anfang.integrations.events import DeviceEvent
from anfang.integrations.sia.models import SiaMessage

# First letter → event type, for the families whose second letter follows the alarm pattern.
_FAMILIES: Final[dict[str, str]] = {
    "B": ev.INTRUSION,  # burglary
    "F": ev.FIRE,
    "K": ev.FIRE,  # heat
    "S": ev.FIRE,  # sprinkler flow
    "G": ev.GAS,
    "W": ev.WATER_LEAK,
    "M": ev.MEDICAL,
    "P": ev.EMERGENCY,  # panic
    "H": ev.EMERGENCY,  # hold-up / duress
    "Q": ev.EMERGENCY,
    "U": ev.OTHER,  # untyped zone: still an alarm
    "Z": ev.OTHER,  # freeze
}
# Second letter → (type, restore); None as type = the family's own type.
_SECOND: Final[dict[str, tuple[str | None, bool]]] = {
    "A": (None, False),  # alarm
    "G": (None, False),  # unverified event
    "M": (None, False),  # cross point
    "V": (None, False),  # verified (BV)
    "H": (None, True),  # alarm restore
    "R": (None, True),  # restoral
    "C": (None, True),  # cancel (by a user)
    "T": (ev.DEVICE_FAULT, False),  # trouble
    "S": (ev.DEVICE_FAULT, False),  # supervisory
    "D": (ev.DEVICE_FAULT, False),  # swinger trouble (BD)
    "Y": (ev.DEVICE_FAULT, False),  # missing trouble
    "Z": (ev.DEVICE_FAULT, False),  # missing supervision
    "J": (ev.DEVICE_FAULT, True),  # trouble restore
    "Q": (ev.DEVICE_FAULT, True),  # supervisory trouble restore (FQ)
    "E": (ev.DEVICE_FAULT, True),  # swinger trouble restore (BE)
    "B": (ev.INFO, False),  # bypass: logged, never an alarm
    "U": (ev.INFO, True),  # unbypass
    "X": (ev.TEST, False),  # test
    "I": (ev.TEST, False),  # fire test begin (FI)
    "K": (ev.TEST, False),  # fire test end (FK)
}

_ARMING = [
    "AF",
    "CL",
    "CA",
    "CP",
    "CQ",
    "CS",
    "CZ",
    "CG",
    "CB",
    "CC",
    "CF",
    "CW",
    "CR",
    "CJ",
    "CK",
    "CE",
    "NL",
    "NF",
    "NM",
    "NB",
    "ND",
    "NE",
    "NO",
    "NP",
]
_DISARMING = ["OP", "OA", "OQ", "OS", "OZ", "OG", "OR", "OB", "OK", "OJ", "OH", "OL"]
_FAULTS = [
    "AT",
    "AS",
    "IA",
    "LT",
    "NT",
    "ET",
    "EM",
    "XT",
    "XQ",
    "XL",
    "VT",
    "VZ",
    "VO",
    "YA",
    "YC",
    "YD",
    "YF",
    "YI",
    "YM",
    "YP",
    "YS",
    "YT",
    "YU",
    "YX",
    "YW",
    "RT",
    "RY",
    "XX",
    "DJ",
    "DM",
    "DT",
    "OU",
    "PF",
    "SM",
]
_FAULT_RESTORES = [
    "AR",
    "AN",
    "IR",
    "LR",
    "NR",
    "ER",
    "EN",
    "XR",
    "XH",
    "VR",
    "VY",
    "VI",
    "YH",
    "YJ",
    "YK",
    "YQ",
    "YR",
    "YE",
    "YZ",
    "OV",
    "PO",
    "XC",
]

_CODES: Final[dict[str, tuple[str, bool]]] = {
    **dict.fromkeys(_ARMING, (ev.ARMING, False)),
    **dict.fromkeys(_DISARMING, (ev.DISARMING, False)),
    **dict.fromkeys(_FAULTS, (ev.DEVICE_FAULT, False)),
    **dict.fromkeys(_FAULT_RESTORES, (ev.DEVICE_FAULT, True)),
    **dict.fromkeys(["RP", "RX", "TX", "TC", "TE", "TS", "TP", "YY"], (ev.TEST, False)),
    # Tamper: enclosure, expansion device, RF receiver, user code guessing (JA; JC = cancelled, per
    # pysiaalarm's table), and a substituted panel.
    **dict.fromkeys(["TA", "TT", "ES", "XS", "JA", "AA"], (ev.TAMPER, False)),
    **dict.fromkeys(["TH", "TR", "TJ", "EJ", "XJ", "JC"], (ev.TAMPER, True)),
    # Housekeeping: date/time changed, schedules, log, user codes changed, power-up, remote programming.
    **dict.fromkeys(
        [
            "JD",
            "JT",
            "JL",
            "JO",
            "JP",
            "JR",
            "JS",
            "JV",
            "JK",
            "JX",
            "RR",
            "RS",
            "RB",
            "LB",
            "LS",
            "LE",
            "LX",
        ],
        (ev.INFO, False),
    ),
    "TB": (ev.INFO, False),  # tamper bypass
    "TU": (ev.INFO, True),
    "EA": (ev.INTRUSION, False),  # exit alarm
    "DF": (ev.INTRUSION, False),  # door forced
    "DL": (ev.DOOR, False),  # door left open
    "DH": (ev.DOOR, True),
    "DR": (ev.DOOR, True),
    "FV": (ev.DEVICE_FAULT, True),  # fire supervision restore, not "verified"
    "FL": (ev.INFO, False),  # fire alarm silenced: the fire is not over, its alarm stays open
    "NS": (ev.INFO, True),  # activity resumed
}

CID_RESTORE: Final = "3"  # Contact ID qualifier: 1 new event, 3 restore, 6 previously reported


def event_type_for(code: str, *, qualifier: str = "") -> tuple[str, bool]:
    """(event type, restore) for a SIA code; `qualifier` is the Contact ID qualifier for ADM-CID."""
    code = code.upper()
    event_type, restore = _CODES.get(code, (ev.OTHER, False))
    if code not in _CODES and len(code) == 2 and code[0] in _FAMILIES and code[1] in _SECOND:
        second_type, restore = _SECOND[code[1]]
        event_type = second_type or _FAMILIES[code[0]]
    return event_type, restore or qualifier == CID_RESTORE


def vendor_code_for(message: SiaMessage) -> str:
    """The panel's own code: the SIA code, or qualifier + event for Contact ID ("1110")."""
    if message.event_code:
        return f"{message.qualifier}{message.event_code}"
    return message.code


def external_id_for(message: SiaMessage, *, received_at: dt.datetime | None = None) -> str:
    """Account/sequence/time/code/zone: the same frame resent after a lost ACK maps to the same id.

    Frames without a timestamp (OH lines, clear-text frames that omit it) use the receive second, so a
    sequence number that wraps at 9999 does not swallow a later event.
    """
    when = message.timestamp or received_at
    stamp = when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ") if when else "-"
    parts = [message.account or "-", message.sequence or message.message_type, stamp]
    parts += [vendor_code_for(message) or "-", message.zone[:40]]
    return "/".join(parts)[:200]


def to_device_event(
    message: SiaMessage, *, device_code: str, received_at: dt.datetime | None = None
) -> DeviceEvent:
    """The normalised event for a parsed frame; `received_at` only feeds the id of untimed frames."""
    if message.message_type == "NULL":
        # DC-09 link supervision: the panel is alive, nothing happened.
        event_type, restore = ev.HEARTBEAT, False
    else:
        event_type, restore = event_type_for(message.code, qualifier=message.qualifier)
    data: dict[str, Any] = {
        "account": message.account,
        "sequence": message.sequence,
        "receiver": message.receiver,
        "line": message.line,
        "message_type": message.message_type,
        "encrypted": message.encrypted,
        "sia_code": message.code,
        "description": message.description,
        "area": message.ri or message.partition,
        "user": message.user,
        "qualifier": message.qualifier,
        "event_code": message.event_code,
        "timestamp": message.timestamp_text,
        "crc_valid": message.crc_valid,
        "length_valid": message.length_valid,
    }
    if message.extended_data:
        data["extended_data"] = dict(message.extended_data)
    return DeviceEvent(
        source="sia",
        device=device_code,
        external_id=external_id_for(message, received_at=received_at),
        type=event_type,
        occurred_at=message.timestamp,
        zone=message.zone,
        restore=restore,
        vendor_code=vendor_code_for(message),
        text=message.text.strip(),
        data={key: value for key, value in data.items() if value not in ("", None)},
    )
