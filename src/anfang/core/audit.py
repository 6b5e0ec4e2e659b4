"""Change log and access log (R-33.5 第33条第(5)项): append-only, hash-chained, verifiable.

Each row stores ``prev_hash`` (the hash of the row before it in the same chain) and ``hash`` =
SHA-256 over the canonical JSON of its own fields plus ``prev_hash``. ``seq`` counts 1, 2, 3 … without
gaps and :class:`AuditChainHead` remembers the newest row, so :func:`verify` detects an edited row,
a deleted row in the middle and deleted rows at the end.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from anfang.core.models import AccessRecord, AuditChainHead, AuditRecord, ChangeRecord

GENESIS = "0" * 64
CHAINS: dict[str, type[AuditRecord]] = {"change": ChangeRecord, "access": AccessRecord}


@dataclass
class AuditContext:
    """Who is acting: a user (web/API) or a system process (``worker:sia``, ``cli``)."""

    user: Any = None
    system: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    reason: str = ""

    @property
    def actor_name(self) -> str:
        if self.user is not None and getattr(self.user, "is_authenticated", False):
            return str(self.user.get_username())
        return self.system or "system"


_context: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar("anfang_audit", default=None)


def current() -> AuditContext:
    return _context.get() or AuditContext(system="system")


@contextmanager
def actor(
    user: Any = None, *, system: str = "", reason: str = "", request_id: str = ""
) -> Iterator[AuditContext]:
    """Attribute every change made inside the block, e.g. ``with audit.actor(system="worker:sia"):``."""
    ctx = AuditContext(user=user, system=system, reason=reason)
    if request_id:
        ctx.request_id = request_id
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)


@contextmanager
def reason(text: str) -> Iterator[None]:
    """Record why the changes inside the block were made (e.g. an R-33.3 authorisation)."""
    ctx = _context.get()
    if ctx is None:
        with actor(system="system", reason=text):
            yield
        return
    old = ctx.reason
    ctx.reason = text
    try:
        yield
    finally:
        ctx.reason = old


# ---------------------------------------------------------------------------------------------------
# Serialisation and hashing
# ---------------------------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
        return value.name or None
    return str(value)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def serialise_instance(obj: models.Model) -> dict[str, Any]:
    """Concrete field values (foreign keys as ids), JSON-safe, without excluded timestamps."""
    exclude = set(getattr(obj, "audit_exclude", ()))
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in exclude:
            continue
        value = f.value_from_object(obj)
        if isinstance(f, models.DecimalField) and value is not None:
            # Same text whether the value came from a form ("20") or the database ("20.00").
            value = f"{decimal.Decimal(value):.{f.decimal_places}f}"
        data[f.attname] = value
    result: dict[str, Any] = json.loads(canonical_json(data))
    return result


def _hash_fields(row: AuditRecord) -> dict[str, Any]:
    data = {}
    for f in row._meta.concrete_fields:
        if f.name in {"id", "hash"}:
            continue
        data[f.attname] = f.value_from_object(row)
    return data


def compute_hash(row: AuditRecord) -> str:
    return hashlib.sha256(canonical_json(_hash_fields(row)).encode()).hexdigest()


def _append(chain: str, row: AuditRecord) -> AuditRecord:
    """Link ``row`` to the head of ``chain`` and store it; serialised by a lock on the head row."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"anfang_audit_{chain}"])
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            chain=chain, defaults={"seq": 0, "hash": GENESIS}
        )
        row.seq = head.seq + 1
        row.prev_hash = head.hash or GENESIS
        row.hash = compute_hash(row)
        row.save()
        AuditChainHead.objects.filter(chain=chain).update(seq=row.seq, hash=row.hash)
    return row


def _base_fields(community_id: int | None) -> dict[str, Any]:
    ctx = current()
    user = ctx.user if ctx.user is not None and getattr(ctx.user, "is_authenticated", False) else None
    return {
        "at": timezone.now(),
        "actor_id": user.pk if user is not None else None,
        "actor_name": ctx.actor_name,
        "request_id": ctx.request_id,
        "community_id": community_id,
    }


def record_change(
    obj: models.Model,
    action: str,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    community_id: int | None = None,
    reason: str | None = None,
) -> ChangeRecord:
    """Append one change; call inside the transaction that made it."""
    row = ChangeRecord(
        **_base_fields(community_id),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
        reason=reason if reason is not None else current().reason,
    )
    result = _append("change", row)
    assert isinstance(result, ChangeRecord)
    return result


def record_access(
    kind: str,
    resource: str,
    *,
    community_id: int | None = None,
    query: dict[str, Any] | None = None,
    result_count: int | None = None,
) -> AccessRecord:
    """Append one view/search/export of sensitive data (R-33.5)."""
    row = AccessRecord(
        **_base_fields(community_id),
        kind=kind,
        resource=resource,
        query=json.loads(canonical_json(query or {})),
        result_count=result_count,
    )
    result = _append("access", row)
    assert isinstance(result, AccessRecord)
    return result


# ---------------------------------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainProblem:
    chain: str
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq}: {self.problem}"


def verify(chain: str) -> tuple[int, list[ChainProblem]]:
    """Walk ``chain`` from the first row; return the rows checked and every problem found."""
    model = CHAINS[chain]
    problems: list[ChainProblem] = []
    expected_seq = 1
    prev_hash = GENESIS
    count = 0
    for row in model.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if row.seq != expected_seq:
            problems.append(
                ChainProblem(chain, expected_seq, f"rows {expected_seq}–{row.seq - 1} are missing (deleted)")
            )
        if row.prev_hash != prev_hash:
            problems.append(ChainProblem(chain, row.seq, "prev_hash does not match the row before it"))
        if compute_hash(row) != row.hash:
            problems.append(ChainProblem(chain, row.seq, "content was changed after it was written"))
        expected_seq = row.seq + 1
        prev_hash = row.hash
    head = AuditChainHead.objects.filter(chain=chain).first()
    head_seq = head.seq if head else 0
    if head_seq != expected_seq - 1:
        problems.append(
            ChainProblem(
                chain, head_seq, f"the newest {head_seq - expected_seq + 1} row(s) are missing (deleted)"
            )
        )
    elif head is not None and head.hash != prev_hash:
        problems.append(ChainProblem(chain, head_seq, "newest row does not match the chain head"))
    return count, problems
