"""Each role is given the admin's model pages it uses, and no others.

Peer reviewers and respondents work on their own screens (review, reply); with a view
permission on every model they read every list of the admin, and its sidebar listed them
all. Here every registered model's list is asked by each of them.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

OWN_SCREENS = {
    "reviewer_a": "assessment_tools:review",
    "respondent_a": "assessment_tools:reply",
}


@pytest.mark.parametrize("role", sorted(OWN_SCREENS))
def test_reviewers_and_respondents_open_no_model_page(world, as_role, role):
    client = as_role(role)
    opened = [
        model._meta.label
        for model in admin.site._registry
        if client.get(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        ).status_code
        != 403
    ]
    assert opened == []


@pytest.mark.parametrize("role", sorted(OWN_SCREENS))
def test_their_index_links_their_screen_and_lists_no_model(world, as_role, role):
    page = as_role(role).get(reverse("admin:index"))
    assert page.status_code == 200
    assert page.context["app_list"] == []
    html = page.content.decode()
    assert reverse(OWN_SCREENS[role]) in html
    assert "permission to view or edit anything" not in html
    # Her screen has no sidebar that would only say she may see nothing.
    screen = as_role(role).get(reverse(OWN_SCREENS[role]))
    assert screen.status_code == 200
    assert 'id="nav-sidebar"' not in screen.content.decode()


def test_an_expert_still_has_her_model_pages(world, as_role):
    page = as_role("expert_a").get(reverse("admin:index"))
    models = {m["object_name"] for app in page.context["app_list"] for m in app["models"]}
    assert {"ExpertRating", "ProcessAssessment", "Thread"} <= models
    screen = as_role("expert_a").get(reverse("admin:assessments_expertrating_changelist"))
    assert 'id="nav-sidebar"' in screen.content.decode()
