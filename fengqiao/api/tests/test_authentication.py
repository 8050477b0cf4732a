"""Token authentication and the token admin."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from fengqiao.accounts.models import Membership
from fengqiao.api.models import ApiToken, hash_key
from fengqiao.api.tests.helpers import assert_error, client_for, make_token, new_case_body

pytestmark = pytest.mark.django_db


def test_no_credentials_is_401_with_the_scheme(personas):
    response = APIClient().get("/api/v1/cases/")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_wrong_and_malformed_tokens_are_401(personas):
    assert_error(client_for("fq_nonsense").get("/api/v1/cases/"), 401, "not_authenticated")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token a b")
    assert_error(client.get("/api/v1/cases/"), 401, "not_authenticated")


def test_revoked_token_is_401(personas):
    token, key = make_token(personas.community_operator, personas.units["community"])
    assert client_for(key).get("/api/v1/cases/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert_error(client_for(key).get("/api/v1/cases/"), 401, "not_authenticated")


def test_only_the_hash_is_stored_and_use_is_recorded(personas):
    token, key = make_token(personas.community_operator, personas.units["community"])
    assert token.key_hash == hash_key(key) and key not in token.key_hash
    client_for(key).get("/api/v1/units/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_user_must_work_in_the_unit(personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_token(personas.department_handler, personas.units["community"])


def test_admin_shows_the_key_once_and_revokes(personas, client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    response = client.post(
        "/admin/api/apitoken/add/",
        {
            "name": "12345 热线",
            "unit": personas.units["community"].pk,
            "user": personas.community_operator.pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    key = next(m.split("：")[-1] for m in messages if "fq_" in m)
    token = ApiToken.objects.get()
    assert token.key_hash == hash_key(key)
    assert client_for(key).get("/api/v1/units/").status_code == 200
    listing = client.get("/admin/api/apitoken/")
    assert listing.status_code == 200 and key not in listing.content.decode()
    client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client_for(key).get("/api/v1/units/").status_code == 401


def test_a_token_acts_only_with_the_roles_of_its_unit(personas):
    """A service account with roles in two units acts, through a token, only for the token's
    unit: the district leader's account with a community token sees that community's cases and
    nothing else of the district, and may not act as the district centre."""
    from fengqiao.accounts.models import Membership, Role
    from fengqiao.cases.tests.factories import make_case

    leader, community = personas.district_leader, personas.units["community"]
    Membership.objects.create(user=leader, unit=community, role=Role.OPERATOR)
    near = make_case()
    far = make_case(lon=113.25, lat=28.05)

    _, community_key = make_token(leader, community)
    narrowed = client_for(community_key)
    listed = {row["number"] for row in narrowed.get("/api/v1/cases/").json()["results"]}
    assert listed == {near.number}
    assert narrowed.get(f"/api/v1/cases/{far.number}/").status_code == 404

    _, district_key = make_token(leader, personas.units["district"])
    wide = client_for(district_key)
    listed = {row["number"] for row in wide.get("/api/v1/cases/").json()["results"]}
    assert listed == {near.number, far.number}


def _membership_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return sum('"accounts_membership"' in q["sql"] for q in captured.captured_queries)


def test_a_token_request_loads_its_roles_once(personas):
    _, key = make_token(personas.community_operator, personas.units["community"])
    client = client_for(key)
    number = client.post("/api/v1/cases/", new_case_body(), format="json").json()["number"]
    # scope, allowed actions and supervision all read the one load of the token user's roles
    assert _membership_queries(client, f"/api/v1/cases/{number}/") == 1


def test_roles_are_loaded_afresh_for_each_request(personas):
    _, key = make_token(personas.community_operator, personas.units["community"])
    client = client_for(key)
    number = client.post("/api/v1/cases/", new_case_body(), format="json").json()["number"]
    assert client.get(f"/api/v1/cases/{number}/").status_code == 200
    Membership.objects.filter(user=personas.community_operator).delete()
    assert_error(client.get(f"/api/v1/cases/{number}/"), 404, "not_found")


def test_last_use_is_written_at_most_once_a_minute(personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _, key = make_token(personas.community_operator, personas.units["community"])
    client = client_for(key)
    with CaptureQueriesContext(connection) as captured:
        for _ in range(3):
            assert client.get("/api/v1/units/").status_code == 200
    writes = [q for q in captured.captured_queries if q["sql"].startswith('UPDATE "api_apitoken"')]
    assert len(writes) == 1
