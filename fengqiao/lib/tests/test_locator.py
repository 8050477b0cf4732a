"""Tests for fengqiao.lib.locator: exact agreement with the naive loop, edge cases, errors."""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pytest
import shapely
from shapely import MultiPolygon, Polygon, box

from fengqiao.lib import locator as locator_module
from fengqiao.lib.locator import PolygonLocator, naive_locate_indices

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
AnyPolygon: TypeAlias = Polygon | MultiPolygon

# None = default raster, 0 = no raster (bulk STRtree), 1 = a single all-mixed cell, then coarse
# and very fine rasters: every variant must give the same answers.
RASTERS: list[int | None] = [None, 0, 1, 16, 50_000]


def squares_2x2() -> list[Polygon]:
    """Four unit squares meeting at (1, 1); index order: SW, SE, NW, NE."""
    return [box(0, 0, 1, 1), box(1, 0, 2, 1), box(0, 1, 1, 2), box(1, 1, 2, 2)]


def voronoi_grid(n: int, seed: int) -> list[Polygon]:
    """``n`` Voronoi cells tiling a box near the district, in degrees, like real grids."""
    rng = np.random.default_rng(seed)
    frame = box(113.2, 27.9, 113.4, 28.03)
    xs = 113.2 + 0.2 * rng.random(n)
    ys = 27.9 + 0.13 * rng.random(n)
    cells = shapely.voronoi_polygons(shapely.multipoints(np.c_[xs, ys]), extend_to=frame)
    parts = shapely.intersection(shapely.get_parts(cells), frame)
    return [p for p in parts.tolist() if isinstance(p, Polygon) and not p.is_empty]


def boundary_points(polys: list[Polygon], rng: np.random.Generator) -> Floats:
    """Every vertex, plus points on edges (interpolated, so on or within an ulp of them)."""
    rings = shapely.get_rings(shapely.get_parts(np.array(polys, dtype=object)))
    vertices = shapely.get_coordinates(rings)
    lines = shapely.get_parts(shapely.boundary(np.array(polys, dtype=object)))
    fractions = rng.random(lines.shape[0])
    on_edges = shapely.get_coordinates(
        shapely.line_interpolate_point(lines, fractions, normalized=True)
    )
    return np.concatenate([vertices, on_edges])


def assert_matches_naive(polys: list[Polygon] | list[AnyPolygon], xs: Floats, ys: Floats) -> Ints:
    expected = naive_locate_indices(polys, xs, ys)
    for raster in RASTERS:
        loc = PolygonLocator(list(range(len(polys))), polys, raster_cells=raster)
        got = loc.locate_indices(xs, ys)
        assert got.dtype == np.int64
        mismatch = np.flatnonzero(got != expected)
        assert mismatch.size == 0, (raster, mismatch[:5], got[mismatch[:5]], expected[mismatch[:5]])
    return expected


def test_points_inside_outside_and_keys() -> None:
    loc = PolygonLocator(["sw", "se", "nw", "ne"], squares_2x2())
    assert loc.locate(0.5, 0.5) == "sw"
    assert loc.locate(1.5, 1.5) == "ne"
    assert loc.locate(2.5, 0.5) is None
    assert loc.locate(-1e-12, 0.5) is None
    assert loc.locate_many([0.5, 1.5, 3.0], [1.5, 0.5, 3.0]) == ["nw", "se", None]
    assert len(loc) == 4
    assert loc.keys == ["sw", "se", "nw", "ne"]


@pytest.mark.parametrize("raster", RASTERS)
def test_shared_edges_and_vertices_go_to_lowest_index(raster: int | None) -> None:
    loc = PolygonLocator([0, 1, 2, 3], squares_2x2(), raster_cells=raster)
    xs = [1.0, 0.5, 1.5, 1.0, 1.0, 0.0, 2.0, 2.0]
    ys = [0.5, 1.0, 1.0, 1.5, 1.0, 0.0, 2.0, 1.0]
    # Edge SW|SE -> 0, SW|NW -> 0, SE|NE -> 1, NW|NE -> 2, centre vertex -> 0,
    # outer corners and outer edges belong to the only polygon there.
    assert loc.locate_indices(xs, ys).tolist() == [0, 0, 1, 2, 0, 0, 3, 1]


@pytest.mark.parametrize("raster", RASTERS)
def test_overlap_lowest_index_wins(raster: int | None) -> None:
    polys = [box(5, 5, 6, 6), box(0, 0, 10, 10), box(2, 2, 8, 8)]
    loc = PolygonLocator(["a", "b", "c"], polys, raster_cells=raster)
    assert loc.locate_many([5.5, 3, 1, 11], [5.5, 3, 1, 11]) == ["a", "b", "b", None]


@pytest.mark.parametrize("raster", RASTERS)
def test_holes_and_multipolygons(raster: int | None) -> None:
    ring = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], holes=[[(3, 3), (7, 3), (7, 7), (3, 7)]])
    island = box(4, 4, 6, 6)  # sits in the hole, touching nothing
    pair = MultiPolygon([box(20, 0, 21, 1), box(30, 0, 31, 1)])
    loc = PolygonLocator(["ring", "island", "pair"], [ring, island, pair], raster_cells=raster)
    xs = [1, 3.5, 3, 5, 4, 25, 20.5, 30.5, 31]
    ys = [1, 3.5, 5, 5, 4, 0.5, 0.5, 1.0, 1]
    expected = ["ring", None, "ring", "island", "island", None, "pair", "pair", "pair"]
    assert loc.locate_many(xs, ys) == expected


def test_random_points_match_naive_on_voronoi_grid() -> None:
    rng = np.random.default_rng(20240601)
    polys = voronoi_grid(60, seed=7)
    n = 4_000
    xs = 113.19 + 0.22 * rng.random(n)  # a little beyond the frame: some points fall outside
    ys = 27.89 + 0.15 * rng.random(n)
    on_boundary = boundary_points(polys, rng)
    xs = np.concatenate([xs, on_boundary[:, 0]])
    ys = np.concatenate([ys, on_boundary[:, 1]])
    expected = assert_matches_naive(polys, xs, ys)
    assert (expected == -1).any()
    assert len(set(expected.tolist())) > 50


def test_grid_lattice_points_on_every_axis_aligned_edge() -> None:
    # 6x5 unit squares with one missing (a gap inside the extent); the lattice puts points on
    # every edge, every vertex and every raster edge of the small rasters.
    polys: list[Polygon] = [box(i, j, i + 1, j + 1) for j in range(5) for i in range(6)]
    del polys[13]
    grid = np.linspace(-0.5, 6.5, 57)
    xs, ys = (a.ravel() for a in np.meshgrid(grid, np.linspace(-0.5, 5.5, 49)))
    expected = assert_matches_naive(polys, xs, ys)
    assert (expected == -1).any()


def test_points_on_raster_cell_edges() -> None:
    polys = voronoi_grid(30, seed=3)
    loc = PolygonLocator(list(range(len(polys))), polys, raster_cells=400)
    raster = loc._raster
    assert raster is not None
    xs, ys = (a.ravel() for a in np.meshgrid(raster.x_edges, raster.y_edges))
    assert loc.locate_indices(xs, ys).tolist() == naive_locate_indices(polys, xs, ys).tolist()


def test_holes_multipolygons_random_match_naive() -> None:
    rng = np.random.default_rng(11)
    donut = Polygon([(0, 0), (8, 0), (8, 8), (0, 8)], holes=[[(2, 2), (6, 2), (6, 6), (2, 6)]])
    filling = Polygon([(2, 2), (6, 2), (4, 6)])  # shares the hole's bottom edge and two vertices
    multi = MultiPolygon([box(9, 0, 10, 3), Polygon([(9, 5), (12, 5), (10.5, 8)])])
    polys: list[AnyPolygon] = [donut, filling, multi]
    xs = np.concatenate(
        [
            rng.uniform(-1, 13, 3_000),
            shapely.get_coordinates(
                shapely.get_rings(shapely.get_parts(np.array(polys, dtype=object)))
            )[:, 0],
        ]
    )
    ys = np.concatenate(
        [
            rng.uniform(-1, 9, 3_000),
            shapely.get_coordinates(
                shapely.get_rings(shapely.get_parts(np.array(polys, dtype=object)))
            )[:, 1],
        ]
    )
    assert_matches_naive(polys, xs, ys)


@pytest.mark.parametrize("raster", RASTERS)
def test_nan_and_infinite_coordinates_are_outside(raster: int | None) -> None:
    loc = PolygonLocator([0, 1, 2, 3], squares_2x2(), raster_cells=raster)
    xs = [np.nan, 0.5, np.inf, 0.5, -np.inf, 0.5]
    ys = [0.5, np.nan, 0.5, np.inf, 0.5, 0.5]
    assert loc.locate_indices(xs, ys).tolist() == [-1, -1, -1, -1, -1, 0]
    assert loc.locate(np.nan, np.nan) is None
    assert naive_locate_indices(squares_2x2(), xs, ys).tolist() == [-1, -1, -1, -1, -1, 0]


@pytest.mark.parametrize("raster", RASTERS)
def test_empty_input_arrays(raster: int | None) -> None:
    loc = PolygonLocator([0, 1, 2, 3], squares_2x2(), raster_cells=raster)
    result = loc.locate_indices([], [])
    assert result.dtype == np.int64
    assert result.shape == (0,)
    assert loc.locate_many(np.array([]), np.array([])) == []
    assert naive_locate_indices(squares_2x2(), [], []).shape == (0,)


def test_mismatched_and_misshaped_coordinates_raise() -> None:
    loc = PolygonLocator([0, 1, 2, 3], squares_2x2())
    with pytest.raises(ValueError, match="longitudes"):
        loc.locate_indices([0.5, 0.5], [0.5])
    with pytest.raises(ValueError, match="longitudes"):
        loc.locate_many([0.5], [])
    with pytest.raises(ValueError, match="one-dimensional"):
        loc.locate_indices([[0.5]], [[0.5]])
    with pytest.raises(ValueError, match="longitudes"):
        naive_locate_indices(squares_2x2(), [0.5], [0.5, 0.5])


def test_scalar_coordinates_are_accepted() -> None:
    loc = PolygonLocator([0, 1, 2, 3], squares_2x2())
    assert loc.locate_indices(1.5, 0.5).tolist() == [1]


def test_zero_polygons() -> None:
    loc: PolygonLocator[str] = PolygonLocator([], [])
    assert loc.locate(113.2, 27.9) is None
    assert loc.locate_indices([1.0, np.nan], [2.0, 3.0]).tolist() == [-1, -1]
    assert loc.locate_many([], []) == []
    assert not loc.uses_raster
    assert naive_locate_indices([], [1.0], [2.0]).tolist() == [-1]


def test_empty_polygons_never_match() -> None:
    polys: list[AnyPolygon] = [Polygon(), box(0, 0, 1, 1), MultiPolygon()]
    assert_matches_naive(polys, np.array([0.5, 0.0, 2.0]), np.array([0.5, 0.0, 2.0]))
    loc = PolygonLocator(["e", "b", "m"], polys)
    assert loc.locate_many([0.5, 0.0, 2.0], [0.5, 0.0, 2.0]) == ["b", "b", None]
    all_empty = PolygonLocator(["e"], [Polygon()])
    assert all_empty.locate(0.0, 0.0) is None
    assert not all_empty.uses_raster


def test_degenerate_extent_falls_back_to_exact_path() -> None:
    flat = Polygon([(0, 0), (1, 0), (2, 0)])  # zero height: no raster can be laid
    loc = PolygonLocator(["flat"], [flat])
    assert not loc.uses_raster
    xs, ys = np.array([0.5, 1.0, 3.0]), np.array([0.0, 0.0, 0.0])
    assert loc.locate_indices(xs, ys).tolist() == naive_locate_indices([flat], xs, ys).tolist()


def test_constructor_validation() -> None:
    with pytest.raises(ValueError, match="keys"):
        PolygonLocator(["a"], squares_2x2())
    not_polygons: list[Any] = [shapely.LineString([(0, 0), (1, 1)]), None]
    with pytest.raises(TypeError, match="LineString"):
        PolygonLocator(["a"], not_polygons[:1])
    with pytest.raises(TypeError, match="NoneType"):
        PolygonLocator(["a"], not_polygons[1:])
    with pytest.raises(ValueError, match="raster_cells"):
        PolygonLocator(["a"], [box(0, 0, 1, 1)], raster_cells=-1)


def test_callers_geometries_are_not_prepared() -> None:
    polys = squares_2x2()
    loc = PolygonLocator([0, 1, 2, 3], polys)
    assert not any(shapely.is_prepared(polys))
    assert all(shapely.is_prepared(loc.geometries))
    assert loc.uses_raster


def test_chunked_processing_gives_same_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    polys = voronoi_grid(40, seed=5)
    rng = np.random.default_rng(2)
    xs = 113.19 + 0.22 * rng.random(2_500)
    ys = 27.89 + 0.15 * rng.random(2_500)
    loc = PolygonLocator(list(range(len(polys))), polys)
    whole = loc.locate_indices(xs, ys)
    monkeypatch.setattr(locator_module, "_CHUNK", 97)
    assert loc.locate_indices(xs, ys).tolist() == whole.tolist()
    assert whole.tolist() == naive_locate_indices(polys, xs, ys).tolist()


@pytest.mark.parametrize("raster", RASTERS)
def test_scalar_locate_matches_batch(raster: int | None) -> None:
    rng = np.random.default_rng(99)
    polys = voronoi_grid(25, seed=9)
    on_boundary = boundary_points(polys, rng)
    xs = np.concatenate([113.19 + 0.22 * rng.random(300), on_boundary[:, 0], [np.nan, 113.3]])
    ys = np.concatenate([27.89 + 0.15 * rng.random(300), on_boundary[:, 1], [27.95, np.inf]])
    loc = PolygonLocator([f"g{n}" for n in range(len(polys))], polys, raster_cells=raster)
    one_by_one = [loc.locate(x, y) for x, y in zip(xs.tolist(), ys.tolist(), strict=True)]
    assert one_by_one == loc.locate_many(xs, ys)
    assert None in one_by_one
