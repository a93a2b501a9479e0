"""No internal code on a screen a person reads.

Each role (expert, chair, staff, peer reviewer, respondent, superuser) walks every admin
page she can open, in Kyrgyz, Russian and English: the index, every model's list, the
change form and history of a row of a round in work and of the published 2016 round,
the rating sheet, the chair's view, staff onboarding, the lifecycle forms, peer review
and the right of reply, compare and charts. The visible text of each page (text nodes,
tooltips, placeholders; not the values of the inputs that edit a code) must name things
in words: no methodology label (`idea-4d@2016`), no field name (`justification_ky`),
no snake_case identifier (`pair_index`).
"""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from assessments import permissions, services
from assessments.models import (
    Comment,
    Dimension,
    ExpertRating,
    LegalAct,
    Methodology,
    Pair,
    PanelMembership,
    Process,
    Round,
    Subject,
    Thread,
)
from assessments.services import peer_review, replies

from ..conftest import load_study, rolled_back, user_in_role
from ..factories import PanelFactory, UserFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ("ky", "ru", "en")
ROLES = ("expert", "chair", "staff", "reviewer", "respondent", "superuser")

INTERNAL = re.compile(
    r"[a-z0-9]+(?:-[a-z0-9]+)*@\d{4}"  # a methodology's label: idea-4d@2016
    r"|\b[a-z][a-z0-9]*_(?:ky|ru|en)\b"  # a translated field's column: justification_ky
    r"|\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"  # any other identifier: pair_index, is_scored
)
# Text a person reads besides the text between tags.
READ_ATTRIBUTES = ("title", "placeholder", "alt", "aria-label")


class VisibleText(HTMLParser):
    """The text a page shows: what is between its tags, outside scripts and styles, and
    the attributes read aloud or shown on hover. A textarea's text is a value being edited,
    as an input's is."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template", "textarea"):
            self._hidden += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "textarea") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


REFERENCE = (Methodology, Dimension, Subject, Pair, Process, LegalAct)
WORD = re.compile(r"[\w-]+")


def _content_words(model, language: str) -> set[str]:
    fields = [
        f"{f}_{language}"
        for f in ("name", "title", "description")
        if hasattr(model, f"{f}_{language}")
    ]
    return {
        w.lower()
        for row in model.objects.values_list(*fields)
        for text in row
        if text
        for w in WORD.findall(text)
    }


def reference_codes(language: str) -> re.Pattern:
    """The codes of the reference rows (a dimension's `rules`, a process's `jk-elections`):
    a hyphenated code anywhere as a word; a one-word code, which may be an ordinary word of
    a sentence too ("rules"), where it stands alone: a cell, or beside a separator.

    A code that is also a word of the rows' own texts is not told apart from them: a
    one-word code in the page's language ("The judiciary (courts)"; the other languages
    still catch it), a hyphenated one in any (a read-only form shows every language's
    text, and "anti-corruption" is English)."""
    codes, here, anywhere = set(), set(), set()
    for model in REFERENCE:
        codes.update(model.objects.values_list("code", flat=True))
        here |= _content_words(model, language)
        for other in LANGUAGES:
            anywhere |= _content_words(model, other)
    hyphenated = sorted((c for c in codes - anywhere if not c.isalpha()), key=len, reverse=True)
    words = sorted((c for c in codes - here if c.isalpha()), key=len, reverse=True)
    alternatives = []
    if hyphenated:
        either = "|".join(map(re.escape, hyphenated))
        alternatives.append(rf"(?<![\w-])(?:{either})(?![\w-])")
    if words:
        alone = "|".join(map(re.escape, words))
        before, after = r"(?:^|(?<=[/=:(—·]\s)|(?<=[/=:(—·]))", r"(?=\s*(?:$|[/=)—·]))"
        alternatives.append(rf"{before}(?:{alone}){after}")
    return re.compile("|".join(alternatives) or r"(?!)")


def internal_codes(html: str, codes: re.Pattern) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    found = set()
    for part in parser.parts:
        found.update(m.group(0) for m in INTERNAL.finditer(part))
        found.update(m.group(0) for m in codes.finditer(part))
    return found


@pytest.fixture(scope="module")
def year(django_db_setup, django_db_blocker):
    """The published 2016 round and its successor in work, with a panel (a chair, an
    expert), a peer reviewer and the rated body's representative on its first pair.

    Built once for the module in a transaction rolled back at its end (as the permission
    matrix's world): each role's walk only reads, in its own savepoint."""
    with rolled_back(django_db_blocker):
        yield _year()


def _year() -> dict:
    load_study()
    study_round = Round.objects.get(year=2016)
    staff = user_in_role("staff", permissions.STAFF)
    chair = user_in_role("chair", permissions.CHAIR)
    expert = user_in_role("expert", permissions.EXPERT)
    draft = services.start_next_round(actor=staff, source=study_round, year=2017, reason="next")
    panel = PanelFactory(round=draft)
    PanelMembership.objects.create(panel=panel, user=chair, role="chair")
    PanelMembership.objects.create(panel=panel, user=expert, role="expert")
    services.transition_round(actor=staff, round_=draft, to=Round.Status.OPEN, reason="open")
    assessment = draft.assessments.select_related("process__pair").order_by("pk").first()
    pair = assessment.process.pair
    dimension = draft.methodology.dimensions.order_by("position").first()
    ExpertRating.objects.create(
        assessment=assessment, dimension=dimension, expert=expert, value=1, justification="Yes"
    )
    thread = Thread.objects.create(
        assessment=assessment, title="Which act?", created_by=expert, dimension=dimension
    )
    Comment.objects.create(thread=thread, author=expert, body="The 2011 law.")
    reviewer = UserFactory(username="reviewer", is_staff=False)
    peer_review.assign_reviewer(
        actor=staff, round_=draft, pair=pair, reviewer=reviewer, reason="assigned"
    )
    # A reply window opens, and peer review comments come, while the round is in review;
    # back to rating after, so that the sheet shows its inputs.
    Round.objects.filter(pk=draft.pk).update(status=Round.Status.REVIEW)
    peer_review.add_review_comment(actor=reviewer, assessment=assessment, body="Which act?")
    respondent = UserFactory(username="ministry", is_staff=False)
    window = replies.open_reply_window(
        actor=staff,
        round_=draft,
        pair=pair,
        respondent=respondent,
        deadline=timezone.now() + datetime.timedelta(days=7),
        reason="invited",
    )
    replies.submit_reply(
        actor=respondent, window=window, body="Our answer", language="en", assessment=assessment
    )
    Round.objects.filter(pk=draft.pk).update(status=Round.Status.OPEN)
    superuser = UserFactory(username="root", is_superuser=True)
    draft.refresh_from_db()
    users = {
        "expert": expert,
        "chair": chair,
        "staff": staff,
        "reviewer": reviewer,
        "respondent": respondent,
        "superuser": superuser,
    }
    return {"published": study_round, "draft": draft, "pair": pair, "users": users}


def _rows(model, rounds) -> list:
    """A row of each round (or, for reference data, one row) of the model."""
    fields = {f.name for f in model._meta.get_fields()}
    for path in ("round", "assessment__round", "thread__assessment__round", "panel__round"):
        head = path.split("__")[0]
        if head in fields:
            rows = [model.objects.filter(**{path: r}).order_by("pk").first() for r in rounds]
            return [row for row in rows if row is not None]
    if model._meta.model_name == "methodology":
        return [rounds[0].methodology]
    if model._meta.model_name == "dimension":
        return [rounds[0].methodology.dimensions.order_by("position").first()]
    row = model.objects.order_by("pk").first()
    return [row] if row is not None else []


def pages(year) -> list[tuple[str, str, tuple, dict]]:
    """Every admin page of the year: (url name, query, args, kwargs)."""
    published, draft, pair = year["published"], year["draft"], year["pair"]
    rounds = [draft, published]
    key = {r: f"{r.year}-v{r.version}" for r in rounds}
    found: list[tuple[str, str, tuple, dict]] = [
        ("admin:index", "", (), {}),
        ("admin:app_list", "", (), {"app_label": "assessments"}),
    ]
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label != "assessments":
            continue
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        found.append((f"{prefix}_changelist", "", (), {}))
        for row in _rows(model, rounds):
            found.append((f"{prefix}_change", "", (row.pk,), {}))
            found.append((f"{prefix}_history", "", (row.pk,), {}))
    found += [
        ("admin:assessments_round_lifecycle", "action=open", (), {"object_id": draft.pk}),
        ("admin:assessments_round_lifecycle", "action=next", (), {"object_id": published.pk}),
        ("admin:assessments_round_lifecycle", "action=errata", (), {"object_id": published.pk}),
        ("panel_staff:onboard", "", (), {"round_id": draft.pk}),
        ("assessment_tools:compare", f"before={key[published]}&after={key[draft]}", (), {}),
        ("assessment_tools:round-charts", "", (), {"key": key[published]}),
        ("assessment_tools:import", "", (), {}),
        ("assessment_tools:export", "", (), {}),
        ("assessment_tools:review", "", (), {}),
        ("assessment_tools:review-round", "", (key[draft],), {}),
        ("assessment_tools:review-pair", "", (key[draft], pair.code), {}),
        ("assessment_tools:reply", "", (), {}),
        ("assessment_tools:reply-round", "", (key[draft],), {}),
        ("assessment_tools:reply-pair", "", (key[draft], pair.code), {}),
    ]
    for round_ in rounds:
        found += [
            ("workspace:sheet", "", (), {"round_id": round_.pk}),
            ("panel_chair:sheet", "", (), {"round_id": round_.pk}),
            ("panel_chair:sheet", "show=threads", (), {"round_id": round_.pk}),
        ]
    return found


@pytest.mark.parametrize("role", ROLES)
def test_no_internal_code_on_any_admin_page_a_role_opens(year, role, db, plain_rendering):
    client = Client()
    client.force_login(year["users"][role])
    codes = {language: reference_codes(language) for language in LANGUAGES}
    found: list[str] = []
    opened = 0
    for language in LANGUAGES:
        for name, query, args, kwargs in pages(year):
            with translation.override(language):
                try:
                    url = reverse(name, args=args or None, kwargs=kwargs or None)
                except NoReverseMatch:
                    continue
            response = client.get(f"{url}?{query}" if query else url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            opened += 1
            shown = internal_codes(response.content.decode(), codes[language])
            if shown:
                found.append(f"{url}{'?' + query if query else ''}: {sorted(shown)}")
    assert opened >= len(LANGUAGES) * 2  # she opened her screens, not only refusals
    assert not found, f"{role} reads internal codes on {len(found)} pages:\n" + "\n".join(found)


def test_the_walk_reads_the_codes_a_person_would_see(year, db):
    codes = reference_codes("ky")  # "rules" is an English word too: asked in Kyrgyz
    page = (
        "<title>2016: Recall / rules</title><td>jk-recall</td><p>idea-4d@2016</p>"
        "<td>pair_index</td><label>justification_ky:</label><span title='is_scored'></span>"
        "<p>Existence of rules and standards</p><textarea>kept_as_typed</textarea>"
        "<input value='jk-elections'><script>var some_name;</script>"
    )
    assert internal_codes(page, codes) == {
        "rules",
        "jk-recall",
        "idea-4d",
        "idea-4d@2016",
        "pair_index",
        "justification_ky",
        "is_scored",
    }
