"""The category suggestion at intake (受理时的类别建议): model label → a category staff can pick.

The model (``settings.TEXTINTEL_MODEL``, trained by the worker from closed cases) predicts a
category code from the title and description. A suggestion is offered only when a model exists,
its confidence is at least :data:`MIN_CONFIDENCE` and the code is an active sub-category (小类)
that the entry form offers; otherwise there is none, and intake works exactly as without it.

The page carries the suggestion it showed in two hidden fields; on submit
:func:`shown_suggestion` checks them against the server's own prediction for the submitted text,
so only suggestions the model really made are recorded (``actions.record_suggestion``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings

from fengqiao.cases.models import Category
from fengqiao.textintel import classifier

# Below this the suggestion is more often wrong than worth a look: say nothing. The confidence
# is calibrated (docs/textintel.md), so 0.5 means "right about half the time".
MIN_CONFIDENCE = 0.5
# The entry form's own limits; longer input is cut, never refused, for a mere suggestion.
MAX_TITLE = 100
MAX_DESCRIPTION = 5000


@dataclass(frozen=True)
class CategoryHint:
    """A suggestion to show: the category, the model's confidence (0–1) and which model."""

    category: Category
    confidence: float
    model_version: str

    @property
    def percent(self) -> int:
        # Rounded down and at most 99: a calibrated 0.9996 is not a certainty, so never "100 %".
        return min(99, int(self.confidence * 100))

    @property
    def label(self) -> str:
        parent = self.category.parent
        return f"{parent.name} / {self.category.name}" if parent else self.category.name


def suggest_category(title: str, description: str) -> CategoryHint | None:
    """The suggestion for a report's title and description, or None (no model, low confidence,
    a code that is not an active sub-category). Cost: a prediction (about a millisecond once
    the model is loaded; the first call of a process loads it) and one query."""
    title, description = title.strip()[:MAX_TITLE], description.strip()[:MAX_DESCRIPTION]
    if not title and not description:
        return None
    model = classifier.cached_model(Path(settings.TEXTINTEL_MODEL))
    if model is None:
        return None
    prediction = model.predict([f"{title}\n{description}"])[0]
    if prediction.confidence < MIN_CONFIDENCE:
        return None
    category = (
        Category.objects.filter(code=prediction.label, is_active=True, parent__isnull=False)
        .select_related("parent")
        .first()
    )
    if category is None:
        return None
    return CategoryHint(
        category=category,
        confidence=round(prediction.confidence, 4),
        model_version=classifier.model_version(model),
    )


class ShownSuggestionForm(forms.Form):
    """The two hidden fields the entry page sends back with the suggestion it showed."""

    suggested_category = forms.SlugField(max_length=40)
    suggestion_confidence = forms.FloatField(min_value=0.0, max_value=1.0)


def shown_suggestion(data: Any, title: str, description: str) -> CategoryHint | None:
    """The suggestion the page showed, if the server makes the same one for the submitted text.

    The hidden fields come from the browser, so they are only a claim: the prediction is made
    again and recorded as the server computes it. None when no suggestion was shown, the fields
    are malformed, or the model now suggests something else (the text was changed after the
    suggestion, or the model was retrained in between): such a case is not counted.
    """
    form = ShownSuggestionForm(data)
    if not form.is_valid():
        return None
    hint = suggest_category(title, description)
    if hint is None or hint.category.code != form.cleaned_data["suggested_category"]:
        return None
    return hint
