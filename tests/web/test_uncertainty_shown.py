"""Each figure's interval and the experts' agreement, where a reader looks for them.

A round copied from 2016 is rated by four experts of their own: three give the consensus,
one dissents on "motivation" everywhere. Published, its pages, the API, the package and
the charts show the intervals; 2016, rated by a consensus alone, says so in words.
"""

import csv
import io
import zipfile

import pytest
from django.test import Client
from rest_framework.test import APIClient

from assessments.models import ExpertRating, Rating, Round
from tests.factories import UserFactory

from .rounds import copy_round, publish

pytestmark = pytest.mark.django_db


def rate_by_experts(round_: Round, dissent_on: str = "motivation") -> list:
    experts = [UserFactory(username=f"rater{i}") for i in range(4)]
    rows = []
    for rating in Rating.objects.filter(assessment__round=round_).select_related("dimension"):
        for i, user in enumerate(experts):
            value = rating.value
            if i == 3 and rating.dimension.code == dissent_on:
                value = 1 - value
            rows.append(
                ExpertRating(
                    assessment_id=rating.assessment_id,
                    dimension=rating.dimension,
                    expert=user,
                    value=value,
                )
            )
    ExpertRating.objects.bulk_create(rows)
    return experts


@pytest.fixture
def rated_round(study_round) -> Round:
    round_ = copy_round(study_round, year=2026, status=Round.Status.DRAFT)
    rate_by_experts(round_)
    return publish(round_)


def test_the_round_page_shows_each_figures_interval_beside_it(rated_round):
    html = Client().get("/en/rounds/2026/").content.decode()
    assert html.count('data-interval="pair-index"') == 5
    assert html.count('data-interval="dimension-total"') == 3
    assert 'data-interval="overall-index"' in html
    assert "How much the experts agree:" in html and "Krippendorff" in html
    assert "consensus alone" not in html
    # The charts carry the intervals as whiskers.
    assert 'class="error-bar"' in html


def test_a_round_rated_by_consensus_alone_says_so_instead_of_a_false_zero(study_round):
    html = Client().get("/en/rounds/2016/").content.decode()
    assert "rated by its panel&#x27;s consensus alone" in html
    assert "data-interval=" not in html and "error-bar" not in html
    pair = Client().get("/en/rounds/2016/pairs/citizens-parties/").content.decode()
    assert "consensus alone" in pair


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_the_pair_page_shows_its_interval_and_agreement_in_each_language(rated_round, language):
    html = Client().get(f"/{language}/rounds/2026/pairs/citizens-parties/").content.decode()
    assert 'data-interval="pair-index"' in html
    assert "Krippendorff" in html or "Криппендорф" in html


def test_the_api_scores_carry_intervals_and_agreement_and_no_experts_own_ratings(rated_round):
    data = APIClient().get("/api/v1/rounds/2026/scores/").json()
    for entry in [*data["pairs"], *data["dimensions"], *data["principals"]]:
        assert entry["interval"]["status"] == "computed"
        assert entry["interval"]["low"] <= entry["interval"]["high"]
    overall = data["overall_interval"]
    assert overall["low"] <= data["overall_index"] <= overall["high"]
    agreement = data["uncertainty"]["agreement"]
    assert agreement["measurement"] == "nominal"
    assert agreement["overall"]["status"] == "computed" and agreement["overall"]["alpha"] < 1
    by_dimension = {d["dimension"]: d for d in agreement["dimensions"]}
    assert by_dimension["rules"]["unanimous"] == by_dimension["rules"]["units"]
    assert by_dimension["motivation"]["unanimous"] == 0
    # Aggregates only: no expert's name, nor a split of one process on one dimension.
    text = str(data)
    assert "rater" not in text and "of 4 experts" not in text


def test_the_api_csv_and_the_package_carry_the_intervals(rated_round):
    response = APIClient().get("/api/v1/rounds/2026/scores/?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    overall = next(r for r in rows if r["figure"] == "overall_index")
    assert overall["interval_status"] == "computed" and overall["interval_low"]
    package = Client().get("/en/rounds/2026/package.zip")
    with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
        name = next(n for n in archive.namelist() if n.endswith("/scores.csv"))
        scores = list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
    pairs = [r for r in scores if r["figure"] == "pair_index"]
    assert {r["interval_status"] for r in pairs} == {"computed"}


def test_the_round_overview_shows_where_the_panel_split_most(rated_round, staff, client):
    client.force_login(staff)
    html = client.get(f"/en/admin/assessments/round/{rated_round.pk}/change/").content.decode()
    assert "Where the panel split most" in html
    assert "3 of 4 experts" in html
    assert "Krippendorff" in html
