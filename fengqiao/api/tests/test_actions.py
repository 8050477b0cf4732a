"""Every lifecycle action is reachable through the API and reaches ``cases.actions``."""

import pytest

from fengqiao.api.tests.helpers import client_for, make_token, new_case_body
from fengqiao.cases.models import Case, ExtensionRequest, Supervision

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(personas):
    def for_(persona, unit):
        return client_for(make_token(getattr(personas, persona), personas.units[unit])[1])

    return {
        "community": for_("community_operator", "community"),
        "street": for_("street_operator", "street"),
        "department": for_("department_handler", "department"),
    }


def new_case(client):
    return client.post("/api/v1/cases/", new_case_body(), format="json").json()["number"]


def act(client, number, action, status=200, **body):
    response = client.post(f"/api/v1/cases/{number}/actions/{action}/", body, format="json")
    assert response.status_code == status, response.content
    return response.json()


def status_of(number):
    return Case.objects.get(number=number).status


def test_reject(api):
    number = new_case(api["community"])
    act(api["community"], number, "reject", reason="不属于受理范围")
    assert status_of(number) == "rejected"


def test_suspend_and_resume(api):
    number = new_case(api["community"])
    act(api["community"], number, "accept")
    act(api["community"], number, "suspend", reason="等待鉴定")
    assert status_of(number) == "suspended"
    act(api["community"], number, "resume", note="鉴定完成")
    assert status_of(number) == "accepted"


def test_escalate_then_assign_down(api):
    number = new_case(api["community"])
    act(api["community"], number, "accept")
    act(api["community"], number, "escalate", reason="涉及多个社区")
    assert Case.objects.get(number=number).current_unit.code == "street1-centre"
    act(api["street"], number, "assign_down", to_unit="c11-centre", note="请社区处理")
    assert Case.objects.get(number=number).current_unit.code == "c11-centre"


def test_return_leaves_the_department_without_sight_of_the_case(api):
    number = new_case(api["community"])
    act(api["community"], number, "accept")
    act(api["community"], number, "dispatch", to_unit="dept-renshe")
    result = act(api["department"], number, "return", reason="不属于本部门")
    assert result["case"] is None and status_of(number) == "accepted"


def test_extension_requested_and_decided(api):
    number = new_case(api["community"])
    act(api["community"], number, "accept")
    act(api["community"], number, "dispatch", to_unit="dept-renshe")
    act(api["department"], number, "claim")
    act(api["department"], number, "request_extension", days=5, reason="需要现场勘验")
    detail = api["community"].get(f"/api/v1/cases/{number}/").json()
    assert "decide_extension" in detail["allowed_actions"]
    act(api["community"], number, "decide_extension", approve=True, note="同意")
    assert ExtensionRequest.objects.get().state == "approved"
    act(api["community"], number, "decide_extension", status=400, approve=True)


def test_follow_up_and_reopen_after_closing(api):
    number = new_case(api["community"])
    act(api["community"], number, "accept")
    act(api["community"], number, "claim")
    act(api["community"], number, "resolve", outcome="已调解")
    act(api["community"], number, "verify", passed=True)
    act(api["community"], number, "follow_up", satisfied=False, note="群众不满意")
    act(api["community"], number, "reopen", reason="问题未解决")
    assert Case.objects.get(number=number).reopened == 1


def test_merge_a_duplicate(api):
    first, second = new_case(api["community"]), new_case(api["community"])
    act(api["community"], second, "merge", into=first, note="同一件事")
    assert Case.objects.get(number=second).merged_into.number == first
    act(api["community"], first, "merge", status=400, into="FQ-20000101-00001")


def test_supervise(api):
    number = new_case(api["community"])
    act(api["community"], number, "accept")
    act(api["street"], number, "supervise", card="yellow", note="请加快办理")
    assert Supervision.objects.filter(case__number=number).count() == 1
