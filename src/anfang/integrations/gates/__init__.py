"""Barrier gates: anfang decides to open, a gate adapter sends the command (Hikvision ISAPI).

`GateCommand`, `GateResult`; `IsapiBarrier(base_url, channel, username, password, timeout_s).send(cmd)`
(the only client; never raises for device or network trouble); the pure `build_request` /
`parse_response` / `parse_command` / `response_status`; `SimulatedBarrier` for tests and the demo.
No Django here.
"""

from anfang.integrations.gates.errors import GateFormatError
from anfang.integrations.gates.isapi_barrier import IsapiBarrier
from anfang.integrations.gates.models import (
    AUTH,
    PROTOCOL,
    REFUSED,
    TIMEOUT,
    UNREACHABLE,
    GateCommand,
    GateResult,
)
from anfang.integrations.gates.protocol import build_request, parse_command, parse_response, response_status
from anfang.integrations.gates.simulator import SimulatedBarrier

__all__ = [
    "AUTH",
    "PROTOCOL",
    "REFUSED",
    "TIMEOUT",
    "UNREACHABLE",
    "GateCommand",
    "GateFormatError",
    "GateResult",
    "IsapiBarrier",
    "SimulatedBarrier",
    "build_request",
    "parse_command",
    "parse_response",
    "response_status",
]
