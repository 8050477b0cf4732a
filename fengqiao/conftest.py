"""Shared test factories: a small region tree of squares, units and the standard personas.

Factories, not fixture files (STYLE.md): every test builds exactly what it needs through the
real import action, so the tests exercise the same validation the product uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from fengqiao.accounts.models import Membership, Role, Tier, Unit, UnitKind, User
from fengqiao.regions import locator
from fengqiao.regions.actions import import_regions
from fengqiao.regions.models import Region


def square(x0: float, y0: float, size: float) -> dict[str, Any]:
    """A GeoJSON MultiPolygon square with its south-west corner at (x0, y0), in degrees."""
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    return {"type": "MultiPolygon", "coordinates": [[ring]]}


def feature(code: str, name: str, level: str, parent: str | None, geometry: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "level": level, "parent": parent},
        "geometry": geometry,
    }


# District 430299 is a 0.4° square at (113.0, 27.8); two streets split it west/east; each street
# has two communities (north/south halves) and each community two grids (west/east halves).
X0, Y0 = 113.0, 27.8


def tree_features() -> list[dict[str, Any]]:
    features = [feature("430299", "测试区", "district", None, square(X0, Y0, 0.4))]
    for s in range(2):
        street = f"430299{s + 1:03d}"
        sx = X0 + 0.2 * s
        features.append(
            feature(street, f"第{s + 1}街道", "street", "430299", _rect(sx, Y0, 0.2, 0.4))
        )
        for c in range(2):
            community = f"{street}{c + 1:03d}"
            cy = Y0 + 0.2 * c
            features.append(
                feature(
                    community, f"街{s + 1}社区{c + 1}", "community", street, _rect(sx, cy, 0.2, 0.2)
                )
            )
            for g in range(2):
                features.append(
                    feature(
                        f"{community}{g + 1:03d}",
                        f"街{s + 1}社区{c + 1}网格{g + 1}",
                        "grid",
                        community,
                        _rect(sx + 0.1 * g, cy, 0.1, 0.2),
                    )
                )
    return features


def _rect(x0: float, y0: float, w: float, h: float) -> dict[str, Any]:
    ring = [[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h], [x0, y0]]
    return {"type": "MultiPolygon", "coordinates": [[ring]]}


def collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


@pytest.fixture(autouse=True)
def _fresh_locator() -> None:
    """Each test's database starts over (a rolled-back transaction, which sends no signals), so
    the process's locator must check the region table again rather than trust the last test's
    grids for ``locator.RECHECK_SECONDS``."""
    locator.forget()


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """A request with the English cookie leaves English active in the thread; the next test
    must start in the site's language (Chinese) whatever ran before it."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def region_tree(db: None) -> dict[str, Region]:
    """The 1 + 2 + 4 + 8 region tree above, imported through ``import_regions``, by code."""
    import_regions(collection(tree_features()))
    return {r.code: r for r in Region.objects.all()}


@dataclass
class Personas:
    grid_worker: User
    community_operator: User
    street_operator: User
    district_leader: User
    department_handler: User
    outsider: User
    department: Unit
    units: dict[str, Unit]


def make_user(username: str) -> User:
    return User.objects.create_user(username=username, password="pw-" + username)


@pytest.fixture
def personas(region_tree: dict[str, Region]) -> Personas:
    """The permission-matrix personas of STYLE.md on the test tree."""
    r = region_tree
    district = Unit.objects.create(
        code="district-centre",
        name="区综治中心",
        kind=UnitKind.CENTRE,
        tier=Tier.DISTRICT,
        jurisdiction=r["430299"],
    )
    street = Unit.objects.create(
        code="street1-centre",
        name="第1街道综治中心",
        kind=UnitKind.CENTRE,
        tier=Tier.STREET,
        jurisdiction=r["430299001"],
        parent=district,
    )
    community = Unit.objects.create(
        code="c11-centre",
        name="社区1综治中心",
        kind=UnitKind.CENTRE,
        tier=Tier.COMMUNITY,
        jurisdiction=r["430299001001"],
        parent=street,
    )
    department = Unit.objects.create(
        code="dept-renshe",
        name="人社局",
        kind=UnitKind.DEPARTMENT,
        tier=Tier.DISTRICT,
        jurisdiction=r["430299"],
    )
    people = {
        name: make_user(name)
        for name in [
            "grid_worker",
            "community_operator",
            "street_operator",
            "district_leader",
            "department_handler",
            "outsider",
        ]
    }
    Membership.objects.create(
        user=people["grid_worker"],
        unit=community,
        role=Role.GRID_WORKER,
        region=r["430299001001001"],
    )
    Membership.objects.create(user=people["community_operator"], unit=community, role=Role.OPERATOR)
    Membership.objects.create(user=people["street_operator"], unit=street, role=Role.OPERATOR)
    Membership.objects.create(user=people["district_leader"], unit=district, role=Role.LEADER)
    Membership.objects.create(user=people["department_handler"], unit=department, role=Role.HANDLER)
    return Personas(
        **people,
        department=department,
        units={
            "district": district,
            "street": street,
            "community": community,
            "department": department,
        },
    )


@pytest.fixture
def shared_data() -> Any:
    """``../shared/data`` beside the project; tests that need it skip when it is absent."""
    from pathlib import Path

    return Path(__file__).resolve().parent.parent.parent / "shared" / "data"
