import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import translation

from assessments import permissions
from assessments.models import PanelMembership, Round

from .factories import PanelFactory, UserFactory


@pytest.fixture(autouse=True)
def english():
    """Messages in English unless a test asks for Kyrgyz or Russian (Kyrgyz is the default)."""
    with translation.override("en"):
        yield


@pytest.fixture
def study_round(db) -> Round:
    """The 2016 round, loaded from the study's data files as a user would."""
    call_command("load_study", verbosity=0)
    return Round.objects.get(year=2016)


@pytest.fixture
def staff(db):
    user = UserFactory(username="staff")
    user.groups.add(Group.objects.get(name=permissions.STAFF))
    return user


def _member(username: str, group: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def chair(db):
    return _member("chair", permissions.CHAIR)


@pytest.fixture
def expert(db):
    return _member("aigul", permissions.EXPERT)


@pytest.fixture
def other_expert(db):
    return _member("bakyt", permissions.EXPERT)


@pytest.fixture
def outsider(db):
    return _member("outsider", permissions.EXPERT)


@pytest.fixture
def panel_for():
    """panel_for(round_, chair=..., experts=[...], pairs=[...]) → a panel with its members."""

    def make(round_, *, chair=None, experts=(), pairs=()):
        panel = PanelFactory(round=round_)
        if pairs:
            panel.pairs.set(pairs)
        if chair is not None:
            PanelMembership.objects.create(panel=panel, user=chair, role="chair")
        for user in experts:
            PanelMembership.objects.create(panel=panel, user=user, role="expert")
        return panel

    return make
