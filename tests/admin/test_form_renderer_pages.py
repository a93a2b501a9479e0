"""The panel's screens read the same, byte for byte, with the project's form renderer as
with Django's own: the widgets it draws in Python (accountability/form_renderer.py) are
the ones the templates drew, on whole pages, in each language, and on pages sent back
with errors and the user's input."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from assessments import services
from assessments.models import LegalActEdition, Round

from ..factories import AssessmentFactory, LegalActFactory, PairFactory, RoundFactory, rate

pytestmark = pytest.mark.django_db
DJANGOS = "django.forms.renderers.DjangoTemplates"
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.fixture
def world(panel_for, chair, expert, staff):
    round_ = RoundFactory(status=Round.Status.OPEN)
    pair = PairFactory()
    elections = AssessmentFactory(
        round=round_, process__pair=pair, title_en='Elections "2017" & <co>', title_ky="Шайлоо"
    )
    AssessmentFactory(round=round_, process__pair=pair)
    rate(elections, rules=1, demand=0)
    panel_for(round_, chair=chair, experts=[expert])
    act = LegalActFactory(title_en="Constitution", title_ky="Конституция")
    edition = LegalActEdition.objects.create(act=act, code="2010", title_en="2010 text")
    services.add_citation(
        actor=chair, assessment=elections, act=act, edition=edition, article="5", reason="r"
    )
    services.record_expert_rating(
        actor=expert,
        assessment=elections,
        dimension="rules",
        value=1,
        justification={"en": "As it reads <here>.", "ky": "Мыйзам боюнча."},
        reason="first reading",
    )
    services.start_thread(actor=expert, assessment=elections, body="Why absent?")
    rules = round_.methodology.dimensions.get(code="rules")
    return {"round": round_, "elections": elections, "rules": rules}


def _page(user, method: str, url: str, data=None, **headers) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    response = getattr(client, method)(url, data, **headers) if data else client.get(url)
    html = response.content.decode()
    # What differs from one answer to the next whatever draws the widgets.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return response.status_code, re.sub(r'nonce="[^"]+"', "", html)


def _same_either_way(user, method: str, url: str, data=None, status=200, **headers) -> str:
    ours = _page(user, method, url, data, **headers)
    with override_settings(FORM_RENDERER=DJANGOS):
        djangos = _page(user, method, url, data, **headers)
    assert ours[0] == status
    assert ours == djangos
    return ours[1]


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_the_panels_pages_read_the_same(world, staff, chair, expert, admin_user, language):
    round_, elections = world["round"], world["elections"]
    with translation.override(language):
        process = reverse("admin:assessments_processassessment_change", args=[elections.pk])
        pages = [
            (staff, process),
            (chair, process),
            (expert, process),
            (staff, reverse("admin:assessments_round_change", args=[round_.pk])),
            (staff, reverse("admin:assessments_round_add")),
            (expert, reverse("workspace:sheet", args=[round_.pk])),
            (chair, reverse("panel_chair:sheet", args=[round_.pk])),
            (staff, reverse("panel_staff:onboard", args=[round_.pk])),
            (admin_user, reverse("admin:auth_user_add")),
        ]
    for user, url in pages:
        _same_either_way(user, "get", url)


def test_pages_sent_back_with_errors_read_the_same(world, staff, chair, expert):
    round_, elections, rules = world["round"], world["elections"], world["rules"]
    cell = reverse("workspace:sheet-cell", args=[round_.pk, elections.pk, rules.pk])
    prefix = f"cell-{elections.pk}-{rules.pk}"
    typed = {f"{prefix}-value": "0", f"{prefix}-justification_en": 'Changed "my" mind & <why>'}
    # No reason for changing her rating: refused, with what she typed kept.
    html = _same_either_way(expert, "post", cell, typed, status=400, **FETCH)
    assert "Changed &quot;my&quot; mind &amp; &lt;why&gt;" in html
    _same_either_way(expert, "post", cell, typed, status=400)
    consensus = reverse("panel_chair:consensus", args=[round_.pk, elections.pk, rules.pk])
    _same_either_way(chair, "post", consensus, {"value": "9", "justification_en": "x"}, 400)
    onboard = reverse("panel_staff:onboard", args=[round_.pk])
    _same_either_way(staff, "post", onboard, {"name": "", "members-TOTAL_FORMS": "1"}, 400)
