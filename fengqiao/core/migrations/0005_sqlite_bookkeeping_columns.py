"""On SQLite too, an UPDATE of only a bookkeeping column leaves the reference-data stamp.

0004 gave SQLite one trigger per table and event, so every login (``accounts_user.last_login``)
and every token's first use in a minute (``api_apitoken.last_used_at``) moved the stamp and made
every process reload its copies. SQLite has no column-aware trigger like PostgreSQL's
``to_jsonb(OLD) - column``, but ``AFTER UPDATE OF col, ...`` fires only when the UPDATE sets one
of the columns named; Django's login sets ``last_login`` alone and the token's use
``last_used_at`` alone. The columns are read from the table when the migration runs;
``core/tests/test_generation.py`` fails when a later migration adds a column the trigger does
not name (recreate the trigger then with :func:`update_trigger_sql`).
"""

from django.db import migrations

BOOKKEEPING = {"accounts_user": "last_login", "api_apitoken": "last_used_at"}
SQLITE_BUMP = "UPDATE core_generation SET value = lower(hex(randomblob(16))) WHERE id = 1;"


def update_trigger_sql(table: str, columns: list[str]) -> str:
    """The SQLite UPDATE trigger of ``table`` naming every column but its bookkeeping one."""
    named = ", ".join(f'"{c}"' for c in columns if c != BOOKKEEPING[table])
    return (
        f"CREATE TRIGGER fq_generation_{table}_update AFTER UPDATE OF {named} "
        f"ON {table} BEGIN {SQLITE_BUMP} END"
    )


def column_aware(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "sqlite":
        return  # PostgreSQL's triggers (0004) are column-aware already
    introspection = schema_editor.connection.introspection
    with schema_editor.connection.cursor() as cursor:
        for table in BOOKKEEPING:
            columns = [c.name for c in introspection.get_table_description(cursor, table)]
            schema_editor.execute(f"DROP TRIGGER IF EXISTS fq_generation_{table}_update")
            schema_editor.execute(update_trigger_sql(table, columns))


def every_column(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in BOOKKEEPING:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS fq_generation_{table}_update")
        schema_editor.execute(
            f"CREATE TRIGGER fq_generation_{table}_update AFTER UPDATE "
            f"ON {table} BEGIN {SQLITE_BUMP} END"
        )


class Migration(migrations.Migration):
    # The tables as their apps' latest migrations leave them (the columns are read, not listed).
    dependencies = [
        ("core", "0004_generation"),
        ("accounts", "0001_initial"),
        ("api", "0001_initial"),
    ]

    operations = [migrations.RunPython(column_aware, every_column)]
