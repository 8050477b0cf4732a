"""The category suggestion on the staff entry page: the htmx snippet, the page without
JavaScript, and the record of what staff chose (suggestions.py, actions.py, cases/views/entry)."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from fengqiao.cases.models import Case, Category
from fengqiao.textintel import classifier, suggestions
from fengqiao.textintel.models import CategorySuggestion
from fengqiao.textintel.tests.fixtures import CATEGORY_CODES as CODES
from fengqiao.textintel.tests.fixtures import messages

SCHOOL_TITLE = "学校违规补课乱收费"
SCHOOL_TEXT = "我们老师附近的学校违规补课乱收费，学生家长反映，请尽快处理。"


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    rows = messages(per_class=20)
    model = classifier.train([t for t, _ in rows], [CODES[label] for _, label in rows])
    path = tmp_path_factory.mktemp("model") / "category-model.bin"
    classifier.save(model, path)
    return path


@pytest.fixture
def with_model(settings, model_file):
    settings.TEXTINTEL_MODEL = model_file
    return model_file


def expected_confidence(model_file: Path) -> float:
    prediction = classifier.load(model_file).predict([f"{SCHOOL_TITLE}\n{SCHOOL_TEXT}"])[0]
    assert prediction.label == "request-other"
    return round(prediction.confidence, 4)


def entry_data(**overrides: str) -> dict[str, str]:
    data = {
        "channel": "hotline",
        "category": str(Category.objects.get(code="request-other").pk),
        "title": SCHOOL_TITLE,
        "description": SCHOOL_TEXT,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "lon": "113.05",
        "lat": "27.85",
        "people_involved": "1",
        "submission_key": "suggest-1",
    }
    data.update(overrides)
    return data


def shown(code: str = "request-other", confidence: str = "0.9000") -> dict[str, str]:
    return {"suggested_category": code, "suggestion_confidence": confidence}


def ask(client, **text: str):
    return client.post(reverse("cases:suggest_category"), text)


def test_typing_a_report_returns_the_suggested_category_and_confidence(
    client, personas, with_model
):
    client.force_login(personas.community_operator)
    response = ask(client, title=SCHOOL_TITLE, description=SCHOOL_TEXT)
    body = response.content.decode()
    percent = min(99, int(expected_confidence(with_model) * 100))
    category = Category.objects.get(code="request-other")
    assert response.status_code == 200
    assert f"建议类别：{category.parent.name} / {category.name}（置信度 {percent}%）" in body
    assert f'data-apply-category="{category.pk}"' in body
    assert 'name="suggested_category" value="request-other"' in body
    assert f'value="{expected_confidence(with_model):.4f}"' in body


def test_without_a_model_there_is_no_suggestion(client, personas, settings, tmp_path):
    settings.TEXTINTEL_MODEL = tmp_path / "none-yet.bin"
    client.force_login(personas.community_operator)
    response = ask(client, title=SCHOOL_TITLE, description=SCHOOL_TEXT)
    assert response.status_code == 200 and "建议类别" not in response.content.decode()
    page = client.post(reverse("cases:new"), entry_data(lon="", lat=""))  # a round-trip
    assert page.status_code == 400 and "建议类别" not in page.content.decode()


def test_a_low_confidence_or_empty_text_says_nothing(client, personas, with_model, monkeypatch):
    client.force_login(personas.community_operator)
    assert "建议类别" not in ask(client, title=" ", description="").content.decode()
    monkeypatch.setattr(suggestions, "MIN_CONFIDENCE", expected_confidence(with_model) + 0.0001)
    assert (
        "建议类别" not in ask(client, title=SCHOOL_TITLE, description=SCHOOL_TEXT).content.decode()
    )


def test_unknown_and_inactive_category_codes_are_not_suggested(
    client, personas, settings, tmp_path
):
    rows = messages(per_class=20)
    labels = ["no-such-code" if label == "教育文体" else CODES[label] for _, label in rows]
    path = tmp_path / "m.bin"
    classifier.save(classifier.train([t for t, _ in rows], labels), path)
    settings.TEXTINTEL_MODEL = path
    client.force_login(personas.community_operator)
    assert (
        "建议类别" not in ask(client, title=SCHOOL_TITLE, description=SCHOOL_TEXT).content.decode()
    )
    wages = {"title": "公司拖欠工资", "description": "我们工地的老板拖欠工资，请尽快处理。"}
    assert (
        'name="suggested_category" value="dispute-wages"' in ask(client, **wages).content.decode()
    )
    Category.objects.filter(code="dispute-wages").update(is_active=False)
    assert "建议类别" not in ask(client, **wages).content.decode()


def test_the_snippet_is_for_signed_in_staff_and_post_only(client, personas, with_model):
    assert ask(client, title=SCHOOL_TITLE, description=SCHOOL_TEXT).status_code == 403
    client.force_login(personas.community_operator)
    assert client.get(reverse("cases:suggest_category")).status_code == 405


def test_without_javascript_the_suggestion_appears_after_a_round_trip(client, personas, with_model):
    client.force_login(personas.community_operator)
    response = client.post(reverse("cases:new"), entry_data(lon="", lat=""))
    body = response.content.decode()
    assert response.status_code == 400 and "请在地图上选点" in body
    assert "建议类别：" in body and 'name="suggested_category" value="request-other"' in body
    assert Case.objects.count() == 0 and CategorySuggestion.objects.count() == 0


def test_an_accepted_suggestion_is_recorded_with_the_case(client, personas, with_model):
    client.force_login(personas.community_operator)
    response = client.post(reverse("cases:new"), entry_data(**shown()))
    assert response.status_code == 302
    record = CategorySuggestion.objects.get()
    case = Case.objects.get()
    assert (
        record.case == case and record.accepted is True and record.by == personas.community_operator
    )
    assert record.suggested_category.code == record.chosen_category.code == "request-other"
    assert record.confidence == expected_confidence(with_model)  # the server's, not the page's
    assert record.model_version == classifier.model_version(classifier.load(with_model))
    # The same submission again (a double click): the similar-case check now sees the first.
    again = client.post(reverse("cases:new"), entry_data(confirm_new="on", **shown()))
    assert again.status_code == 302 and CategorySuggestion.objects.count() == 1


def test_a_corrected_suggestion_is_recorded_as_not_accepted(client, personas, with_model):
    client.force_login(personas.community_operator)
    noise = Category.objects.get(code="request-noise")
    response = client.post(reverse("cases:new"), entry_data(category=str(noise.pk), **shown()))
    assert response.status_code == 302
    record = CategorySuggestion.objects.get()
    assert record.accepted is False
    assert (record.suggested_category.code, record.chosen_category) == ("request-other", noise)


@pytest.mark.parametrize(
    "hidden",
    [
        {},  # no suggestion was on the page
        shown(code="dispute-wages"),  # not what the model says for this text
        shown(code="no-such-code"),
        shown(confidence="2"),
        shown(confidence="abc"),
    ],
)
def test_a_missing_stale_or_forged_suggestion_is_not_recorded(client, personas, with_model, hidden):
    client.force_login(personas.community_operator)
    response = client.post(reverse("cases:new"), entry_data(**hidden))
    assert response.status_code == 302 and Case.objects.count() == 1
    assert CategorySuggestion.objects.count() == 0


def test_the_record_is_written_in_the_cases_transaction(client, personas, with_model, monkeypatch):
    from fengqiao.cases.views import entry

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(entry, "record_suggestion", broken)
    client.force_login(personas.community_operator)
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.post(reverse("cases:new"), entry_data(**shown()))
    assert Case.objects.count() == 0
