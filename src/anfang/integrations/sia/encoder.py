"""Build DC-09 frames as a panel sends them: a client for tests, benchmarks and the worker's tests.

Uses pysiaalarm's own CRC and AES helpers, so a frame built here is what pysiaalarm expects to read::

    encode_frame(account="1234", code="BA", zone="5", timestamp=now)
    # b'\\n<crc>0036"SIA-DCS"0001L0#1234[#1234|Nri1/BA5]_08:40:47,07-08-2026\\r'
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pysiaalarm import SIAEvent

from anfang.integrations.sia.models import KeyEncoding, SiaAccountConfig
from anfang.integrations.sia.parser import _sia_account


def encode_frame(
    *,
    account: str,
    timestamp: dt.datetime | None,
    code: str = "BA",
    zone: str = "1",
    area: str = "1",
    sequence: int = 1,
    message_type: Literal["SIA-DCS", "ADM-CID", "NULL"] = "SIA-DCS",
    key: str | None = None,
    key_encoding: KeyEncoding = "ascii",
    receiver: str = "",
    line: str = "0",
    text: str = "",
    cid_event: str = "130",
    qualifier: str = "1",
    partition: str = "00",
    bad_crc: bool = False,
) -> bytes:
    """One framed message (<LF> … <CR>), encrypted when `key` is given; `bad_crc` spoils the CRC.

    SIA-DCS carries `code`, `area` (ri) and `zone`; ADM-CID carries `qualifier`, `cid_event`,
    `partition` and `zone` (three digits); NULL is the link test.
    """
    account = account.upper()
    stamp = timestamp.astimezone(dt.UTC).strftime("_%H:%M:%S,%m-%d-%Y") if timestamp else ""
    if message_type == "SIA-DCS":
        content = f"#{account}|Nri{area}/{code}{zone}" + (f"^{text}^" if text else "") + f"]{stamp}"
    elif message_type == "ADM-CID":
        content = f"#{account}|{qualifier}{cid_event} {partition} {int(zone):03d}]{stamp}"
    else:
        content = f"]{stamp}"
    if key:
        config = SiaAccountConfig(account, key, key_encoding=key_encoding)
        # DC-09: the encrypted block starts with padding and "|"; pysiaalarm pads with zeros.
        content = SIAEvent(sia_account=_sia_account(config)).encrypt_content(f"|{content}") or ""
    receiver_token = f"R{receiver}" if receiver else ""
    id_token = f'"{"*" if key else ""}{message_type}"'
    body = f"{id_token}{sequence % 10000:04d}{receiver_token}L{line}#{account}[{content}"
    crc = SIAEvent._crc_calc(body) or "0000"
    if bad_crc:
        crc = f"{int(crc, 16) ^ 0xFFFF:04X}"
    return f"\n{crc}{len(body):04X}{body}\r".encode("ascii")
