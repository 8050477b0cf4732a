"""The import_regions, export_regions and locate commands, as an operator runs them."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fengqiao.conftest import collection, tree_features
from fengqiao.regions.models import Region

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_then_export_then_locate(tmp_path):
    source = tmp_path / "tree.geojson"
    source.write_text(json.dumps(collection(tree_features()), ensure_ascii=False), "utf-8")
    assert "新建 15" in run("import_regions", str(source))
    target = tmp_path / "out.geojson"
    run("export_regions", "--root", "430299002", "--level", "grid", "-o", str(target))
    exported = json.loads(target.read_text("utf-8"))
    assert {f["properties"]["code"] for f in exported["features"]} == {
        "430299002001001",
        "430299002001002",
        "430299002002001",
        "430299002002002",
    }
    assert run("locate", "113.05", "27.85").startswith("430299001001001\t")


def test_malformed_file_is_a_clear_error_and_imports_nothing(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [', "utf-8")
    with pytest.raises(CommandError, match="未导入任何内容"):
        run("import_regions", str(bad))
    assert Region.objects.count() == 0


def test_duplicate_codes_name_both_features(tmp_path):
    features = tree_features()
    features[2]["properties"]["code"] = features[1]["properties"]["code"]
    path = tmp_path / "dup.geojson"
    path.write_text(json.dumps(collection(features)), "utf-8")
    with pytest.raises(CommandError) as excinfo:
        run("import_regions", str(path))
    assert features[1]["properties"]["code"] in str(excinfo.value)
    assert Region.objects.count() == 0


def test_missing_file_and_unknown_root_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="无法读取"):
        run("import_regions", str(tmp_path / "nope.geojson"))
    with pytest.raises(CommandError, match="没有代码为 123"):
        run("export_regions", "--root", "123")


def test_locate_rejects_out_of_range_coordinates():
    with pytest.raises(CommandError, match="经度"):
        run("locate", "200", "27")


def test_real_zhuzhou_districts_import_from_gcj02(shared_data):
    path = shared_data / "geo" / "zhuzhou_430200_districts.geojson"
    if not path.exists():
        pytest.skip(f"{path} is absent (shared data not laid out here)")
    out = run("import_regions", str(path), "--source-crs", "gcj02")
    assert "新建 9" in out
    tianyuan = Region.objects.get(code="430211")
    assert tianyuan.name == "天元区" and tianyuan.level == "district"
