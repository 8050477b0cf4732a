"""The Knox near-repeat test against brute force over every pair."""

import numpy as np
import pytest

from fengqiao.alerts.knox import KnoxParameterError, knox_test, near_pairs, project_latlon

DISTANCES = [0.1, 0.25, 0.5]
TIMES = [3.0, 7.0, 14.0]


def events(seed, n=250, size=2.0, days=60):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, size, n)
    y = rng.uniform(0, size, n)
    t = rng.integers(0, days, n).astype(float)
    return x, y, t


def brute_table(x, y, t):
    """Every pair i < j, banded (right-closed bands, last row/column 'beyond')."""
    i, j = np.triu_indices(x.size, 1)
    distance = np.hypot(x[i] - x[j], y[i] - y[j])
    gap = np.abs(t[i] - t[j])
    table = np.zeros((len(DISTANCES) + 1, len(TIMES) + 1), dtype=np.int64)
    np.add.at(
        table,
        (
            np.searchsorted(DISTANCES, distance, side="left"),
            np.searchsorted(TIMES, gap, side="left"),
        ),
        1,
    )
    return table


@pytest.mark.parametrize("seed", range(4))
def test_grid_finds_exactly_the_pairs_within_the_distance(seed):
    x, y, _ = events(seed, n=400)
    first, second, distance = near_pairs(x, y, 0.3)
    i, j = np.triu_indices(x.size, 1)
    close = np.hypot(x[i] - x[j], y[i] - y[j]) <= 0.3
    assert sorted(zip(first.tolist(), second.tolist(), strict=True)) == sorted(
        zip(i[close].tolist(), j[close].tolist(), strict=True)
    )
    assert np.allclose(distance, np.hypot(x[first] - x[second], y[first] - y[second]))


@pytest.mark.parametrize("seed", range(3))
def test_observed_table_matches_brute_force_including_beyond_cells(seed):
    x, y, t = events(seed)
    result = knox_test(x, y, t, DISTANCES, TIMES, iterations=9, seed=1)
    assert np.array_equal(result.observed, brute_table(x, y, t))
    assert result.observed.sum() == x.size * (x.size - 1) // 2


def test_expected_and_p_values_follow_the_shuffles():
    x, y, t = events(7)
    result = knox_test(x, y, t, DISTANCES, TIMES, iterations=39, seed=3)
    rng = np.random.default_rng(3)
    tables = np.array([brute_table(x, y, rng.permutation(t)) for _ in range(39)])
    assert np.allclose(result.expected, tables.mean(axis=0))
    exceed = (tables >= result.observed).sum(axis=0)
    assert np.allclose(result.p_value, (exceed + 1) / 40)


def test_near_repeats_are_detected_and_random_events_are_not():
    rng = np.random.default_rng(11)
    x, y, t = events(11, n=300, size=3.0, days=120)
    # Each of 40 seed events is followed by a repeat 20-80 m away within 1-3 days.
    seeds = rng.choice(x.size, 40, replace=False)
    angle = rng.uniform(0, 2 * np.pi, 40)
    step = rng.uniform(0.02, 0.08, 40)
    x = np.concatenate([x, x[seeds] + step * np.cos(angle)])
    y = np.concatenate([y, y[seeds] + step * np.sin(angle)])
    t = np.concatenate([t, t[seeds] + rng.integers(1, 4, 40)])
    result = knox_test(x, y, t, DISTANCES, TIMES, iterations=99, seed=2)
    assert result.knox_ratio[0, 0] > 3
    assert result.p_value[0, 0] == pytest.approx(0.01)
    assert result.p_value[2, 3] > 0.05


def test_json_lists_every_cell_with_band_labels():
    x, y, t = events(1, n=60)
    cells = knox_test(x, y, t, [0.2], [7], iterations=5, seed=1).as_json()["cells"]
    assert isinstance(cells, list)
    assert [(c["distance_band"], c["time_band"]) for c in cells] == [
        ("0-0.2", "0-7"),
        ("0-0.2", ">7"),
        (">0.2", "0-7"),
        (">0.2", ">7"),
    ]


def test_projection_gives_kilometres():
    x, y = project_latlon(np.array([30.0, 30.01]), np.array([114.0, 114.0]))
    assert np.hypot(x[1] - x[0], y[1] - y[0]) == pytest.approx(1.112, abs=0.001)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"distance_edges": []}, "--distance-bands needs at least one"),
        ({"distance_edges": [0.2, 0.1]}, "--distance-bands must be positive and increasing"),
        ({"time_edges": [0, 7]}, "--time-bands must be positive and increasing"),
        ({"iterations": 0}, "--iterations must be at least 1"),
    ],
)
def test_bad_parameters_name_the_option(args, message):
    x, y, t = events(1, n=20)
    values = {"distance_edges": [0.1], "time_edges": [7], "iterations": 9, "seed": 1} | args
    with pytest.raises(KnoxParameterError, match=message):
        knox_test(x, y, t, **values)


def test_too_few_events_is_an_error():
    with pytest.raises(KnoxParameterError, match="at least two events"):
        knox_test(np.zeros(1), np.zeros(1), np.zeros(1), [0.1], [7], 9, 1)
