"""A Content-Security-Policy on every page, with no inline script left unlisted (issue 11).

Before: no policy anywhere, and the Redoc page loaded its fonts from another host. Now
every response names what it may load: this site only, inline scripts only with the
request's nonce; only the site's embed pages may be framed, by any site.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SITE = [
    "/en/",
    "/ky/rounds/2016/",
    "/ru/rounds/2016/pairs/citizens-parties/",
    "/en/methodology/",
    "/en/compare/",
]
EMBEDS = ["/en/embed/rounds/2016/pairs/", "/ky/embed/by-year/"]
API_DOCS = ["/api/v1/docs/", "/api/v1/docs/?script", "/api/v1/redoc/", "/api/v1/schema/"]


def _admin_pages(study_round) -> list[str]:
    return [
        "/en/admin/",
        "/ky/admin/assessments/round/",
        reverse("admin:assessments_round_change", args=[study_round.pk]),
        reverse("admin:assessments_processassessment_changelist"),
        reverse("admin:assessments_methodology_change", args=[study_round.methodology_id]),
        reverse("assessment_tools:import"),
        reverse("assessment_tools:compare"),
        "/ru/admin/password_change/",
    ]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _assert_strict(url: str, response) -> None:
    assert response.status_code == 200, url
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"], url
    assert "'unsafe-inline'" not in policy["script-src"], url
    assert "'unsafe-eval'" not in policy["script-src"], url
    assert policy["object-src"] == ["'none'"], url
    for directive, sources in policy.items():
        hosts = [s for s in sources if "://" in s or s.endswith(".com")]
        assert hosts == [], (url, directive)
    if "html" not in response.get("Content-Type", ""):
        return
    html = response.content.decode()
    nonces = [s.removeprefix("'nonce-").rstrip("'") for s in policy["script-src"]]
    nonces = [n for n in nonces if n not in ("'self'",)]
    for tag in re.findall(r"<script\b[^>]*>", html):
        if "src=" in tag:
            continue
        if 'type="application/json"' in tag or "type='application/json'" in tag:
            continue  # data, not a script
        match = re.search(r'nonce="([^"]+)"', tag)
        assert match and match[1] in nonces, (url, tag)
    # Nothing from another host: scripts, styles, fonts, images, frames.
    for attr in re.findall(
        r'<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="([^"]+)"', html
    ):
        assert not re.match(r"(https?:)?//", attr) or "testserver" in attr, (url, attr)
    assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html, url


def test_every_public_page_has_a_strict_policy_and_may_not_be_framed(client, study_round):
    for url in SITE:
        response = client.get(url)
        _assert_strict(url, response)
        assert _policy(response)["frame-ancestors"] == ["'none'"], url
        assert _policy(response)["style-src"] == ["'self'"], url  # no inline style at all
        assert response["X-Frame-Options"] == "DENY", url


def test_only_embed_pages_may_be_framed_and_by_any_site(client, study_round):
    for url in EMBEDS:
        response = client.get(url)
        _assert_strict(url, response)
        assert _policy(response)["frame-ancestors"] == ["*"], url
        assert "X-Frame-Options" not in response, url


def test_every_admin_page_has_the_policy_with_no_unlisted_inline_script(
    client, study_round, staff, admin_user
):
    client.force_login(admin_user)
    for url in _admin_pages(study_round):
        response = client.get(url)
        _assert_strict(url, response)
        assert _policy(response)["frame-ancestors"] == ["'none'"], url
    login = client.__class__().get("/en/admin/login/")
    _assert_strict("/en/admin/login/", login)


def test_the_import_pages_progress_script_runs_with_the_nonce(client, study_round, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("assessment_tools:import"))
    nonce = (
        next(s for s in _policy(response)["script-src"] if s.startswith("'nonce-"))
        .removeprefix("'nonce-")
        .rstrip("'")
    )
    assert f'<script nonce="{nonce}">' in response.content.decode()
    again = client.get(reverse("assessment_tools:import"))
    assert f'<script nonce="{nonce}">' not in again.content.decode()  # a new one each time


def test_the_api_docs_load_nothing_from_another_host(client, study_round):
    for url in API_DOCS:
        response = client.get(url)
        _assert_strict(url, response)
    swagger = client.get("/api/v1/docs/").content.decode()
    assert "?script" in swagger  # its start-up script is a file, not inline
