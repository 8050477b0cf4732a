"""Every app's timeline is append-only through the one base class."""

import pytest

from fengqiao.alerts.models import AlertEvent
from fengqiao.cases.models import CaseEvent
from fengqiao.core.models import AppendOnly
from fengqiao.hazards.models import HazardEvent


@pytest.mark.parametrize("model", [CaseEvent, HazardEvent, AlertEvent])
def test_timelines_share_the_append_only_base(model):
    assert issubclass(model, AppendOnly)


def test_a_saved_entry_can_be_neither_changed_nor_deleted():
    entry = CaseEvent(pk=1)
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
