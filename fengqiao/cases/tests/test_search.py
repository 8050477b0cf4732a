"""Keyword search (cases.search): the bigram index on PostgreSQL gives the same answers as the
plain substring scan, and PostgreSQL's planner can use it."""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fengqiao.cases import search
from fengqiao.cases.models import Case
from fengqiao.cases.tests.factories import make_case

TEXTS = [
    ("楼上漏水", "3栋2单元502漏水，楼下402天花板渗水。", "幸福小区3栋"),
    ("噪音扰民", "楼下KTV每晚营业到凌晨两点，噪音很大。", "建设路88号"),
    ("工资拖欠", "某工地拖欠农民工工资三个月，约30人。", ""),
    ("Street light out", "The lamp at No. 5 is OUT since Monday; 路灯不亮。", "Main St 5"),
    ("占道经营", "菜市场门口商贩占道，百分比 100%_折扣 招牌挡路。", "菜市场东门"),
    ("路面塌陷", "路口塌陷，深约半米。有人漏水", "3栋"),  # "…漏水" + " " + "3栋" in the side table
    ("水管爆裂", "小区主水管爆裂，整栋停水。", "幸福小区A\\B座"),
]
WORDS = [
    "漏水",
    "漏",  # one character: the plain scan
    "水",
    "幸福小区",
    "噪音很大",
    "street",
    "OUT",
    "lamp at",
    "100%_",  # LIKE's wildcards are characters to find
    "%_",
    "A\\B",  # LIKE's escape character too
    "\\%",
    "漏 水",  # a space inside: no case has it
    "漏水 3栋",  # no field has it, though one case's description and address, joined, do
    "OUT SINCE",  # an ASCII phrase with a space, inside one field
    "水漏",  # the bigrams of a case, in another order
    "天花板渗水。",
    "不存在的词",
    "FQ-",  # every number starts so
]


@pytest.fixture
def made(personas):
    return [make_case(title=t, description=d, address=a) for t, d, a in TEXTS]


def expected(cases, words):
    """What the search means, worked out in Python over the cases' fields."""
    up = words.upper()
    return sorted(
        c.pk
        for c in cases
        if any(up in f.upper() for f in (c.number, c.title, c.description, c.address))
    )


@pytest.mark.parametrize("words", WORDS)
def test_search_finds_what_the_substring_scan_finds(made, words):
    found = sorted(search.matching(Case.objects.all(), words).values_list("pk", flat=True))
    assert found == expected(made, words)


def test_the_search_follows_an_edited_case(made):
    """Triggers keep the side table, so an edit through any path is searchable at once."""
    case = made[0]
    Case.objects.filter(pk=case.pk).update(title="窨井盖缺失")
    assert list(search.matching(Case.objects.all(), "窨井")) == [Case.objects.get(pk=case.pk)]
    assert case.pk not in set(
        search.matching(Case.objects.all(), "楼上").values_list("pk", flat=True)
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram index is PostgreSQL's")
def test_postgresql_plans_the_search_with_the_bigram_index(made):
    """If the query's expression drifted from the index's (migration 0006), PostgreSQL could
    not use the index at all, however few rows it would return; with sequential and plain index
    scans priced out, only a bitmap scan of an index that matches the condition is left."""
    query = search.matching(Case.objects.all(), "漏水")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_search_bigrams_idx" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram index is PostgreSQL's")
def test_postgresql_bigrams_of_short_and_long_texts(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT fengqiao_bigrams(''), fengqiao_bigrams('漏'), fengqiao_bigrams('漏水漏水'),"
            " fengqiao_bigrams(NULL)"
        )
        empty, one, repeated, null = cursor.fetchone()
    assert empty == [] and one == [] and null is None
    assert repeated == ["漏水", "水漏", "漏水"]  # GIN drops the repeats itself


@pytest.mark.django_db(transaction=True)
def test_postgresql_the_index_migrates_back_and_forth(personas):
    """Unapplying cases.0006 drops the side table, its index, the triggers and the function;
    applying it again builds them, filled from the cases already there."""
    from django.db.migrations.executor import MigrationExecutor

    if connection.vendor != "postgresql":
        pytest.skip("cases.0006 creates PostgreSQL objects only; on SQLite it does nothing")

    def present():
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('case_search_bigrams_idx') IS NOT NULL")
            index = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM pg_proc WHERE proname = 'fengqiao_bigrams'")
            function = cursor.fetchone()[0] == 1
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'case_search_text_%'")
            return index, function, cursor.fetchone()[0]

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("cases")[0]  # back where the test database was
    case = make_case(title="窨井盖缺失")  # there before the index is rebuilt
    executor.migrate([("cases", "0005_measure_indexes")])
    try:
        assert present() == (False, False, 0)
    finally:
        executor = MigrationExecutor(connection)  # a fresh graph of what is applied now
        executor.migrate([latest])
    assert present() == (True, True, 4)
    assert list(search.matching(Case.objects.all(), "窨井")) == [case]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the side table is PostgreSQL's")
def test_postgresql_triggers_keep_the_side_table(made):
    def side(case):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT doc, xmin::text FROM cases_search_text WHERE case_id = %s", [case.pk]
            )
            return cursor.fetchone()

    case = made[3]
    doc, version = side(case)
    assert doc == f"{case.number} STREET LIGHT OUT {case.description.upper()} MAIN ST 5"
    # A lifecycle save writes every column but changes no text: the row is not rewritten.
    case.status = "accepted"
    case.save()
    assert side(case) == (doc, version)
    case.address = "Side St 9"
    case.save()
    assert side(case)[0].endswith(" SIDE ST 9")
    # Cases are never deleted in the product (their timeline protects them); the trigger is
    # for a database administrator's DELETE.
    from fengqiao.cases.models import CaseEvent
    from fengqiao.notifications.models import Notification

    Notification.objects.filter(case=case).delete()
    CaseEvent.objects.filter(case=case).delete()
    case.delete()
    assert side(case) is None


ALPHABET = "".join(sorted(set("".join(t + d + a for t, d, a in TEXTS)))) + "aAxX%_\\ 漏"
# A case's texts joined as the side table joins them, so that some words span two fields.
JOINED = [" ".join(texts) for texts in TEXTS]
PIECES = st.sampled_from(JOINED).flatmap(
    lambda text: st.tuples(st.integers(0, len(text) - 1), st.integers(1, 8)).map(
        lambda at: text[at[0] : at[0] + at[1]]
    )
)


@settings(
    max_examples=80,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    words=st.one_of(PIECES, st.text(alphabet=ALPHABET, min_size=1, max_size=6))
    .map(str.strip)
    .filter(bool)
)
def test_any_words_find_what_the_scan_finds(made, words):
    """Pieces of the cases' texts (some across two fields), and words drawn from their
    characters and LIKE's special ones: the index never changes the answer."""
    found = sorted(search.matching(Case.objects.all(), words).values_list("pk", flat=True))
    assert found == expected(made, words)
