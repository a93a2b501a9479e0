"""Each leak issue 11 found, as a case: what a page shows, to whom, and to whom not.

The matrix (test_matrix.py) holds every address to its status code; these cases read
what the pages that answer 200 to several roles show each of them. Every case names
the roles that see a text as well as those that must not, so that it can fail: a text
that nobody sees would prove nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from .world import DRAFT, PUBLISHED, World

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Leak:
    url: Callable[[World], str]
    text: str
    seen_by: tuple[str, ...]
    hidden_from: tuple[str, ...]


def admin(name: str, label: str | None = None, state: str = DRAFT, **query) -> Callable:
    def url(world: World) -> str:
        args = [world.rows[label][state].pk] if label else None
        address = reverse(f"admin:{name}", args=args)
        return f"{address}?{urlencode(query)}" if query else address

    return url


def tool(name: str, **query) -> Callable:
    def url(world: World) -> str:
        named = {k: v(world) if callable(v) else v for k, v in query.items()}
        return f"{reverse(f'assessment_tools:{name}')}?{urlencode(named)}"

    return url


def key(state: str) -> Callable[[World], str]:
    return lambda world: f"{world.rounds[state].year}-v1"


def api(path: str) -> Callable:
    return lambda world: path.format(
        draft=world.rounds[DRAFT].year, published=world.rounds[PUBLISHED].year
    )


def expert_rating_list(world: World) -> str:
    return reverse("admin:assessments_expertrating_changelist")


LEAKS = {
    # The round overview: other pairs' processes and thread titles; figures of every pair.
    "round overview, processes": Leak(
        admin("assessments_round_change", "assessments.round"),
        "A draft process",
        seen_by=("expert_a", "chair_a", "staff"),
        hidden_from=("expert_b",),
    ),
    "round overview, thread titles": Leak(
        admin("assessments_round_change", "assessments.round"),
        "A draft thread title",
        seen_by=("expert_a", "staff"),
        hidden_from=("expert_b",),
    ),
    "round overview, figures of every pair": Leak(
        admin("assessments_round_change", "assessments.round"),
        "Overall index",
        seen_by=("staff",),
        hidden_from=("expert_a", "expert_b", "chair_a"),
    ),
    # The admin compare tool: other pairs' ratings and the reasons for their changes.
    "admin compare, change reasons": Leak(
        tool("compare", before=key(PUBLISHED), after=key(DRAFT)),
        "B draft change reason",
        seen_by=("staff",),
        hidden_from=("expert_a", "expert_b", "chair_a", "outsider"),
    ),
    # The API's scores and comparison of a round in work.
    "API compare, change reasons": Leak(
        api("/api/v1/compare/?a={published}&b={draft}"),
        "B draft change reason",
        seen_by=("staff",),
        hidden_from=("expert_a", "expert_b", "chair_a", "outsider", "reader", "anonymous"),
    ),
    "API scores, other pairs": Leak(
        api("/api/v1/rounds/{draft}/scores/"),
        "process-b",
        seen_by=("staff",),
        hidden_from=("expert_a", "chair_a"),
    ),
    # The admin export of a round in work.
    "export, consensus ratings": Leak(
        tool("export", round=key(DRAFT), kind="ratings", file_format="csv"),
        "A draft process",
        seen_by=("expert_a", "staff"),
        hidden_from=("expert_b", "outsider"),
    ),
    "export, experts' own ratings": Leak(
        tool("export", round=key(DRAFT), kind="expert-ratings", file_format="csv"),
        "A draft expert's own justification",
        seen_by=("expert_a", "chair_a", "staff"),
        hidden_from=("expert_b", "outsider"),
    ),
    "export, experts' own ratings of a published round": Leak(
        tool("export", round=key(PUBLISHED), kind="expert-ratings", file_format="csv"),
        "A published expert's own justification",
        seen_by=("expert_a", "staff"),
        hidden_from=("expert_b", "outsider"),
    ),
    "export, citations": Leak(
        tool("export", round=key(DRAFT), kind="citations", file_format="csv"),
        "pair-a",
        seen_by=("expert_a", "staff"),
        hidden_from=("expert_b",),
    ),
    "export, the whole round as a package": Leak(
        tool("export", round=key(DRAFT), kind="package", file_format="csv"),
        "round.json",
        seen_by=("staff",),
        hidden_from=("expert_a", "expert_b"),
    ),
    # Lists not limited to the user's rounds and panels.
    "recommendation list": Leak(
        admin("assessments_recommendation_changelist"),
        "A draft recommendation",
        seen_by=("expert_a", "staff"),
        hidden_from=("expert_b", "outsider"),
    ),
    "recommendation list, published": Leak(
        admin("assessments_recommendation_changelist"),
        "A published recommendation",
        seen_by=("expert_b", "outsider"),
        hidden_from=(),
    ),
    "panel list": Leak(
        admin("assessments_panel_changelist"),
        "Panel A draft",
        seen_by=("expert_a", "staff"),
        hidden_from=("expert_b", "outsider"),
    ),
    "panel list, a published round's panel": Leak(
        admin("assessments_panel_changelist"),
        "Panel A published",
        seen_by=("expert_a", "staff"),
        hidden_from=("expert_b", "outsider"),
    ),
    # After publication the panel's own work stays with the panel (and staff).
    "expert ratings of a published round": Leak(
        expert_rating_list,
        "expert_a",
        seen_by=("chair_a", "staff"),
        hidden_from=("expert_b", "outsider"),
    ),
    "threads of a published round": Leak(
        admin("assessments_thread_changelist"),
        "A published thread title",
        seen_by=("expert_a", "staff"),
        hidden_from=("expert_b", "outsider"),
    ),
    "a published assessment's page, the experts": Leak(
        admin("assessments_processassessment_change", "assessments.processassessment", PUBLISHED),
        "expert_a",
        seen_by=("chair_a", "staff"),
        hidden_from=("expert_b", "outsider"),
    ),
    "a published assessment's page, the discussion": Leak(
        admin("assessments_processassessment_change", "assessments.processassessment", PUBLISHED),
        "A published thread title",
        seen_by=("expert_a", "staff"),
        hidden_from=("expert_b", "outsider"),
    ),
    "API experts' own ratings of a published round": Leak(
        api("/api/v1/expert-ratings/?year={published}"),
        "A published expert's own justification",  # answers name no username
        seen_by=("chair_a", "staff"),
        hidden_from=("expert_b", "outsider", "reader", "anonymous"),
    ),
    # Pickers: the autocomplete, a preselected foreign key, list filters.
    "autocomplete of assessments": Leak(
        admin(
            "autocomplete", app_label="assessments", model_name="citation", field_name="assessment"
        ),
        "A draft process",
        seen_by=("expert_a", "staff"),
        hidden_from=("expert_b", "outsider"),
    ),
    "autocomplete offers no published assessment to write into": Leak(
        admin(
            "autocomplete", app_label="assessments", model_name="citation", field_name="assessment"
        ),
        "A published process",
        seen_by=(),
        hidden_from=("expert_a", "staff", "superuser"),
    ),
    "a preselected assessment in an add form": Leak(
        lambda world: (
            reverse("admin:assessments_thread_add")
            + f"?assessment={world.rows['assessments.processassessment'][DRAFT].pk}"
        ),
        "A draft process",
        seen_by=("expert_a",),
        hidden_from=("expert_b", "outsider"),
    ),
    "the round filter of a list": Leak(
        admin("assessments_processassessment_changelist"),
        "Round in work",
        seen_by=("expert_b", "staff"),
        hidden_from=("outsider",),
    ),
}


@pytest.mark.parametrize("case", LEAKS)
def test_each_page_shows_each_role_only_what_is_hers(case, world, as_role):
    leak = LEAKS[case]
    url = leak.url(world)
    for role in leak.seen_by:
        response = as_role(role).get(url)
        assert response.status_code == 200, (role, url)
        assert leak.text.encode() in response.content, f"{role} should see {leak.text!r} at {url}"
    for role in leak.hidden_from:
        response = as_role(role).get(url)
        assert response.status_code in (200, 404), (role, url, response.status_code)
        assert leak.text.encode() not in response.content, f"{role} sees {leak.text!r} at {url}"


def test_a_package_is_refused_with_the_reason_to_those_who_see_part_of_the_round(world, as_role):
    url = tool("export", round=key(DRAFT), kind="package", file_format="csv")(world)
    response = as_role("expert_a").get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "you see only the pairs your panel covers" in response.content.decode()


def test_a_member_s_round_page_says_why_figures_are_missing(world, as_role):
    response = as_role("expert_a").get(
        admin("assessments_round_change", "assessments.round")(world)
    )
    assert "computed from pairs your panel does not cover" in response.content.decode()
    assert [p["pair"] for p in response.context["report"]["pairs"]] == ["pair-a"]
