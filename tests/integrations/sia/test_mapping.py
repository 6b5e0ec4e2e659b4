"""SIA codes and Contact ID events map to anfang's event types, restores marked."""

from __future__ import annotations

import pytest
from pysiaalarm.data.data import SIA_CODES

from anfang.integrations import events as ev
from anfang.integrations.sia import event_type_for


@pytest.mark.parametrize(
    ("code", "event_type", "restore"),
    [
        ("BA", ev.INTRUSION, False),
        ("BB", ev.INFO, False),  # bypass: logged, never an alarm
        ("BH", ev.INTRUSION, True),
        ("BR", ev.INTRUSION, True),
        ("BT", ev.DEVICE_FAULT, False),
        ("BJ", ev.DEVICE_FAULT, True),
        ("PA", ev.EMERGENCY, False),
        ("HA", ev.EMERGENCY, False),  # hold-up / duress
        ("QA", ev.EMERGENCY, False),
        ("PH", ev.EMERGENCY, True),
        ("FA", ev.FIRE, False),
        ("FH", ev.FIRE, True),
        ("FR", ev.FIRE, True),
        ("FT", ev.DEVICE_FAULT, False),
        ("FV", ev.DEVICE_FAULT, True),
        ("KA", ev.FIRE, False),  # heat
        ("WA", ev.WATER_LEAK, False),
        ("WH", ev.WATER_LEAK, True),
        ("GA", ev.GAS, False),
        ("MA", ev.MEDICAL, False),
        ("TA", ev.TAMPER, False),
        ("TR", ev.TAMPER, True),
        ("JA", ev.TAMPER, False),
        ("JC", ev.TAMPER, True),
        ("ES", ev.TAMPER, False),
        ("CL", ev.ARMING, False),
        ("CA", ev.ARMING, False),
        ("OP", ev.DISARMING, False),
        ("OR", ev.DISARMING, False),
        ("RP", ev.TEST, False),
        ("RX", ev.TEST, False),
        ("TX", ev.TEST, False),
        ("YT", ev.DEVICE_FAULT, False),
        ("YR", ev.DEVICE_FAULT, True),
        ("AT", ev.DEVICE_FAULT, False),
        ("AR", ev.DEVICE_FAULT, True),
        ("XT", ev.DEVICE_FAULT, False),
        ("LT", ev.DEVICE_FAULT, False),
        ("DF", ev.INTRUSION, False),
        ("UA", ev.OTHER, False),
        ("JD", ev.INFO, False),  # date changed: logged, no alarm
        ("ba", ev.INTRUSION, False),
    ],
)
def test_sia_code_maps(code: str, event_type: str, restore: bool) -> None:
    assert event_type_for(code) == (event_type, restore)


def test_contact_id_qualifier_3_is_a_restore() -> None:
    # CID 401 qualifier 3: pysiaalarm maps to CL (closing); events.py: "CID 401 restore=closing".
    assert event_type_for("CL", qualifier="3") == (ev.ARMING, True)
    assert event_type_for("BH", qualifier="3") == (ev.INTRUSION, True)
    assert event_type_for("BA", qualifier="1") == (ev.INTRUSION, False)
    assert event_type_for("BA", qualifier="6") == (ev.INTRUSION, False)


def test_every_code_in_pysiaalarms_table_maps_to_a_known_type() -> None:
    for code in SIA_CODES:
        event_type, restore = event_type_for(code)
        assert event_type in ev.EVENT_TYPES
        assert isinstance(restore, bool)


def test_no_alarm_family_code_is_silently_log_only() -> None:
    """An alarm ("xA") of any family must be able to raise an alarm."""
    for code in SIA_CODES:
        if code[1] == "A" and code not in ("CA", "OA", "RA"):  # automatic closing/opening, programmer call
            event_type, restore = event_type_for(code)
            assert event_type not in ev.LOG_ONLY_TYPES and not restore, code
