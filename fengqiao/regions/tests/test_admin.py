"""The admin, as an administrator who is not a programmer uses it."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fengqiao.accounts.models import User
from fengqiao.conftest import collection, tree_features
from fengqiao.regions.models import Region


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    return client


def upload(features, name="tree.geojson"):
    return SimpleUploadedFile(name, json.dumps(collection(features)).encode(), "application/json")


def test_import_page_imports_a_valid_file(admin_client):
    response = admin_client.post(
        reverse("admin:regions_region_import"),
        {"file": upload(tree_features()), "source_crs": "wgs84", "level": ""},
        follow=True,
    )
    assert "导入完成：新建 15" in response.content.decode()
    assert Region.objects.count() == 15


def test_import_page_lists_every_problem_and_imports_nothing(admin_client):
    features = tree_features()
    features[3]["properties"]["code"] = "12"
    features[5]["geometry"] = None
    response = admin_client.post(
        reverse("admin:regions_region_import"),
        {"file": upload(features), "source_crs": "wgs84", "level": ""},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "未导入任何内容" in body and "feature #4" in body and "feature #6" in body
    assert Region.objects.count() == 0


def test_changelist_search_filter_and_export(admin_client, region_tree):
    url = reverse("admin:regions_region_changelist")
    body = admin_client.get(url, {"q": "网格1"}).content.decode()
    assert "街1社区1网格1" in body and "第2街道" not in body
    assert admin_client.get(url, {"level__exact": "street"}).status_code == 200
    ids = [str(r.pk) for r in Region.objects.filter(level="street")]
    response = admin_client.post(url, {"action": "export_geojson", "_selected_action": ids})
    assert {f["properties"]["code"] for f in json.loads(response.content)["features"]} == {
        "430299001",
        "430299002",
    }


@pytest.mark.parametrize(
    "model",
    ["accounts/user", "accounts/unit", "accounts/membership", "regions/region", "core/periodicjob"],
)
def test_admin_lists_open_in_chinese(admin_client, personas, model):
    body = admin_client.get(f"/admin/{model}/").content.decode()
    assert "枫桥" in body


def test_region_cannot_be_added_by_hand(admin_client):
    assert admin_client.get(reverse("admin:regions_region_add")).status_code == 403
