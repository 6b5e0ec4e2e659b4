"""Send barrier commands to a Hikvision device over ISAPI (HTTP digest auth). The package's only client.

`IsapiBarrier.send()` never raises for device or network trouble: a refused, unanswered or timed-out
command is a failed `GateResult` with the reason, so the caller (vehicles app) can log it and tell the
guard, instead of catching exceptions.
"""

from __future__ import annotations

import dataclasses
import time

import httpx

from anfang.integrations.gates.models import PROTOCOL, TIMEOUT, UNREACHABLE, GateCommand, GateResult
from anfang.integrations.gates.protocol import MAX_ANSWER, build_request, parse_response


class IsapiBarrier:
    """One barrier: a device's base URL (`http://192.168.1.64` or `http://host:port`) and its channel.

    `timeout_s` bounds each phase of the exchange (connect, write, each read); with digest auth a
    command is two requests (the challenge, then the authorised PUT), so the whole can take up to about
    twice that. A `client` may be injected (tests, connection reuse); it is not closed here.
    """

    def __init__(
        self,
        base_url: str,
        channel: int = 1,
        username: str = "admin",
        password: str = "",
        timeout_s: float = 3.0,
        *,
        client: httpx.Client | None = None,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        build_request(GateCommand.OPEN, channel)  # checks the channel now, not at the gate
        self.base_url = base_url.rstrip("/")
        self.channel = channel
        self.username = username
        self._password = password
        self.timeout_s = timeout_s
        self._client = client
        # Kept between commands: the connection, and the digest challenge (one request per command
        # instead of two once the device has challenged). Not for use by two threads at once.
        self._own_client: httpx.Client | None = None
        self._auth = httpx.DigestAuth(username, password)

    def __repr__(self) -> str:  # never show the password
        return f"IsapiBarrier({self.base_url!r}, channel={self.channel}, username={self.username!r})"

    def send(self, command: GateCommand | str) -> GateResult:
        """Send one command and judge the answer; the time taken is in `ms`."""
        method, path, body = build_request(command, self.channel)
        started = time.monotonic()
        result = self._exchange(method, path, body)
        return dataclasses.replace(result, ms=round((time.monotonic() - started) * 1000, 1))

    def close(self) -> None:
        if self._own_client is not None:
            self._own_client.close()
            self._own_client = None

    def _exchange(self, method: str, path: str, body: bytes) -> GateResult:
        headers = {"Content-Type": "application/xml; charset=UTF-8"}
        url = self.base_url + path
        client = self._client
        if client is None:
            if self._own_client is None:
                self._own_client = httpx.Client(timeout=self.timeout_s, follow_redirects=False)
            client = self._own_client
        try:
            try:
                response = client.request(
                    method, url, content=body, headers=headers, auth=self._auth, timeout=self.timeout_s
                )
            except httpx.HTTPError:
                self.close()  # a fresh connection next time
                raise
        except httpx.TimeoutException:
            return GateResult(False, None, f"no answer within {self.timeout_s:g} s", error=TIMEOUT)
        except httpx.RemoteProtocolError as exc:
            return GateResult(
                False, None, f"the device closed the connection: {exc}"[:300], error=UNREACHABLE
            )
        except httpx.TransportError as exc:
            return GateResult(False, None, f"cannot reach the device: {exc}"[:300], error=UNREACHABLE)
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:  # a bad base URL, a bad challenge
            return GateResult(False, None, f"cannot send the command: {exc}"[:300], error=PROTOCOL)
        return parse_response(response.status_code, response.content[:MAX_ANSWER])
