import pytest
from django.core.management import call_command

from assessments.models import Round


@pytest.fixture
def study_round(db) -> Round:
    """The 2016 round, loaded from the study's data files as a user would."""
    call_command("load_study", verbosity=0)
    return Round.objects.get(year=2016)
