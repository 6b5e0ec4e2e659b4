"""A simulated Hikvision barrier for tests and the demo: a real HTTP server in a thread, no Django.

It speaks the same ISAPI exchange as a device (`PUT /ISAPI/Parking/channels/<n>/barrierGate`, digest
auth, `ResponseStatus` answers), checks the XML, and keeps the commands it carried out. It can be told
to misbehave like a real barrier: `fail_with(500)` (or 401, 403…) answers that status, `fail_with(None,
delay_s=5)` answers late (and still carries the command out — a timed-out command may have opened the
gate), `fail_with(None)` drops the connection without an answer; `recover()` ends it. `stop()` closes
the port (connection refused).

    sim = SimulatedBarrier(username="admin", password="pw")
    sim.start()
    IsapiBarrier(sim.url, username="admin", password="pw").send(GateCommand.OPEN)
    sim.commands  # [(GateCommand.OPEN, 1, datetime(…, tzinfo=UTC))]
    sim.stop()
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Final

from anfang.integrations.gates.errors import GateFormatError
from anfang.integrations.gates.models import GateCommand
from anfang.integrations.gates.protocol import PATH_RE, parse_command, response_status

REALM: Final = "IP Camera(anfang-sim)"
MAX_BODY: Final = 64 << 10
_AUTH_PARAM = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))')


class SimulatedBarrier:
    """A barrier on `http://host:port` (port 0: a free one, see `url` after `start()`)."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, *, username: str = "admin", password: str = "pw"
    ) -> None:
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self._lock = threading.Lock()
        self._commands: list[tuple[GateCommand, int, dt.datetime]] = []
        self._nonces: set[str] = set()
        self._fail_status: int | None = None
        self._fail_delay = 0.0
        self._failing = False
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- control ---------------------------------------------------------------------------------------

    def start(self) -> SimulatedBarrier:
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server((self.host, self.port), _handler_for(self))
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, name="simulated-barrier", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the port; pending late answers are cut short."""
        server, self._server = self._server, None
        self._stopping.set()
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> SimulatedBarrier:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def commands(self) -> list[tuple[GateCommand, int, dt.datetime]]:
        """The commands carried out, oldest first: (command, channel, aware UTC time). A copy."""
        with self._lock:
            return list(self._commands)

    def clear(self) -> None:
        with self._lock:
            self._commands.clear()

    def fail_with(self, status: int | None = 500, delay_s: float = 0.0) -> None:
        """Misbehave until `recover()`: answer `status` (after `delay_s`), or with status None answer
        normally but `delay_s` late, or (status None, no delay) drop the connection unanswered."""
        if status is not None and not 100 <= status <= 599:
            raise ValueError("status must be an HTTP status code")
        with self._lock:
            self._failing = True
            self._fail_status = status
            self._fail_delay = max(0.0, delay_s)

    def recover(self) -> None:
        with self._lock:
            self._failing = False
            self._fail_status = None
            self._fail_delay = 0.0

    # --- the device's behaviour (called from the handler threads) ----------------------------------------

    def _failure(self) -> tuple[bool, int | None, float]:
        with self._lock:
            return self._failing, self._fail_status, self._fail_delay

    def _new_nonce(self) -> str:
        nonce = secrets.token_hex(16)
        with self._lock:
            if len(self._nonces) > 1000:
                self._nonces.clear()
            self._nonces.add(nonce)
        return nonce

    def _authorised(self, method: str, header: str) -> bool:
        """RFC 7616 digest (MD5, qop=auth, as Hikvision devices use) with a nonce this server issued."""
        scheme, _, rest = header.partition(" ")
        if scheme.lower() != "digest":
            return False
        params = {key.lower(): quoted or bare for key, quoted, bare in _AUTH_PARAM.findall(rest)}
        with self._lock:
            known = params.get("nonce", "") in self._nonces
        if not known or params.get("username") != self.username or params.get("realm") != REALM:
            return False
        ha1 = _md5(f"{self.username}:{REALM}:{self.password}")
        ha2 = _md5(f"{method}:{params.get('uri', '')}")
        if params.get("qop"):
            nc, cnonce = params.get("nc", ""), params.get("cnonce", "")
            expected = _md5(f"{ha1}:{params['nonce']}:{nc}:{cnonce}:{params['qop']}:{ha2}")
        else:
            expected = _md5(f"{ha1}:{params['nonce']}:{ha2}")
        return hmac.compare_digest(expected, params.get("response", ""))

    def _carry_out(self, command: GateCommand, channel: int) -> None:
        with self._lock:
            self._commands.append((command, channel, dt.datetime.now(dt.UTC)))


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (timeout) makes the late answer fail with a broken pipe: not news."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, OSError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _handler_for(barrier: SimulatedBarrier) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "App-webs/"  # what Hikvision devices answer with
        sys_version = ""

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: tests and the demo read `commands`, not a log."""

        def do_PUT(self) -> None:
            self._handle()

        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def _handle(self) -> None:
            length = _content_length(self.headers.get("Content-Length"))
            if length is None or length > MAX_BODY:
                self._answer(400, 6, "badParameters")
                return
            body = self.rfile.read(length) if length else b""
            failing, status, delay = barrier._failure()
            if failing and status is None and delay == 0:
                self.close_connection = True  # drop it: no status line at all
                return
            if failing and status is not None:
                if self._wait(delay):
                    self._answer_status(status)
                return
            if not barrier._authorised(self.command, self.headers.get("Authorization", "")):
                self._challenge()
                return
            match = PATH_RE.match(self.path.split("?", 1)[0])
            if match is None:
                self._answer(404, 4, "notSupport")
                return
            if self.command != "PUT":
                self._answer(405, 4, "methodNotAllowed")
                return
            channel = int(match.group(1))
            if not 1 <= channel <= 4:
                self._answer(400, 6, "badParameters")  # a parking terminal has 1-4 lanes
                return
            try:
                command = parse_command(body)
            except GateFormatError as exc:
                bad_format = str(exc).startswith(("not XML", "empty"))
                self._answer(400, 5 if bad_format else 6, "badXmlFormat" if bad_format else "badXmlContent")
                return
            if not self._wait(delay):  # a slow barrier: the answer is late, the arm still moves
                return
            barrier._carry_out(command, channel)
            self._answer(200, 1, "ok")

        def _wait(self, delay: float) -> bool:
            """Sleep `delay` seconds; False if the simulator is stopped meanwhile (then no answer)."""
            if delay and barrier._stopping.wait(delay):
                self.close_connection = True
                return False
            return True

        def _answer_status(self, status: int) -> None:
            if status == 401:
                self._challenge()
            elif status == 403:
                self._answer(403, 4, "lowPrivilege")
            elif status >= 500:
                self._answer(status, 3, "deviceError")
            elif 200 <= status < 300:
                self._answer(status, 1, "ok")
            else:
                self._answer(status, 4, "invalidOperation")

        def _challenge(self) -> None:
            nonce = barrier._new_nonce()
            self._answer(
                401,
                4,
                "badAuthorization",
                header=f'Digest qop="auth", realm="{REALM}", nonce="{nonce}", stale="FALSE", algorithm=MD5',
            )

        def _answer(self, status: int, status_code: int, sub: str, *, header: str = "") -> None:
            body = response_status(status_code, sub, request_url=self.path[:200])
            self.send_response(status)
            if header:
                self.send_header("WWW-Authenticate", header)
            self.send_header("Content-Type", 'application/xml; charset="UTF-8"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _content_length(value: str | None) -> int | None:
    if value is None or not value.strip():
        return 0
    text = value.strip()
    return int(text) if text.isdigit() and len(text) < 10 else None
