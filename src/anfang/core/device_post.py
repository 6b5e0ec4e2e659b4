"""Device posts taken off Django's request cycle (`anfang.asgi` routes them here).

A camera or detector posting hundreds of messages a second paid, per message, for Django's single thread
for sync views, 13 middlewares, ninja and a new database connection. The endpoints that devices post to
(`POST /api/v1/events`, `POST /api/v1/passages`) read the body here, check the device token with one plain
query and store with their own writers; the answer is the same as Django's. Anything else — a person's
token, no token, a body over the limit — is handed to Django unchanged, with the body already read
replayed, so its answers stay exactly Django's.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Any], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
DeviceHandler = Callable[[Scope, Receive, Send, ASGIApp], Awaitable[None]]


def post_path(scope: Scope) -> str | None:
    """The path of an HTTP POST without the proxy's root path; None for anything else."""
    if scope["type"] != "http" or scope["method"] != "POST":
        return None
    path, root = scope.get("path", ""), scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return str(path)


@dataclass
class DevicePost:
    """The body and bearer token of one POST, read up to a limit."""

    chunks: list[bytes]
    more: bool  # the client still had more to send past the limit
    size: int
    token: str
    content_type: str  # the whole header (a multipart boundary is a parameter)
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    @property
    def media_type(self) -> str:
        """Without parameters, as Django's `request.content_type` gives it."""
        return self.content_type.split(";")[0].strip()

    def replay(self, receive: Receive) -> Receive:
        """`receive` for Django: the body already read, then whatever the client still sends."""
        pending = list(self.chunks)
        more = self.more

        async def replayed() -> dict[str, Any]:
            if pending:
                body = b"".join(pending)
                pending.clear()
                return {"type": "http.request", "body": body, "more_body": more}
            return await receive()

        return replayed


async def read_post(scope: Scope, receive: Receive, limit: int) -> DevicePost | None:
    """Read the body (up to `limit` bytes and one chunk more); None if the client went away."""
    headers = dict(scope.get("headers") or [])
    chunks: list[bytes] = []
    size, more = 0, True
    while more and size <= limit:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        more = bool(message.get("more_body"))
    scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
    return DevicePost(
        chunks=chunks,
        more=more,
        size=size,
        token=token.strip() if scheme.lower() == "bearer" else "",
        content_type=headers.get(b"content-type", b"").decode("latin-1"),
    )


def for_django(post: DevicePost, limit: int) -> bool:
    """Django answers this one: no bearer token, or a body over the limit."""
    return post.more or post.size > limit or not post.token


# What Django's middleware adds to the same answer (SecurityMiddleware, XFrameOptionsMiddleware).
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


async def send_json(send: Send, status: int, doc: dict[str, Any], request_id: str) -> None:
    payload = json.dumps(doc, ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(payload)).encode()),
        # Ties the answer to the change records it caused, as AuditContextMiddleware does.
        (b"x-request-id", request_id.encode()),
        *SECURITY_HEADERS,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
