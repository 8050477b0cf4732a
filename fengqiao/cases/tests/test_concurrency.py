"""Two people acting on the same case at once, in real concurrent transactions (PostgreSQL).

Each test runs work in threads with their own database connections. Row locks
(``SELECT ... FOR UPDATE`` in every action) make the second actor wait for the first and then
see its change, so no update is lost and no action is taken twice. SQLite serialises writers
with ``BEGIN IMMEDIATE`` instead; its in-memory test database cannot be shared by threads, so
these tests run on PostgreSQL only.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction

from fengqiao.cases import actions
from fengqiao.cases.choices import Action, Status
from fengqiao.cases.errors import CaseError, NotAllowed
from fengqiao.cases.models import Case
from fengqiao.cases.tests.factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are tested on PostgreSQL (make test runs it there)")


def in_thread(work):
    """Run ``work`` in its own thread and connection; return its result or the exception."""
    try:
        return work()
    except Exception as exc:
        return exc
    finally:
        connections.close_all()


def test_second_accept_waits_for_the_first_and_is_refused(personas):
    case = make_case()
    locked = threading.Event()

    def first():
        with transaction.atomic():
            Case.objects.select_for_update().get(pk=case.pk)
            locked.set()
            threading.Event().wait(0.5)  # hold the lock while the second actor arrives
            return actions.accept(case, by=personas.community_operator)

    def second():
        locked.wait(5)
        return actions.accept(case, by=personas.community_operator)

    with ThreadPoolExecutor(2) as pool:
        a, b = pool.submit(in_thread, first), pool.submit(in_thread, second)
        results = [a.result(), b.result()]
    assert isinstance(results[0], Case) and results[0].status == Status.ACCEPTED
    assert isinstance(results[1], NotAllowed)
    assert case.events.filter(action=Action.ACCEPT).count() == 1


def test_concurrent_escalate_and_suspend_lose_neither_change(personas):
    case = actions.accept(make_case(), by=personas.community_operator)
    barrier = threading.Barrier(2)

    def escalate():
        barrier.wait(5)
        return actions.escalate(case, by=personas.community_operator, reason="跨社区")

    def suspend():
        barrier.wait(5)
        return actions.suspend(case, by=personas.community_operator, reason="等待鉴定")

    with ThreadPoolExecutor(2) as pool:
        outcomes = [
            f.result() for f in [pool.submit(in_thread, escalate), pool.submit(in_thread, suspend)]
        ]
    case.refresh_from_db()
    done = {e.action for e in case.events.all()} - {Action.SUBMIT, Action.ACCEPT}
    failures = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(f, CaseError) for f in failures), [repr(f) for f in failures]
    # whatever the order, the row shows exactly the changes the timeline records
    if Action.ESCALATE in done:
        assert case.current_unit == personas.units["street"]
    else:
        assert case.current_unit == personas.units["community"]
    assert (case.status == Status.SUSPENDED) == (Action.SUSPEND in done)
    assert len(done) == 2 - len(failures) >= 1


def test_simultaneous_reports_get_distinct_consecutive_numbers(personas):
    barrier = threading.Barrier(6)

    def report():
        barrier.wait(5)
        return make_case().number

    with ThreadPoolExecutor(6) as pool:
        numbers = [f.result() for f in [pool.submit(in_thread, report) for _ in range(6)]]
    assert all(isinstance(n, str) for n in numbers), numbers
    assert sorted(int(n[-5:]) for n in numbers) == [1, 2, 3, 4, 5, 6]


def test_deciding_an_extension_while_the_case_is_returned_does_not_deadlock(personas):
    """Returning the case lapses its pending extension request (case, then request); deciding
    the request must lock in the same order, or the two wait for each other."""
    case = actions.claim(
        actions.dispatch(
            actions.accept(make_case(), by=personas.community_operator),
            by=personas.community_operator,
            to_unit=personas.department,
        ),
        by=personas.department_handler,
    )
    request = actions.request_extension(
        case, by=personas.department_handler, days=3, reason="等待鉴定结果"
    )
    locked = threading.Event()

    def give_back():
        with transaction.atomic():
            Case.objects.select_for_update().get(pk=case.pk)
            locked.set()
            threading.Event().wait(0.5)  # hold the case while the decision arrives
            return actions.return_case(case, by=personas.department_handler, reason="非本单位职责")

    def decide():
        locked.wait(5)
        return actions.decide_extension(request, by=personas.community_operator, approve=True)

    with ThreadPoolExecutor(2) as pool:
        returned, decided = pool.submit(in_thread, give_back), pool.submit(in_thread, decide)
        results = [returned.result(), decided.result()]
    assert isinstance(results[0], Case), results[0]
    assert isinstance(results[1], NotAllowed) and "失效" in str(results[1]), results[1]
    request.refresh_from_db()
    assert request.state == "lapsed"


def test_two_readers_scoring_the_same_replies_at_once_both_succeed(personas):
    """The review list scores unscored replies when read; two readers at once both write the
    same figures (an upsert keyed by case): no error, one review per case."""
    from fengqiao.textintel import review
    from fengqiao.textintel.models import ReplyReview

    operator = personas.community_operator
    for _ in range(3):
        case = actions.claim(actions.accept(make_case(), by=operator), by=operator)
        actions.resolve(case, by=operator, outcome="已联系物业维修，目前已修复。")
    written = threading.Event()

    def first():
        with transaction.atomic():
            count = review.ensure_reviews(Case.objects.all())
            written.set()
            threading.Event().wait(0.5)  # hold the new rows while the second reader arrives
            return count

    def second():
        written.wait(5)
        return review.ensure_reviews(Case.objects.all())  # waits on the first's rows

    with ThreadPoolExecutor(2) as pool:
        a, b = pool.submit(in_thread, first), pool.submit(in_thread, second)
        results = [a.result(), b.result()]
    assert results == [3, 3]  # the second saw none committed yet, so it wrote them too
    assert ReplyReview.objects.count() == 3
