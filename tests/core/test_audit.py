"""R-33.5 (第33条第(5)项): the change log is append-only and hash-chained; tampering is detected."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from anfang.core import audit
from anfang.core.models import AccessRecord, AppendOnlyError, ChangeRecord
from tests.support import factories

pytestmark = pytest.mark.django_db


def test_every_registry_change_is_recorded_with_actor_and_before_after(tenancy):
    loc = factories.location(tenancy.a, name="1号楼")
    with audit.actor(tenancy.manager_a):
        loc.name = "一号楼"
        loc.save()
        loc.delete()
    rows = list(ChangeRecord.objects.filter(object_type="sites.location").order_by("seq"))
    assert [r.action for r in rows] == ["create", "update", "delete"]
    assert rows[1].before["name"] == "1号楼" and rows[1].after["name"] == "一号楼"
    assert rows[1].actor_id == tenancy.manager_a.pk and rows[1].actor_name == "manager_a"
    assert rows[2].after is None and rows[2].community_id == tenancy.a.pk


def test_saving_without_a_change_writes_nothing(tenancy):
    before = ChangeRecord.objects.count()
    tenancy.a.save()
    assert ChangeRecord.objects.count() == before


def test_chain_verifies_clean(tenancy):
    audit.record_access("export", "community", community_id=tenancy.a.pk, result_count=1)
    for chain in ("change", "access"):
        count, problems = audit.verify(chain)
        assert count > 0 and problems == []


def test_records_refuse_update_and_delete(tenancy):
    row = ChangeRecord.objects.first()
    row.reason = "x"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        ChangeRecord.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AccessRecord.objects.update(resource="x")


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)


@pytest.fixture
def attacker_with_ddl_rights():
    """Someone with full database rights drops the append-only triggers before tampering."""
    with connection.cursor() as cur:
        for table in ("core_changerecord", "core_accessrecord"):
            if connection.vendor == "postgresql":
                cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
            else:
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")


def test_database_refuses_to_rewrite_audit_rows(tenancy):
    from django.db import DatabaseError, transaction

    row = ChangeRecord.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw(f"UPDATE {ChangeRecord._meta.db_table} SET object_repr = %s WHERE id = %s", ["forged", row.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            _raw(f"DELETE FROM {ChangeRecord._meta.db_table} WHERE id = %s", [row.pk])


def test_tampered_row_is_detected(tenancy, attacker_with_ddl_rights):
    row = ChangeRecord.objects.filter(object_type="sites.community").first()
    _raw(f"UPDATE {ChangeRecord._meta.db_table} SET object_repr = %s WHERE id = %s", ["forged", row.pk])
    _, problems = audit.verify("change")
    assert any(p.seq == row.seq and "changed" in p.problem for p in problems)


def test_deleted_middle_row_is_detected(tenancy, attacker_with_ddl_rights):
    rows = list(ChangeRecord.objects.order_by("seq")[:3])
    _raw(f"DELETE FROM {ChangeRecord._meta.db_table} WHERE id = %s", [rows[1].pk])
    _, problems = audit.verify("change")
    assert any("missing" in p.problem for p in problems)


def test_deleted_newest_row_is_detected(tenancy, attacker_with_ddl_rights):
    newest = ChangeRecord.objects.order_by("-seq").first()
    _raw(f"DELETE FROM {ChangeRecord._meta.db_table} WHERE id = %s", [newest.pk])
    _, problems = audit.verify("change")
    assert any("newest" in p.problem for p in problems)


def test_verify_command_exit_status(tenancy, attacker_with_ddl_rights):
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "OK" in out.getvalue()
    row = ChangeRecord.objects.order_by("seq").first()
    _raw(f"UPDATE {ChangeRecord._meta.db_table} SET after = NULL WHERE id = %s", [row.pk])
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify", stdout=StringIO(), stderr=StringIO())
    assert exc.value.code == 1
