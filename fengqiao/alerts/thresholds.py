"""Alert thresholds (预警阈值): the built-in defaults and how settings combine.

Plain Python (no Django models), so that both the ``Thresholds`` model (the administrator's
settings) and the detectors can use it. For a category the most specific value wins: the
defaults of ``RuleThresholds``, then the district-wide settings row, then the built-in values for
the category (``CATEGORY_THRESHOLDS``), then the category's own row. A key period's multiplier
then makes the counts stricter.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class RuleThresholds:
    """How much of a pattern makes an alert."""

    overdue_cases: int = 3  # overdue open cases in one community → yellow (twice → orange)
    long_overdue_days: int = 10  # any case this many days past due → orange
    escalations: int = 2  # times escalated (上报) → yellow; one more → orange
    repeat_count: int = 3  # k disputes ...
    repeat_days: int = 30  # ... within N days → yellow (2k → orange)
    mass_people: int = 30  # people involved → orange
    mass_people_red: int = 100  # → red
    surge_min_cases: int = 3  # a surge needs at least this many cases in its last three days


FIELDS = tuple(f.name for f in fields(RuleThresholds))
DEFAULTS = RuleThresholds()

CATEGORY_THRESHOLDS: dict[str, dict[str, int]] = {
    # Wage arrears and expropriation turn into group action fastest (讨薪、征地群体性事件).
    "dispute-wages": {"mass_people": 10, "mass_people_red": 50},
    "dispute-expropriation": {"mass_people": 10, "mass_people_red": 50},
    "dispute-land": {"mass_people": 20},
}

# Settings by category code; the key None is the district-wide row.
Configured = Mapping[str | None, Mapping[str, int]]


def thresholds(
    category_code: str | None, multiplier: float = 1.0, configured: Configured | None = None
) -> RuleThresholds:
    """The thresholds for a category (None: the district's), made stricter by ``multiplier``."""
    configured = configured or {}
    base = replace(DEFAULTS, **configured.get(None, {}))
    if category_code is not None:
        base = replace(base, **CATEGORY_THRESHOLDS.get(category_code, {}))
        base = replace(base, **configured.get(category_code, {}))
    if base.mass_people_red <= base.mass_people:
        # Rows set apart (a district red of 20 under a category orange of 30) can cross: the
        # red count then starts one above the orange one rather than never being reached.
        base = replace(base, mass_people_red=base.mass_people + 1)
    if multiplier >= 1.0:
        return base

    def scaled(value: int, floor: int) -> int:
        return max(floor, math.ceil(value * multiplier))

    orange = scaled(base.mass_people, 2)
    return RuleThresholds(
        overdue_cases=scaled(base.overdue_cases, 2),
        long_overdue_days=scaled(base.long_overdue_days, 1),
        escalations=scaled(base.escalations, 1),
        repeat_count=scaled(base.repeat_count, 2),
        repeat_days=math.ceil(base.repeat_days / multiplier),  # a longer memory is stricter
        mass_people=orange,
        # Rounding up can bring red down onto orange (31 and 32 halved are both 16): red stays
        # at least one above, so a red alert always means more people than an orange one.
        mass_people_red=max(scaled(base.mass_people_red, 3), orange + 1),
        surge_min_cases=scaled(base.surge_min_cases, 2),
    )
