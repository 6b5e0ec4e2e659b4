"""Inserts without the ORM's per-statement cost, for the few append-only rows of a hot path.

Measured on the alarm ingest path (bench/alarms.py, docs/benchmarks.md): ``Model.objects.create()``
costs about 0.35 ms of CPU where SQLite itself needs 0.03 ms; building the INSERT is the cost, not the
database. ``PlainInsert`` builds the SQL once per model and reuses it, still filling every column the
way ``save()`` would (field defaults, ``auto_now``, JSON and date adaptation for the connection).

It skips ``pre_save``/``post_save``, so it refuses change-logged models: their change records come from
those signals. Portable: ``%s`` parameters and ``RETURNING`` work on SQLite (≥ 3.35) and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any, Generic, TypeVar

from django.core import checks
from django.db import connection, models

from anfang.core.models import ChangeLoggedModel

M = TypeVar("M", bound=models.Model)

# Field types whose Python value is what both databases take (no adaptation, no `pre_save` work).
_AS_IS: frozenset[type[models.Field[Any, Any]]] = frozenset(
    {
        models.CharField,
        models.TextField,
        models.IntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.SmallIntegerField,
        models.BigIntegerField,
        models.BooleanField,
        models.FloatField,
    }
)


class PlainInsert(Generic[M]):
    """``PlainInsert(AlarmAction).one(action)`` stores the unsaved instance and sets its primary key."""

    def __init__(self, model: type[M], *, skip_conflicts: bool = False) -> None:
        if issubclass(model, ChangeLoggedModel):
            raise TypeError(f"{model._meta.label} is change-logged: save it through the ORM")
        self.model = model
        meta = model._meta
        self.fields = [f for f in meta.concrete_fields if not f.primary_key]
        # Most columns go to the database as they are; only these need the field's own conversion
        # (times, JSON, `auto_now`, …). Telling them apart once saves most of the per-row work.
        self._plain = [
            f.attname if type(f) in _AS_IS or isinstance(f, models.ForeignKey) else None for f in self.fields
        ]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        # ON CONFLICT DO NOTHING (no target) covers every unique index, partial ones included; the
        # conflicting row then returns nothing and `one()` answers None.
        conflict = " ON CONFLICT DO NOTHING" if skip_conflicts else ""
        self.sql = (
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks}){conflict}"
            f" RETURNING {quote(meta.pk.column)}"
        )

    def _values(self, instance: M) -> list[Any]:
        values = instance.__dict__
        return [
            values[attname]
            if attname is not None
            else field.get_db_prep_save(field.pre_save(instance, True), connection)
            for field, attname in zip(self.fields, self._plain, strict=True)
        ]

    def one(self, instance: M) -> int | None:
        """Insert; the new id (also set on the instance), or None when a unique index kept an earlier row."""
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self._values(instance))
            row = cursor.fetchone()
        if row is None:
            return None
        instance.pk = row[0]
        instance._state.adding = False
        instance._state.db = connection.alias
        return int(row[0])

    def many(self, instances: Iterable[M]) -> None:
        """Insert several rows in one round (ids are not read back)."""
        rows = [self._values(instance) for instance in instances]
        if not rows:
            return
        sql = self.sql.rsplit(" RETURNING ", 1)[0]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


@cache
def plain_insert(model: type[M], *, skip_conflicts: bool = False) -> PlainInsert[M]:
    """The one `PlainInsert` of a model (its SQL is built once per process)."""
    return PlainInsert(model, skip_conflicts=skip_conflicts)


@checks.register(checks.Tags.database)
def sqlite_returns_rows(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`RETURNING` came with SQLite 3.35; Django 5.2 itself runs on 3.31 (Debian 11, Ubuntu 20.04)."""
    import sqlite3

    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 35):
        return [
            checks.Error(
                f"SQLite {sqlite3.sqlite_version} is too old: anfang needs 3.35 or newer"
                " (INSERT … RETURNING).",
                hint="Use a newer system (Debian 12, Ubuntu 22.04) or PostgreSQL (DATABASE_URL).",
                id="anfang.E001",
            )
        ]
    return []
