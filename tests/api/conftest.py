"""The API's test world: a published round, an open one with its panel, and every role.

Built with factories (the study's loader takes seconds; most tests need a few rows).
Rounds are filled while in draft and then marked published with update(): on
PostgreSQL a trigger refuses rows added to a published round, as it should.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from assessments import permissions
from assessments.api import caching
from assessments.models import (
    Citation,
    Comment,
    ExpertRating,
    Methodology,
    Pair,
    ProcessAssessment,
    Round,
    Thread,
)
from tests.factories import (
    AssessmentFactory,
    LegalActFactory,
    MethodologyFactory,
    PairFactory,
    ProcessFactory,
    RoundFactory,
    SubjectFactory,
    UserFactory,
    rate,
)

RATINGS = [
    dict(rules=1, demand=1, motivation=1, enforcement=0),
    dict(rules=1, demand=0, motivation=0, enforcement=0),
    dict(rules=0, demand=1, motivation=1, enforcement=1),
]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Autouse runs first: the role fixtures' users are then hashed in microseconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_caches():
    # Responses of published rounds are cached per process and in the shared cache;
    # a test must not be answered from another test's database.
    cache.clear()
    caching.clear_local()
    yield
    cache.clear()
    caching.clear_local()


@dataclass
class World:
    methodology: Methodology
    pairs: list[Pair]
    published: Round  # the latest published round
    open: Round  # open for rating, with a panel: `chair` and `expert`
    thread: Thread


def _assess(round_: Round, process, ratings: dict[str, int], act) -> ProcessAssessment:
    assessment = AssessmentFactory(round=round_, process=process)
    rate(assessment, **ratings)
    Citation.objects.create(assessment=assessment, act=act, article="1")
    return assessment


def publish(round_: Round, when: datetime.datetime | None = None) -> Round:
    """The end state of publishing (the services' publish_round is tested in tests/services)."""
    when = when or timezone.make_aware(datetime.datetime(round_.year, 6, 1, 12))
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.PUBLISHED, published_at=when)
    round_.refresh_from_db()
    return round_


@pytest.fixture
def make_world(db, chair, expert, panel_for):
    """make_world(processes=3, published_rounds=1) → a World; sizes vary for query counts."""

    def make(processes: int = 3, published_rounds: int = 1) -> World:
        methodology = MethodologyFactory()
        citizens, parliament, government = (
            SubjectFactory(code="citizens"),
            SubjectFactory(code="parliament"),
            SubjectFactory(code="government"),
        )
        pairs = [
            PairFactory(code="citizens-parliament", principal=citizens, agent=parliament),
            PairFactory(code="parliament-government", principal=parliament, agent=government),
        ]
        act = LegalActFactory(code="constitution")
        all_processes = [ProcessFactory(pair=pairs[i % 2]) for i in range(processes)]

        def fill(year: int) -> Round:
            round_ = RoundFactory(year=year, methodology=methodology, status=Round.Status.DRAFT)
            for i, process in enumerate(all_processes):
                # Each year rates differently, so that comparisons and series move.
                _assess(round_, process, RATINGS[(i + year) % len(RATINGS)], act)
            return round_

        published = [publish(fill(2030 + i)) for i in range(published_rounds)]
        open_ = fill(2040)
        Round.objects.filter(pk=open_.pk).update(status=Round.Status.OPEN)
        open_.refresh_from_db()
        panel_for(open_, chair=chair, experts=[expert])
        assessment = ProcessAssessment.objects.filter(round=open_).order_by("pk").first()
        ExpertRating.objects.create(
            assessment=assessment,
            dimension=methodology.dimensions.get(code="rules"),
            expert=expert,
            value=1,
        )
        thread = Thread.objects.create(
            assessment=assessment, title="Is art. 2 enough?", created_by=expert
        )
        Comment.objects.create(thread=thread, author=expert, body="Is art. 2 enough?")
        Comment.objects.create(thread=thread, author=chair, body="Yes, with the by-law.")
        return World(methodology, pairs, published[-1], open_, thread)

    return make


@pytest.fixture
def world(make_world) -> World:
    return make_world()


@pytest.fixture
def reader(db):
    user = UserFactory(username="reader", is_staff=False)
    user.groups.add(Group.objects.get(name=permissions.READER))
    return user


@pytest.fixture
def client() -> APIClient:
    return APIClient()


@pytest.fixture
def as_user():
    """as_user(user) → an API client authenticated as `user` (None: anonymous)."""

    def make(user) -> APIClient:
        api = APIClient()
        if user is not None:
            api.force_authenticate(user)
        return api

    return make


def assert_kept_answer(again, first) -> None:
    """A kept answer is the first one again: the same bytes, ETag and language."""
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Content-Language"] == first["Content-Language"]
