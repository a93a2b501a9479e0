"""A signed-in reader's list of a published round is kept, but only for those who see its rows.

listcache.py keeps it under permissions.unchanging_view: the experts' own ratings of a
published round under the pairs the reader's seats cover in it, so that a kept list is
never served to someone who may see other rows, nor to the anonymous; a round still in
work is never kept.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.test import APIClient

from assessments import permissions
from assessments.models import ExpertRating, PanelMembership, ProcessAssessment

from .conftest import assert_kept_answer, publish

pytestmark = pytest.mark.django_db


def _as(user) -> APIClient:
    # A fresh user instance per request, as in production (her groups are read again).
    api = APIClient()
    if user is not None:
        api.force_authenticate(get_user_model().objects.get(pk=user.pk))
    return api


def _pairs_seen(user, url: str) -> tuple[int, set[str]]:
    response = _as(user).get(url)
    assert response.status_code == 200
    data = response.json()
    return data["count"], {row["pair"] for row in data["results"]}


@pytest.fixture
def panel_work(make_world, panel_for, expert, other_expert):
    """The open round's experts' ratings on both pairs, one expert on a panel of the second
    pair only; then the round is published."""
    world = make_world()
    round_ = world.open
    panel_for(round_, experts=[other_expert], pairs=[world.pairs[1]])
    rules = world.methodology.dimensions.get(code="rules")
    for assessment in ProcessAssessment.objects.filter(round=round_):
        for who in (expert, other_expert):
            ExpertRating.objects.get_or_create(
                assessment=assessment, dimension=rules, expert=who, defaults={"value": 2}
            )
    publish(round_)
    return world


def _url(world) -> str:
    return f"/api/v1/expert-ratings/?year={world.open.year}&lang=en"


def test_a_kept_member_list_is_served_only_to_those_who_see_the_same_rows(
    panel_work, chair, expert, other_expert, outsider
):
    url = _url(panel_work)
    everything = _pairs_seen(chair, url)  # kept under her panel's cover: every pair
    assert everything[1] == {"citizens-parliament", "parliament-government"}
    assert _pairs_seen(expert, url) == everything  # the same panel: the same rows
    second_pair_only = _pairs_seen(other_expert, url)
    assert second_pair_only[1] == {"parliament-government"}
    assert second_pair_only[0] < everything[0]
    assert _pairs_seen(outsider, url) == (0, set())
    assert _pairs_seen(None, url) == (0, set())
    # Asked again, each from the cache, each still her own.
    assert _pairs_seen(other_expert, url) == second_pair_only
    assert _pairs_seen(chair, url) == everything
    assert _pairs_seen(outsider, url) == (0, set())


def test_a_new_seat_changes_what_a_kept_list_shows_her(panel_work, outsider):
    url = _url(panel_work)
    assert _pairs_seen(outsider, url) == (0, set())
    panel = panel_work.open.panels.get(pairs=panel_work.pairs[1])
    PanelMembership.objects.create(panel=panel, user=outsider, role="expert")
    assert _pairs_seen(outsider, url)[1] == {"parliament-government"}


def test_a_lost_seat_changes_what_a_kept_list_shows_her(panel_work, other_expert):
    url = _url(panel_work)
    assert _pairs_seen(other_expert, url)[1] == {"parliament-government"}
    PanelMembership.objects.filter(user=other_expert).delete()
    assert _pairs_seen(other_expert, url) == (0, set())


def test_joining_staff_changes_what_a_kept_list_shows_her(panel_work, outsider):
    url = _url(panel_work)
    assert _pairs_seen(outsider, url) == (0, set())
    outsider.groups.add(Group.objects.get(name=permissions.STAFF))
    assert _pairs_seen(outsider, url)[1] == {"citizens-parliament", "parliament-government"}


def test_someone_signing_in_does_not_forget_what_the_others_see(
    make_world, chair, expert, django_assert_num_queries
):
    """Signing in saves her last login: not a change of anyone's access, so a kept list
    stays kept (before, every login anywhere made every reader's next list a miss)."""
    world = make_world(processes=3, published_rounds=1)
    url = f"/api/v1/expert-ratings/?year={world.published.year}&lang=en"
    assert _as(chair).get(url).status_code == 200
    Client().force_login(expert)  # signs her in as a login does: her last login saved
    api = _as(chair)
    with django_assert_num_queries(0):
        assert api.get(url).status_code == 200


def test_a_round_in_work_is_never_kept(world, expert):
    url = f"/api/v1/expert-ratings/?year={world.open.year}"
    before = _pairs_seen(expert, url)[0]
    assessment = ProcessAssessment.objects.filter(round=world.open).order_by("-pk").first()
    ExpertRating.objects.create(
        assessment=assessment,
        dimension=world.methodology.dimensions.get(code="rules"),
        expert=expert,
        value=2,
    )
    assert _pairs_seen(expert, url)[0] == before + 1


def test_staff_are_not_served_a_members_list(panel_work, other_expert, staff):
    url = _url(panel_work)
    assert _pairs_seen(other_expert, url)[1] == {"parliament-government"}
    assert _pairs_seen(staff, url)[1] == {"citizens-parliament", "parliament-government"}


@pytest.mark.parametrize(
    "size", [dict(processes=3, published_rounds=1), dict(processes=9, published_rounds=3)]
)
@pytest.mark.parametrize("endpoint", ["expert-ratings", "ratings", "assessments", "citations"])
def test_a_members_list_of_a_published_round_takes_no_query_once_kept(
    endpoint, size, make_world, chair, django_assert_num_queries
):
    world = make_world(**size)
    url = f"/api/v1/{endpoint}/?year={world.published.year}&lang=en"
    first = _as(chair).get(url)
    assert first.status_code == 200
    # What she sees of the round is remembered too (listcache.remembered_view): no query
    # but her authentication's (none here: the test client signs her in without a token).
    api = _as(chair)
    with django_assert_num_queries(0):
        again = api.get(url)
    assert_kept_answer(again, first)
    api = _as(chair)
    with django_assert_num_queries(0):
        assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
