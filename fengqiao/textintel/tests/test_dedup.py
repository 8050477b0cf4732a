from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from fengqiao.textintel import dedup
from fengqiao.textintel.dedup import (
    DedupConfig,
    DuplicateIndex,
    DuplicatePair,
    Report,
    duplicate_clusters,
    find_duplicate_pairs,
)

LON, LAT = 113.2, 27.9
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
NOISE = (
    "学林街道翠湖苑小区3栋楼下烧烤店每天晚上噪音扰民，一直持续到凌晨两点，"
    "老人小孩无法休息，请城管部门尽快处理"
)
NOISE_RETOLD = (
    "翠湖苑小区3栋楼下烧烤店每天晚上噪声扰民，老人小孩无法休息，一直持续到凌晨两点，"
    "请城管部门尽快处理。电话13812345678"
)
WAGES = (
    "鑫源建筑工程有限公司拖欠我们12名工人工资共计85000元，老板电话打不通，请人社局帮我们追回工资"
)
LEAK = "金桂花园5栋2单元楼顶漏水已经持续三个月，物业一直推脱说要动用维修基金，请住建部门督促维修"


def index_with(*reports: Report, **config: float) -> DuplicateIndex:
    index = DuplicateIndex(DedupConfig(**config))  # type: ignore[arg-type]
    index.add_many(reports)
    return index


def test_a_retold_report_finds_the_original_with_reasons():
    index = index_with(
        Report(1, NOISE, LON, LAT, T0), Report(2, WAGES, LON, LAT, T0), Report(3, LEAK)
    )
    found = index.query(NOISE_RETOLD, lon=LON + 0.001, lat=LAT, t=T0 + timedelta(days=2))
    assert [c.id for c in found] == [1]
    best = found[0]
    assert best.similarity >= 0.5
    assert (
        best.distance_m is not None and 90 < best.distance_m < 110
    )  # 0.001° of longitude at 27.9°N is about 98 m
    assert best.seconds_apart == 2 * 86_400
    assert best.reasons == (
        f"text similarity {best.similarity:.2f}",
        f"{best.distance_m:.0f} m apart",
        "2.0 days apart",
    )


def test_an_unrelated_report_finds_nothing():
    index = index_with(Report(1, NOISE), Report(2, WAGES))
    assert index.query(LEAK) == []


def test_the_same_text_far_away_or_long_after_is_not_a_duplicate():
    index = index_with(Report(1, NOISE, LON, LAT, T0))
    assert index.query(NOISE, lon=LON + 0.05, lat=LAT, t=T0) == []  # about 5 km east
    assert index.query(NOISE, lon=LON, lat=LAT, t=T0 + timedelta(days=60)) == []
    assert [c.id for c in index.query(NOISE, lon=LON, lat=LAT, t=T0)] == [1]


def test_reports_without_point_or_time_are_compared_on_text_alone():
    index = index_with(Report(1, NOISE))
    (found,) = index.query(NOISE_RETOLD, lon=LON, lat=LAT, t=T0)
    assert found.distance_m is None and found.seconds_apart is None
    assert found.reasons == (f"text similarity {found.similarity:.2f}",)


def test_a_closer_and_more_alike_report_ranks_first():
    index = index_with(
        Report("far", NOISE_RETOLD, LON + 0.004, LAT, T0),
        Report("near", NOISE, LON, LAT, T0),
    )
    found = index.query(NOISE, lon=LON, lat=LAT, t=T0)
    assert [c.id for c in found] == ["near", "far"]
    assert found[0].score > found[1].score


def test_removed_and_excluded_reports_are_not_returned():
    index = index_with(Report(1, NOISE), Report(2, NOISE_RETOLD))
    assert [c.id for c in index.query(NOISE, exclude=1)] == [2]
    index.remove(2)
    assert 2 not in index and len(index) == 1
    assert [c.id for c in index.query(NOISE, exclude=1)] == []
    with pytest.raises(KeyError):
        index.remove(2)


def test_answers_are_the_same_before_and_after_merging_pending_reports():
    index = DuplicateIndex(merge_every=1_000)
    index.add_many([Report(1, NOISE), Report(2, WAGES), Report(3, LEAK)])
    before = index.query(NOISE_RETOLD)
    index.merge()
    assert index.query(NOISE_RETOLD) == before
    index.add(Report(4, NOISE_RETOLD))  # pending again, found through the pending table
    assert [c.id for c in index.query(NOISE)] == [1, 4]


def test_an_index_merges_by_itself_after_merge_every_additions():
    index = DuplicateIndex(merge_every=2)
    index.add_many([Report(1, NOISE), Report(2, WAGES)])
    assert [c.id for c in index.query(NOISE)] == [1]
    assert index._merged == 2


def test_an_id_cannot_be_added_twice():
    index = index_with(Report(1, NOISE))
    with pytest.raises(ValueError, match="already indexed"):
        index.add(Report(1, WAGES))
    with pytest.raises(ValueError, match="report 2 is already indexed"):
        index.add_many([Report(2, WAGES), Report(2, LEAK)])


def test_empty_texts_are_not_indexed_and_find_nothing():
    index = DuplicateIndex()
    assert index.add(Report(1, "")) is False
    assert index.add(Report(2, "！！ 13812345678")) is False
    assert len(index) == 0
    assert index.query("") == []


def test_a_100000_character_report_is_compared_on_its_first_part():
    huge = NOISE + "附近还有很多问题。" * 11_200
    assert len(huge) > 100_000
    index = index_with(Report(1, huge))
    (found,) = index.query(NOISE + "附近还有很多问题。" * 300)
    assert found.id == 1


def test_a_batch_yields_each_duplicate_pair_once_and_clusters_them():
    reports = [
        Report("a", NOISE, LON, LAT, T0),
        Report("b", WAGES, LON, LAT, T0),
        Report("c", NOISE_RETOLD, LON, LAT, T0 + timedelta(days=1)),
        Report("d", LEAK, LON, LAT, T0),
        Report("e", NOISE + "！！", LON, LAT, T0 + timedelta(days=3)),
        Report("f", NOISE, LON + 0.1, LAT, T0),  # 10 km away: another matter
    ]
    pairs = find_duplicate_pairs(reports)
    assert {frozenset((p.first, p.second)) for p in pairs} == {
        frozenset("ac"),
        frozenset("ae"),
        frozenset("ce"),
    }
    assert pairs[0].similarity == 1.0  # "a" and "e" normalise to the same text
    assert [sorted(map(str, c)) for c in duplicate_clusters(pairs)] == [["a", "c", "e"]]


def test_clusters_join_chains_of_pairs():
    pairs = [
        DuplicatePair(1, 2, 0.9, None, None),
        DuplicatePair(2, 3, 0.8, None, None),
        DuplicatePair(7, 8, 0.7, None, None),
    ]
    assert [sorted(map(str, c)) for c in duplicate_clusters(pairs)] == [["1", "2", "3"], ["7", "8"]]


def test_batch_pairing_only_pairs_reports_within_the_window():
    reports = [Report(i, NOISE, LON, LAT, T0 + timedelta(days=40 * i)) for i in range(4)]
    assert find_duplicate_pairs(reports) == []
    reports.append(Report(9, NOISE, LON, LAT, T0 + timedelta(days=41)))
    assert {(p.first, p.second) for p in find_duplicate_pairs(reports)} == {(1, 9)}


@pytest.mark.parametrize(
    ("option", "value"),
    [("rows", 5), ("bands", 0), ("threshold", 0.0), ("radius_m", -1.0), ("window_s", 0.0)],
)
def test_nonsense_settings_are_refused(option, value):
    with pytest.raises(ValueError, match=option):
        DedupConfig(**{option: value})


def test_a_three_row_band_layout_works_too():
    index = index_with(Report(1, NOISE), Report(2, WAGES), bands=40, rows=3)
    assert [c.id for c in index.query(NOISE_RETOLD)] == [1]


def test_batch_pairing_compares_reports_without_time_with_every_timed_one():
    timed = [Report(i, NOISE, LON, LAT, T0 + timedelta(days=40 * i)) for i in range(3)]
    untimed = [Report("x", NOISE_RETOLD, LON, LAT), Report("y", NOISE)]
    found = {frozenset((p.first, p.second)) for p in find_duplicate_pairs([*timed, *untimed])}
    assert found == {frozenset(p) for p in [(0, "x"), (1, "x"), (2, "x"), (0, "y"), (1, "y"),
                                             (2, "y"), ("x", "y")]}  # fmt: skip


def test_batch_pairing_of_text_only_reports():
    reports = [Report(1, NOISE), Report(2, WAGES), Report(3, NOISE_RETOLD), Report(4, LEAK)]
    (pair,) = find_duplicate_pairs(reports)
    assert (pair.first, pair.second, pair.distance_m, pair.seconds_apart) == (1, 3, None, None)


def test_the_two_level_band_table_search_agrees_with_a_binary_search():
    rng = np.random.default_rng(0)
    index = DuplicateIndex()
    for trial in range(100):
        drawn = np.sort(rng.integers(0, int(rng.integers(1, 400)), int(rng.integers(0, 3000))))
        if len(drawn) and trial % 3 == 0:  # a run much longer than a fence block
            drawn = np.sort(np.concatenate([drawn, np.full(500, drawn[len(drawn) // 2])]))
        keys = drawn.astype(np.uint64)
        index._keys, index._fences = keys, keys[:: dedup._FENCE].copy()
        wanted = rng.integers(0, 420, 64).astype(np.uint64)
        if len(keys):
            wanted[:3] = keys[0], keys[-1], keys[len(keys) // 2]
        lo, hi = index._find(wanted)
        left = np.searchsorted(keys, wanted, side="left")
        right = np.searchsorted(keys, wanted, side="right")
        assert ((hi - lo) == (right - left)).all()
        assert (lo[right > left] == left[right > left]).all()
