"""A round's source and a printed figure's place are content in Kyrgyz, Russian and English.

2016's are the study's, in its Kyrgyz column, and read the same in every language (the
transcription has no translation of them); a new round says where it came from in each
language; errata keep every language; a published round's stay as they are.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from assessments import services
from assessments.models import PublishedFigure, Round

pytestmark = pytest.mark.django_db


def _in(lang: str, read):
    with translation.override(lang):
        return read()


def test_2016_keeps_its_sources_in_kyrgyz_and_reads_them_the_same_in_every_language(
    study_round,
):
    assert study_round.source_ky.startswith("Development Policy Institute")
    assert (study_round.source_ru, study_round.source_en) in {("", ""), (None, None)}
    assert {_in(lang, lambda: study_round.source) for lang in ("ky", "ru", "en")} == {
        study_round.source_ky
    }
    figure = PublishedFigure.objects.get(
        round=study_round, kind="pair_index", pair__code="citizens-parliament"
    )
    assert figure.source_ky.startswith("§6.1.1, under the table:")
    assert figure.source_ky
    assert _in("en", lambda: figure.source) == figure.source_ky


def test_the_next_round_says_where_it_came_from_in_each_language(study_round, staff):
    new = services.start_next_round(actor=staff, source=study_round, year=2017, reason="yearly")
    assert new.source_en == "Started from round 2016."
    assert new.source_ru == "Начат на основе раунда 2016 года."
    assert new.source_ky == "2016-жылдын баалоо циклинин негизинде башталды."


def test_errata_keep_the_source_in_every_language(study_round, staff):
    errata = services.start_errata(actor=staff, round_=study_round, reason="a wrong figure")
    assert (errata.source_ky, errata.source_ru, errata.source_en) == (
        study_round.source_ky,
        study_round.source_ru,
        study_round.source_en,
    )
    assert errata.published_figures.count() == study_round.published_figures.count()


@pytest.mark.parametrize("field", ["source_ky", "source_ru", "source_en"])
def test_a_published_rounds_sources_do_not_change_in_any_language(study_round, field):
    figure = study_round.published_figures.order_by("pk").first()
    for row in (Round.objects.get(pk=study_round.pk), figure):
        setattr(row, field, "rewritten")
        refused = (ValidationError, IntegrityError, services.DomainError)
        with pytest.raises(refused), transaction.atomic():
            row.save()
