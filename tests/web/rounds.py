"""Rounds for the site's tests: a later round copied from the study, published or not."""

import datetime
from collections.abc import Sequence

from django.utils import timezone

from assessments.models import (
    Citation,
    ExpertRating,
    Pair,
    Process,
    ProcessAssessment,
    Rating,
    Round,
)


def copy_round(
    source: Round,
    *,
    year: int,
    status: str,
    changes: dict | None = None,
    version: int = 1,
    extra_processes: int = 0,
    experts: Sequence = (),
) -> Round:
    """A later round of the same system: `source`'s assessments, ratings and citations,
    with `changes` ({(process code, dimension code): value}) applied; `extra_processes` new
    processes in each pair (rated 1 on every dimension), and every rating given also by each
    of `experts` (users) as their own."""
    changes = changes or {}
    new = Round.objects.create(
        year=year,
        version=version,
        title_en=f"Assessment {year}",
        title_ky=f"Баалоо {year}",
        title_ru=f"Оценка {year}",
        methodology=source.methodology,
        previous=source,
        status=Round.Status.DRAFT,
    )
    assessments = ProcessAssessment.objects.filter(round=source).select_related("process")
    for a in assessments.prefetch_related("ratings__dimension", "citations"):
        copy = ProcessAssessment.objects.create(
            round=new,
            process=a.process,
            position=a.position,
            title_ky=a.title_ky,
            title_ru=a.title_ru,
            title_en=a.title_en,
            verdict=a.verdict,
        )
        Rating.objects.bulk_create(
            Rating(
                assessment=copy,
                dimension=r.dimension,
                value=changes.get((a.process.code, r.dimension.code), r.value),
            )
            for r in a.ratings.all()
        )
        Citation.objects.bulk_create(
            Citation(
                assessment=copy,
                act_id=c.act_id,
                edition_id=c.edition_id,
                article=c.article,
                part=c.part,
                position=c.position,
            )
            for c in a.citations.all()
        )
    if extra_processes:
        dimensions = list(source.methodology.dimensions.all())
        for pair in Pair.objects.filter(processes__assessments__round=source).distinct():
            for i in range(extra_processes):
                process = Process.objects.create(
                    code=f"{pair.code}-{year}-v{version}-{i}",
                    pair=pair,
                    position=100 + i,
                    name_en=f"Process {i} added in {year}",
                )
                added = ProcessAssessment.objects.create(
                    round=new, process=process, position=100 + i, title_en=process.name_en
                )
                Rating.objects.bulk_create(
                    Rating(assessment=added, dimension=d, value=1) for d in dimensions
                )
    if experts:
        ExpertRating.objects.bulk_create(
            ExpertRating(
                assessment_id=r.assessment_id, dimension_id=r.dimension_id, expert=e, value=r.value
            )
            for r in Rating.objects.filter(assessment__round=new)
            for e in experts
        )
    if status != Round.Status.DRAFT:
        publish(new, status=status)
    return new


def publish(round_: Round, *, status: str = Round.Status.PUBLISHED) -> Round:
    """Move a round filled as a draft to `status`. The product publishes through
    services.publish_round(); these tests need only the end state. (On PostgreSQL a
    published round's rows are frozen by triggers: fill first, publish last.)"""
    published_at = (
        timezone.make_aware(datetime.datetime(round_.year, 6, 1, 12))
        if status in Round.FROZEN_STATUSES
        else None
    )
    Round.objects.filter(pk=round_.pk).update(status=status, published_at=published_at)
    round_.refresh_from_db()
    return round_
