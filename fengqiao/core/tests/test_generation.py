"""The reference-data stamp: triggers move it on every write, copies follow it."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from fengqiao.accounts.models import Membership, Role, Unit, User
from fengqiao.api.models import ApiToken
from fengqiao.cases.models import Category, RoutingRule
from fengqiao.core.generation import Memo, current
from fengqiao.core.models import Generation
from fengqiao.regions.models import Region

pytestmark = pytest.mark.django_db


def counting_memo(load=lambda: object()):
    calls = []

    def loader():
        calls.append(1)
        return load()

    return Memo(loader), calls


def test_a_memo_loads_once_while_nothing_changes(region_tree):
    memo, calls = counting_memo()
    first = memo.get()
    assert memo.get() is first and memo.get() is first
    assert len(calls) == 1


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda p: Unit.objects.filter(pk=p.units["street"].pk).update(phone="1"), id="unit"
        ),
        pytest.param(lambda p: Region.objects.filter(level="grid").update(name="x"), id="region"),
        pytest.param(
            lambda p: Category.objects.filter(code="dispute-wages").update(priority="urgent"),
            id="category",
        ),
        pytest.param(
            lambda p: User.objects.filter(pk=p.street_operator.pk).update(email="a@b.cn"), id="user"
        ),
        pytest.param(
            lambda p: Membership.objects.filter(user=p.street_operator).delete(), id="membership"
        ),
        pytest.param(
            lambda p: Membership.objects.create(
                user=p.outsider, unit=p.units["street"], role=Role.OPERATOR
            ),
            id="membership-insert",
        ),
        pytest.param(
            lambda p: RoutingRule.objects.create(
                category=Category.objects.get(code="dispute-wages"), unit=p.department
            ),
            id="routing-rule",
        ),
        pytest.param(
            lambda p: ApiToken.objects.filter(unit=p.units["street"]).update(name="renamed"),
            id="token",
        ),
    ],
)
def test_any_write_to_the_reference_tables_moves_the_stamp_and_reloads(personas, write):
    ApiToken.objects.create(
        name="t", user=personas.street_operator, unit=personas.units["street"], key_hash="h" * 64
    )
    memo, calls = counting_memo()
    memo.get()
    before = current()
    write(personas)
    assert current() != before
    memo.get()
    assert len(calls) == 2


def test_a_write_elsewhere_leaves_the_stamp(personas):
    before = current()
    from fengqiao.cases.tests.factories import make_case

    make_case()
    assert current() == before


def test_raw_sql_moves_the_stamp_too(personas):
    before = current()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_routingrule SET is_active = is_active")
        cursor.execute(
            "UPDATE accounts_unit SET phone = phone WHERE id = %s", [personas.department.pk]
        )
    assert current() != before


def test_a_rolled_back_write_never_labels_a_copy_that_comes_back(personas):
    """Inside the transaction the copy sees the uncommitted rule; after the rollback the stamp
    is the old one again, so the copy is not taken for the committed state."""
    memo = Memo(lambda: RoutingRule.objects.count())
    assert memo.get() == 0
    outside = current()
    with pytest.raises(RuntimeError), transaction.atomic():
        RoutingRule.objects.create(
            category=Category.objects.get(code="dispute-wages"), unit=personas.department
        )
        assert memo.get() == 1
        raise RuntimeError("roll back")
    assert current() == outside
    assert memo.get() == 0


def test_without_the_row_nothing_is_kept(region_tree):
    memo, calls = counting_memo()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_generation")
    assert current() is None
    memo.get(), memo.get()
    assert len(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_by_another_connection_is_seen_on_the_next_use(personas):
    if connection.vendor != "postgresql":
        pytest.skip(
            "threads with their own connections are tested on PostgreSQL (make test runs it there)"
        )
    memo = Memo(lambda: set(RoutingRule.objects.values_list("unit_id", flat=True)))
    assert memo.get() == set()
    category = Category.objects.get(code="dispute-wages")

    def other_worker():
        try:
            RoutingRule.objects.create(category=category, unit=personas.department)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    thread.join()
    assert memo.get() == {personas.department.pk}


def test_the_triggers_cover_exactly_the_reference_models():
    import importlib

    from django.apps import apps

    from fengqiao.core.generation import REFERENCE_MODELS

    migration = importlib.import_module("fengqiao.core.migrations.0004_generation")
    assert sorted(apps.get_model(label)._meta.db_table for label in REFERENCE_MODELS) == sorted(
        migration.TABLES
    )


def test_inside_a_request_the_stamp_is_read_once(personas, django_assert_num_queries):
    from fengqiao.core.generation import pinned

    with pinned(), django_assert_num_queries(1):
        first = current()
        assert current() == first and current() == first


def test_a_save_inside_the_request_is_seen_by_the_same_request(personas):
    from fengqiao.core.generation import pinned

    memo = Memo(lambda: RoutingRule.objects.count())
    with pinned():
        assert memo.get() == 0
        RoutingRule.objects.create(
            category=Category.objects.get(code="dispute-wages"), unit=personas.department
        )
        assert memo.get() == 1


def test_an_api_create_reads_the_stamp_once(personas):
    """A create uses four copies (token, category, routing, recipients): one stamp read."""
    from django.test.utils import CaptureQueriesContext

    from fengqiao.api.tests.helpers import client_for, make_token, new_case_body

    _, key = make_token(personas.community_operator, personas.units["community"])
    client = client_for(key)
    assert client.post("/api/v1/cases/", new_case_body(), format="json").status_code == 201
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/cases/", new_case_body(), format="json")
    assert response.status_code == 201, response.content
    stamps = [q for q in captured.captured_queries if "core_generation" in q["sql"]]
    assert len(stamps) == 1


def test_bookkeeping_columns_leave_the_stamp(personas):
    """A login or a token's last use is not reference data: it does not move the stamp (on
    PostgreSQL it does not wait for the stamp's row lock either)."""
    from django.utils import timezone

    token = ApiToken.objects.create(
        name="t", user=personas.street_operator, unit=personas.units["street"], key_hash="k" * 64
    )
    before = current()
    User.objects.filter(pk=personas.street_operator.pk).update(last_login=timezone.now())
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    assert current() == before
    User.objects.filter(pk=personas.street_operator.pk).update(first_name="新")
    assert current() != before


def test_a_login_leaves_the_stamp(client, personas):
    before = current()
    personas.street_operator.set_password("pw-for-the-test-123")
    personas.street_operator.save()
    assert current() != before  # a password is the user's record, not bookkeeping
    before = current()
    assert client.login(username=personas.street_operator.username, password="pw-for-the-test-123")
    assert current() == before


def test_sqlite_update_triggers_name_every_column_but_the_bookkeeping_one():
    """SQLite's column-aware triggers name the columns they watch: a column added later must be
    named too (recreate the trigger in a migration with ``update_trigger_sql``)."""
    import importlib

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's triggers compare whole rows (to_jsonb), naming no columns")
    migration = importlib.import_module("fengqiao.core.migrations.0005_sqlite_bookkeeping_columns")
    with connection.cursor() as cursor:
        for table in migration.BOOKKEEPING:
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                [f"fq_generation_{table}_update"],
            )
            assert cursor.fetchone()[0] == migration.update_trigger_sql(table, columns)


@pytest.mark.django_db(transaction=True)
def test_the_column_aware_triggers_migrate_back_and_forth(personas):
    """Unapplying core.0005 restores 0004's whole-row trigger (a login moves the stamp again);
    applying it again restores the column-aware one."""
    from django.db.migrations.executor import MigrationExecutor

    if connection.vendor != "sqlite":
        pytest.skip("core.0005 changes SQLite's triggers only; on PostgreSQL it does nothing")
    user = personas.street_operator
    # An earlier transactional test's flush may have emptied the table the data migration filled.
    Generation.objects.get_or_create(id=1, defaults={"value": "start"})

    def trigger_sql():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                ["fq_generation_accounts_user_update"],
            )
            return cursor.fetchone()[0]

    def login_moves_the_stamp():
        before = current()
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        return current() != before

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("core")[0]  # back where the test database was
    executor.migrate([("core", "0004_generation")])
    try:
        assert trigger_sql().startswith(
            "CREATE TRIGGER fq_generation_accounts_user_update AFTER UPDATE ON"
        )
        assert login_moves_the_stamp()
    finally:
        executor = MigrationExecutor(connection)  # a fresh graph of what is applied now
        executor.migrate([latest])
    assert " AFTER UPDATE OF " in trigger_sql() and '"last_login"' not in trigger_sql()
    assert not login_moves_the_stamp()
