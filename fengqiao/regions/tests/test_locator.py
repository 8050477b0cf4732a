"""The process-wide locator over the grids in the database."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from fengqiao.accounts.models import Unit
from fengqiao.conftest import collection, feature, square
from fengqiao.core.models import Generation
from fengqiao.lib.gcj02 import wgs84_to_gcj02
from fengqiao.regions import locator
from fengqiao.regions.actions import import_regions
from fengqiao.regions.locator import locate, locate_many
from fengqiao.regions.models import Region


def test_point_in_a_grid_gets_the_grid_and_its_ancestors(region_tree):
    location = locate(113.05, 27.85)
    assert location.inside
    assert location.grid.code == "430299001001001"
    assert [r.code for r in location.ancestors] == ["430299", "430299001", "430299001001"]
    assert location.describe() == "测试区 / 第1街道 / 街1社区1 / 街1社区1网格1"


def test_point_outside_every_grid_is_a_clear_answer_not_an_error(region_tree):
    location = locate(100.0, 30.0)
    assert not location.inside
    assert location.grid is None and location.ancestors == ()
    assert "不在辖区内" in location.describe()


def test_gcj02_point_is_converted_before_locating(region_tree):
    # A WGS-84 point just inside the east edge of grid 1; its GCJ-02 form lies ~500 m further
    # east, in grid 2, so locating the GCJ-02 form as WGS-84 would be wrong.
    lon, lat = 113.099, 27.85
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    assert locate(g_lon, g_lat).grid.code == "430299001001002"
    assert locate(g_lon, g_lat, crs="gcj02").grid.code == "430299001001001"


def test_unknown_crs_is_rejected(region_tree):
    with pytest.raises(ValueError, match="bd09"):
        locate(113.05, 27.85, crs="bd09")


def test_many_points_at_once(region_tree):
    found = locate_many([113.05, 113.15, 113.35, 99.0], [27.85, 27.85, 28.15, 27.0])
    assert [loc.grid.code if loc.grid else None for loc in found] == [
        "430299001001001",
        "430299001001002",
        "430299002002002",
        None,
    ]


def test_locator_sees_grids_imported_after_it_was_built(region_tree):
    assert not locate(113.45, 27.85).inside
    district = collection([feature("430298", "新区", "district", None, square(113.4, 27.8, 0.1))])
    import_regions(district)
    extra = [
        feature("430298001", "新街道", "street", "430298", square(113.4, 27.8, 0.1)),
        feature("430298001001", "新社区", "community", "430298001", square(113.4, 27.8, 0.1)),
        feature("430298001001001", "新网格", "grid", "430298001001", square(113.4, 27.8, 0.1)),
    ]
    import_regions(collection(extra))
    assert locate(113.45, 27.85).grid.code == "430298001001001"


@pytest.fixture
def clock(monkeypatch):
    """The locator's clock, moved by hand (seconds)."""
    now = [1000.0]
    monkeypatch.setattr(locator, "time", SimpleNamespace(monotonic=lambda: now[0]))
    return now


def _move_away(code):
    Region.objects.filter(code=code).update(
        boundary=square(120.0, 30.0, 0.1), updated_at=timezone.now() + timedelta(seconds=1)
    )


@pytest.fixture
def stamp(db):
    """The reference-data stamp's row (an earlier transactional test's flush may have emptied
    the table the migration filled)."""
    Generation.objects.get_or_create(id=1, defaults={"value": "start"})


def test_a_change_from_another_process_is_seen_at_the_next_call(region_tree, clock, stamp):
    assert locate(113.05, 27.85).grid.code == "430299001001001"
    # An UPDATE sends no signal, as a change made by another process does not reach this one;
    # the database's trigger moves the reference-data stamp, which the next call reads.
    _move_away("430299001001001")
    assert not locate(113.05, 27.85).inside


def test_another_reference_change_does_not_reload_the_grids(region_tree, clock, monkeypatch, stamp):
    assert locate(113.05, 27.85).inside
    loads: list[object] = []
    original = locator._load

    def counted(*args: object) -> object:
        loads.append(args)
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(locator, "_load", counted)
    Unit.objects.create(
        code="x-centre",
        name="新单位",
        kind="centre",
        tier="community",
        jurisdiction=region_tree["430299001001"],
    )
    assert locate(113.05, 27.85).inside  # the stamp moved; the regions did not
    assert loads == []
    assert locator._index is not None and locator._index.stamp == Generation.objects.get().value


def test_without_a_stamp_the_regions_are_checked_on_a_clock(region_tree, clock):
    assert locate(113.05, 27.85).grid.code == "430299001001001"
    Generation.objects.all().delete()  # a flushed test database has no stamp row
    locate(113.05, 27.85)
    _move_away("430299001001001")
    clock[0] += locator.RECHECK_SECONDS / 2
    assert locate(113.05, 27.85).inside  # still the grids it checked a moment ago
    clock[0] += locator.RECHECK_SECONDS
    assert not locate(113.05, 27.85).inside


def test_a_region_saved_in_this_process_is_seen_at_once(region_tree, clock):
    assert locate(113.05, 27.85).inside
    grid = Region.objects.get(code="430299001001001")
    grid.boundary = square(120.0, 30.0, 0.1)
    grid.save()
    assert not locate(113.05, 27.85).inside
