"""The home page, the boundaries endpoint behind its map, login and health."""

import pytest
from django.urls import reverse


def login(client, user):
    client.force_login(user)
    return client


def test_home_requires_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_chinese_and_signs_in(client, personas):
    page = client.get(reverse("login"))
    assert "登录" in page.content.decode()
    response = client.post(
        reverse("login"), {"username": "street_operator", "password": "pw-street_operator"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_wrong_password_is_shown_in_place(client, personas):
    response = client.post(reverse("login"), {"username": "street_operator", "password": "no"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_home_shows_roles_and_the_map_of_the_jurisdiction(client, personas):
    body = login(client, personas.street_operator).get("/").content.decode()
    assert "第1街道综治中心 · 受理员" in body
    assert 'id="map"' in body and "leaflet.js" in body
    assert "网格 4" in body  # the street's four grids


def test_handler_without_territory_gets_no_map_but_an_explanation(client, personas):
    body = login(client, personas.department_handler).get("/").content.decode()
    assert 'id="map"' not in body
    assert "没有管辖区域" in body


def test_home_page_query_count_is_bounded(client, personas, django_assert_max_num_queries):
    login(client, personas.district_leader)
    with django_assert_max_num_queries(12):
        client.get("/")


@pytest.mark.parametrize(
    ("persona", "level", "expected"),
    [
        ("grid_worker", "grid", {"430299001001001"}),
        ("community_operator", "grid", {"430299001001001", "430299001001002"}),
        ("street_operator", "community", {"430299001001", "430299001002"}),
        ("district_leader", "street", {"430299001", "430299002"}),
        ("department_handler", "grid", set()),
        ("outsider", "grid", set()),
    ],
)
def test_boundaries_are_scoped_to_the_user(client, personas, persona, level, expected):
    login(client, getattr(personas, persona))
    response = client.get(reverse("regions:boundaries"), {"level": level})
    assert response.status_code == 200
    data = response.json()
    assert {f["properties"]["code"] for f in data["features"]} == expected
    for feature in data["features"]:
        assert feature["geometry"]["type"] == "MultiPolygon"


def test_boundaries_reject_unknown_level(client, personas):
    login(client, personas.district_leader)
    response = client.get(reverse("regions:boundaries"), {"level": "planet"})
    assert response.status_code == 400


def test_boundaries_require_sign_in(client, db):
    assert client.get(reverse("regions:boundaries")).status_code == 302


def test_english_is_available(client, personas):
    login(client, personas.street_operator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body


def test_healthz_checks_the_database(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_not_found_page_is_chinese_and_says_nothing_more(client, personas):
    login(client, personas.outsider)
    response = client.get("/cases/FQ-20990101-00001/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and "没有查看它的权限" in body
