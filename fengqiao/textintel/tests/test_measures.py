"""The acceptance rate of category suggestions (measures.suggestion_acceptance)."""

import pytest

from fengqiao.cases.models import Category
from fengqiao.cases.tests.factories import make_case
from fengqiao.textintel.measures import suggestion_acceptance
from fengqiao.textintel.models import CategorySuggestion


def record(suggested: str, chosen: str, version: str = "v1") -> CategorySuggestion:
    case = make_case(category=chosen)
    return CategorySuggestion.objects.create(
        case=case,
        suggested_category=Category.objects.get(code=suggested),
        confidence=0.8,
        model_version=version,
        chosen_category=case.category,
        accepted=suggested == chosen,
    )


@pytest.mark.django_db
def test_acceptance_is_kept_over_shown_for_any_selection(personas, django_assert_num_queries):
    record("request-noise", "request-noise")
    record("request-noise", "dispute-neighbour")  # corrected by staff
    record("dispute-wages", "dispute-wages")
    record("dispute-wages", "dispute-wages", version="v2")
    with django_assert_num_queries(1):
        overall = suggestion_acceptance(CategorySuggestion.objects.all())
    assert (overall.numerator, overall.denominator, overall.value) == (3, 4, 0.75)
    noise = suggestion_acceptance(
        CategorySuggestion.objects.filter(suggested_category__code="request-noise")
    )
    assert (noise.numerator, noise.denominator, noise.value) == (1, 2, 0.5)
    assert suggestion_acceptance(CategorySuggestion.objects.filter(model_version="v2")).value == 1


@pytest.mark.django_db
def test_no_suggestions_shown_is_no_rate_not_zero():
    empty = suggestion_acceptance(CategorySuggestion.objects.all())
    assert (empty.numerator, empty.denominator, empty.value) == (0, 0, None)
