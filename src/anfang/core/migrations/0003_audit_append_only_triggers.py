"""R-33.5: the database itself refuses to rewrite audit rows (defence in depth beside the hash chain).

UPDATE is refused on SQLite and PostgreSQL; DELETE is refused on PostgreSQL only, because Django's
test flush on SQLite deletes rows (PostgreSQL truncates). A deleted row is still caught by
``anfang audit verify``.
"""

from django.db import migrations

TABLES = ("core_changerecord", "core_accessrecord")


def create_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                """
                CREATE OR REPLACE FUNCTION anfang_audit_append_only() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION 'anfang audit log is append-only (R-33.5)';
                END;
                $$ LANGUAGE plpgsql;
                """
            )
            for table in TABLES:
                cur.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION anfang_audit_append_only()"
                )
        elif connection.vendor == "sqlite":
            for table in TABLES:
                cur.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'anfang audit log is append-only (R-33.5)'); END"
                )


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cur:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            elif connection.vendor == "sqlite":
                cur.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
        if connection.vendor == "postgresql":
            cur.execute("DROP FUNCTION IF EXISTS anfang_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
