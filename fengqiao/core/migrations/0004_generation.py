"""The reference-data stamp and the triggers that move it (fengqiao.core.generation).

Every INSERT, UPDATE or DELETE (and, on PostgreSQL, TRUNCATE) of the tables below gives the one
``core_generation`` row a new random value, in the writer's transaction, so a rolled-back write
leaves the old value and a committed one is seen by every process. On PostgreSQL an UPDATE that
changes only a bookkeeping column (a login time, a token's last use) does not.
"""

from django.db import migrations, models

TABLES = [
    "accounts_user",
    "accounts_unit",
    "accounts_membership",
    "regions_region",
    "cases_category",
    "cases_routingrule",
    "api_apitoken",
]
EVENTS = ["INSERT", "UPDATE", "DELETE"]
# Columns written as bookkeeping, not reference data: on PostgreSQL an UPDATE that changes only
# these leaves the stamp (and takes no lock on its row), so a user's login or a token's
# last-used time never waits behind a long import that changed reference data.
BOOKKEEPING = {"accounts_user": "last_login", "api_apitoken": "last_used_at"}

SQLITE_BUMP = "UPDATE core_generation SET value = lower(hex(randomblob(16))) WHERE id = 1;"
POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION fq_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE core_generation SET value = md5(random()::text || clock_timestamp()::text)
    WHERE id = 1;
    RETURN NULL;
END
$$;
"""


def create_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(POSTGRES_FUNCTION)
        for table in TABLES:
            column = BOOKKEEPING.get(table)
            if column is None:
                run(
                    f"CREATE TRIGGER fq_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                    f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION fq_generation_bump()"
                )
                continue
            run(
                f"CREATE TRIGGER fq_generation AFTER INSERT OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION fq_generation_bump()"
            )
            run(
                f"CREATE TRIGGER fq_generation_update AFTER UPDATE ON {table} FOR EACH ROW "
                f"WHEN ((to_jsonb(OLD) - '{column}') IS DISTINCT FROM (to_jsonb(NEW) - '{column}')) "
                f"EXECUTE FUNCTION fq_generation_bump()"
            )
    elif schema_editor.connection.vendor == "sqlite":
        for table in TABLES:
            for event in EVENTS:
                run(
                    f"CREATE TRIGGER fq_generation_{table}_{event.lower()} AFTER {event} "
                    f"ON {table} BEGIN {SQLITE_BUMP} END"
                )
    else:  # pragma: no cover - the project supports SQLite and PostgreSQL only
        raise NotImplementedError(schema_editor.connection.vendor)
    run("INSERT INTO core_generation (id, value) VALUES (1, 'initial')")


def drop_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            run(f"DROP TRIGGER IF EXISTS fq_generation ON {table}")
            run(f"DROP TRIGGER IF EXISTS fq_generation_update ON {table}")
        run("DROP FUNCTION IF EXISTS fq_generation_bump()")
    else:
        for table in TABLES:
            for event in EVENTS:
                run(f"DROP TRIGGER IF EXISTS fq_generation_{table}_{event.lower()}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_auditentry"),
        ("accounts", "0001_initial"),
        ("regions", "0001_initial"),
        ("cases", "0003_alter_caseevent_action"),
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Generation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.CharField(max_length=40, verbose_name="版本")),
            ],
            options={"verbose_name": "参考数据版本", "verbose_name_plural": "参考数据版本"},
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
