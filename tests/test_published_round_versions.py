"""A published round is self-contained: nothing shared moves its figures or hides a change.

Issue 11: editing the methodology's highest rating moved 2016's overall index from 42.59 to
21.3 in `scores`, the API and the site; flipping a dimension's "scored" flag moved it to
44.44. Renaming a cited act or a subject changed 2016's pages and package.zip while their
ETag stayed the same, so old copies kept getting 304.

Now the methodology a published round is scored by is versioned: a change to it, its
dimensions or its scale levels is refused (form error, model layer) and made on a new
version. A corrected name is allowed, leaves every figure as it is, and leaves the
published round's answers as they were: it reaches them through errata (assessments/names.py).
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from assessments import services
from assessments.domain_errors import MethodologyInUse
from assessments.models import Dimension, LegalAct, Methodology, ScaleLevel, Subject
from assessments.services import versions

pytestmark = pytest.mark.django_db

SITE = "/en/rounds/2016/"
PACKAGE = "/en/rounds/2016/package.zip"
API = "/api/v1/rounds/2016/scores/"


def _overall_everywhere(client, study_round) -> dict[str, object]:
    out = io.StringIO()
    call_command("scores", "2016", "--json", "--language", "en", stdout=out)
    site = client.get(SITE).content.decode()
    with zipfile.ZipFile(io.BytesIO(client.get(PACKAGE).content)) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith("/round.json")]
        package = json.loads(archive.read(name))
    return {
        "scores": json.loads(out.getvalue())["overall_index"],
        "api": client.get(API, {"lang": "en"}).json()["overall_index"],
        "site": 'data-figure="overall-index">43%<' in site,
        "package": package["report"]["overall_index"],
    }


PUBLISHED_2016 = {"scores": 42.59, "api": 42.59, "site": True, "package": 42.59}


def test_the_highest_rating_of_a_published_rounds_methodology_cannot_change(study_round, client):
    assert _overall_everywhere(client, study_round) == PUBLISHED_2016
    methodology = Methodology.objects.get(pk=study_round.methodology_id)
    methodology.scale_max = 2
    with translation.override("en"), pytest.raises(ValidationError, match="Make a new version"):
        methodology.full_clean()
    with (
        translation.override("en"),
        pytest.raises(MethodologyInUse) as refused,
        transaction.atomic(),
    ):
        methodology.save()
    assert "published round 2016" in refused.value.message
    assert Methodology.objects.get(pk=methodology.pk).scale_max == 1
    assert _overall_everywhere(client, study_round) == PUBLISHED_2016


def test_a_dimension_of_a_published_rounds_methodology_keeps_its_scored_flag(study_round, client):
    dimension = Dimension.objects.get(methodology=study_round.methodology, code="enforcement")
    dimension.is_scored = not dimension.is_scored
    with pytest.raises(MethodologyInUse), transaction.atomic():
        dimension.save()
    renamed = Dimension.objects.get(pk=dimension.pk)
    renamed.name_en = "Sanctions"
    with pytest.raises(MethodologyInUse), transaction.atomic():
        renamed.save()
    with pytest.raises(MethodologyInUse), transaction.atomic():
        Dimension.objects.create(
            methodology=study_round.methodology, code="new", position=9, name_en="New"
        )
    with pytest.raises(MethodologyInUse), transaction.atomic():
        ScaleLevel.objects.filter(methodology=study_round.methodology).delete()
    assert _overall_everywhere(client, study_round) == PUBLISHED_2016


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_the_admin_shows_why_and_keeps_the_input(study_round, staff, client, language):
    client.force_login(staff)
    methodology = study_round.methodology
    url = f"/{language}" + reverse(
        "admin:assessments_methodology_change", args=[methodology.pk]
    ).removeprefix("/en")
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({k: v for k, v in formset.management_form.initial.items()})
        data = {
            **data,
            **{f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()},
        }
        for index, sub in enumerate(formset.forms):
            for name in sub.fields:
                value = sub.initial.get(name, "")
                if hasattr(value, "pk"):
                    value = value.pk
                if isinstance(value, bool):
                    if not value:
                        continue
                    value = "on"
                data[f"{formset.prefix}-{index}-{name}"] = "" if value is None else value
    data["scale_max"] = 3
    response = client.post(url, data)
    assert response.status_code == 200
    with translation.override(language):
        expected = MethodologyInUse.of(methodology=methodology.label, year=2016, version=1).message
    assert expected in response.content.decode()
    assert response.context["adminform"].form["scale_max"].value() in (3, "3")  # input kept
    assert Methodology.objects.get(pk=methodology.pk).scale_max == 1


def test_a_new_version_takes_the_change(study_round, staff, client):
    copy = versions.new_methodology_version(actor=staff, methodology=study_round.methodology)
    assert copy.label == "idea-4d@2016-2"
    assert list(copy.dimensions.values_list("code", "is_scored")) == list(
        study_round.methodology.dimensions.values_list("code", "is_scored")
    )
    copy.scale_max = 2
    copy.save()
    flipped = copy.dimensions.get(code="enforcement")
    flipped.is_scored = False
    flipped.save()
    assert _overall_everywhere(client, study_round) == PUBLISHED_2016


def test_only_staff_make_new_versions(study_round, expert):
    with pytest.raises(services.NotAllowed):
        versions.new_methodology_version(actor=expert, methodology=study_round.methodology)


def test_the_admin_action_makes_a_new_version(study_round, staff, client):
    client.force_login(staff)
    response = client.post(
        reverse("admin:assessments_methodology_changelist"),
        {"action": "make_new_version", "_selected_action": [study_round.methodology_id]},
        follow=True,
    )
    notes = [str(m) for m in response.context["messages"]]
    copy = Methodology.objects.get(code="idea-4d", version="2016-2")
    # Named by its title and version, as people read it, not by its code (idea-4d@2016).
    assert notes == [
        f"{copy} is a new version of {study_round.methodology}: change it, then use it in "
        "the next round."
    ]
    assert "@" not in notes[0]


def _answers(client) -> dict[str, tuple[str, bytes]]:
    answers = {}
    for url in (SITE, PACKAGE, API, PAIR):
        response = client.get(url, {"lang": "en"} if url == API else {})
        answers[url] = (response["ETag"], response.content)
    return answers


PAIR = "/en/rounds/2016/pairs/citizens-parliament/"


def _get(client, url, **headers):
    return client.get(url, {"lang": "en"} if url == API else {}, **headers)


@pytest.mark.parametrize(
    ("model", "code", "field", "new_name"),
    [
        (LegalAct, "constitution", "title_en", "The Constitution, corrected"),
        (Subject, "citizens", "name_en", "The citizens, corrected"),
    ],
)
def test_a_corrected_name_changes_no_answer_of_the_published_round_and_no_figure(
    study_round, client, model, code, field, new_name
):
    before = _answers(client)
    row = model.objects.get(code=code)
    setattr(row, field, new_name)
    row.save()
    after = _answers(client)
    # The round prints the names it was published with (tests/test_names_as_published.py
    # renames everything); the correction waits for errata.
    assert after == before
    for url, (etag, _body) in before.items():
        assert _get(client, url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert new_name not in after[PAIR][1].decode()
    assert _overall_everywhere(client, study_round) == PUBLISHED_2016
