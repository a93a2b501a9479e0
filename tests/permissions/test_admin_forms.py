"""Admin forms offer only what the user may write into, and refuse a published round.

Issue 11: four add forms accepted the published round; on PostgreSQL the freeze trigger
then refused the row and the admin answered 500, on SQLite the row was written into
the published round. Now the forms offer rounds in work only, and a published round
sent anyway is refused on the form, with the reason, in the user's language.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from assessments import services
from assessments.models import (
    DevelopmentInitiative,
    ExpertRating,
    Panel,
    PublishedFigure,
    Recommendation,
)

from .world import DRAFT, PUBLISHED, World

pytestmark = pytest.mark.django_db

TEXTS = {"ky": "Текст", "ru": "Текст", "en": "Text"}


def _texts(field: str) -> dict[str, str]:
    return {f"{field}_{lang}": text for lang, text in TEXTS.items()}


def _add_forms(world: World, state: str) -> dict[str, tuple[type, dict]]:
    round_ = world.rounds[state]
    pair = world.pairs["A"]
    process = world.rows["assessments.process"][state]
    return {
        "recommendation": (
            Recommendation,
            {
                "round": round_.pk,
                "pair": pair.pk,
                "kind": "recommendation",
                "position": 9,
                **_texts("text"),
            },
        ),
        "publishedfigure": (
            PublishedFigure,
            {"round": round_.pk, "kind": "overall_index", "value": "12.5", "source": "p. 9"},
        ),
        "panel": (
            Panel,
            {
                "round": round_.pk,
                "name": "A new panel",
                "memberships-TOTAL_FORMS": 0,
                "memberships-INITIAL_FORMS": 0,
            },
        ),
        "developmentinitiative": (
            DevelopmentInitiative,
            {
                "round": round_.pk,
                "process": process.pk,
                "position": 9,
                "status": "none",
                **_texts("title"),
            },
        ),
    }


@pytest.mark.parametrize(
    "model", ["recommendation", "publishedfigure", "panel", "developmentinitiative"]
)
@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_an_add_form_refuses_a_published_round_with_the_reason(world, as_role, model, language):
    row_model, data = _add_forms(world, PUBLISHED)[model]
    before = row_model.objects.count()
    url = f"/{language}" + reverse(f"admin:assessments_{model}_add").removeprefix("/en")
    response = as_role("staff").post(url, data)
    assert response.status_code == 200  # the form again, with the user's input and the reason
    with translation.override(language):
        try:
            services.ensure_open(world.rounds[PUBLISHED])
        except services.RoundFrozen as exc:
            reason = exc.message
    assert reason in response.content.decode()
    assert response.context["adminform"].form.errors["round"] == [reason]
    assert row_model.objects.count() == before


@pytest.mark.parametrize(
    "model", ["recommendation", "publishedfigure", "panel", "developmentinitiative"]
)
def test_an_add_form_offers_only_rounds_in_work(world, as_role, model):
    response = as_role("staff").get(reverse(f"admin:assessments_{model}_add"))
    offered = set(response.context["adminform"].form.fields["round"].queryset)
    assert world.rounds[DRAFT] in offered
    assert world.rounds[PUBLISHED] not in offered


def test_the_same_form_writes_into_a_round_in_work(world, as_role):
    _model, data = _add_forms(world, DRAFT)["recommendation"]
    response = as_role("staff").post(reverse("admin:assessments_recommendation_add"), data)
    assert response.status_code == 302
    assert Recommendation.objects.filter(round=world.rounds[DRAFT], position=9).exists()


def test_a_panel_cannot_be_moved_into_the_published_round(world, as_role):
    panel = world.panels["A", DRAFT]
    url = reverse("admin:assessments_panel_change", args=[panel.pk])
    data = {
        "round": world.rounds[PUBLISHED].pk,
        "name": panel.name,
        "pairs": [world.pairs["A"].pk],
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }
    response = as_role("staff").post(url, data)
    assert response.status_code == 200
    assert "is published and cannot change" in response.content.decode()
    panel.refresh_from_db()
    assert panel.round == world.rounds[DRAFT]


def test_an_expert_cannot_rate_a_published_assessment_and_is_told_why(world, as_role):
    assessment = world.rows["assessments.processassessment"][PUBLISHED]
    before = ExpertRating.objects.count()
    response = as_role("expert_a").post(
        reverse("admin:assessments_expertrating_add"),
        {
            "assessment": assessment.pk,
            "dimension": assessment.round.methodology.dimensions.get(code="rules").pk,
            "value": 1,
            "reason": "my rating",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["assessment"] == [
        "Round 2030 (version 1) is published and cannot change; "
        "corrections are published as errata."
    ]
    assert ExpertRating.objects.count() == before


def test_another_panels_assessment_is_not_confirmed_to_exist(world, as_role):
    assessment = world.other["assessments.processassessment"][DRAFT]  # pair B's
    response = as_role("expert_a").post(
        reverse("admin:assessments_expertrating_add"),
        {
            "assessment": assessment.pk,
            "dimension": assessment.round.methodology.dimensions.get(code="rules").pk,
            "value": 1,
            "reason": "my rating",
        },
    )
    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["assessment"]
    assert "not one of the available choices" in error
    assert "B draft process" not in response.content.decode()
