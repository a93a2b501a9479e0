"""Rounds for the site's tests: a later round copied from the study, published or not."""

import datetime

from django.utils import timezone

from assessments.models import Citation, ProcessAssessment, Rating, Round


def copy_round(
    source: Round, *, year: int, status: str, changes: dict | None = None, version: int = 1
) -> Round:
    """A later round of the same system: `source`'s assessments, ratings and citations,
    with `changes` ({(process code, dimension code): value}) applied."""
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
