import pytest
from django.core.cache import cache

from assessments.api import caching
from assessments.models import Round

from .rounds import copy_round

# The 2025 round of these tests: 2016's ratings, with citizens now able to recall deputies
# (demand present: the process enters the assessment) and parties reporting in part.
CHANGES_2025 = {("jk-recall", "demand"): 1, ("party-reporting", "rules"): 1}


@pytest.fixture(autouse=True)
def empty_cache():
    # The site caches published pages and each round's pair indices; a test must not see
    # another's.
    cache.clear()
    caching.clear_local()
    yield
    cache.clear()
    caching.clear_local()


@pytest.fixture
def later_round(study_round) -> Round:
    return copy_round(study_round, year=2025, status=Round.Status.PUBLISHED, changes=CHANGES_2025)


@pytest.fixture
def draft_round(study_round) -> Round:
    return copy_round(study_round, year=2031, status=Round.Status.DRAFT)
