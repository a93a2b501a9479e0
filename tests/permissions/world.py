"""The world the permission tests look at, and the roles that look at it.

Two panels work on one round in work (here open for rating, called "draft" below, as
everything unpublished is): panel A covers pair A, panel B pair B. The same panels
worked on a published round. Every kind of row exists in both rounds on both pairs,
so that each page can be asked for pair A's row of the draft and of the published
round, by every role.

Adding a role is one row of ROLES: how to make the user (her groups, her seats), what
she sees in each state of a round, and what she may do in the admin.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone
from knox.models import AuthToken

from assessments import permissions
from assessments.api import caching
from assessments.models import (
    Citation,
    Comment,
    DevelopmentInitiative,
    ExpertRating,
    JustificationFlag,
    NameAsPublished,
    PanelMembership,
    Passage,
    PrintedName,
    ProcessLink,
    PublishedFigure,
    Recommendation,
    Reply,
    ReplyWindow,
    ReviewAssignment,
    ReviewComment,
    Round,
    Thread,
)
from assessments.roles import ensure_roles
from tests.factories import (
    AssessmentFactory,
    LegalActFactory,
    MethodologyFactory,
    PairFactory,
    PanelFactory,
    ProcessFactory,
    RoundFactory,
    SubjectFactory,
    UserFactory,
    rate,
)

DRAFT, PUBLISHED = "draft", "published"
STATES = (DRAFT, PUBLISHED)


@dataclass
class World:
    rounds: dict[str, Round]
    pairs: dict[str, Any]
    panels: dict[tuple[str, str], Any]  # (panel "A"/"B", state) → Panel
    # model label ("assessments.rating") → state → pair A's row of that state's round
    # (reference rows, which belong to no round, are the same in both states).
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Pair B's rows, for the tests that look at what is shown.
    other: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def titles(self, pair: str, state: str) -> str:
        return f"{pair} {state} process"


def _fill(round_: Round, state: str, pairs: dict, processes: dict, act) -> dict[str, Any]:
    """Every kind of row of a round, on each pair; returns them by pair and model label."""
    made: dict[str, Any] = {}
    for name, pair in pairs.items():
        assessment = AssessmentFactory(
            round=round_,
            process=processes[name],
            title_en=f"{name} {state} process",
            justification_en=f"{name} {state} consensus justification",
        )
        rating = rate(assessment, rules=1, demand=1, motivation=1, enforcement=0)[0]
        citation = Citation.objects.create(assessment=assessment, act=act, article=f"{name}-1")
        made[name] = {
            "assessments.processassessment": assessment,
            "assessments.rating": rating,
            "assessments.citation": citation,
            "assessments.recommendation": Recommendation.objects.create(
                round=round_, pair=pair, text_en=f"{name} {state} recommendation"
            ),
            "assessments.developmentinitiative": DevelopmentInitiative.objects.create(
                round=round_, process=processes[name], status="some"
            ),
            "assessments.publishedfigure": PublishedFigure.objects.create(
                round=round_, kind="pair_index", pair=pair, value=50
            ),
            "assessments.passage": Passage.objects.create(
                round=round_,
                kind="section_text",
                section="6",
                pair=pair,
                text_en=f"{name} {state} passage",
            ),
            "assessments.printedname": PrintedName.objects.create(
                round=round_,
                assessment=assessment,
                place="heading",
                section="6.1",
                text=f"{name} {state} printed name",
            ),
            # The pair's name as the round keeps it (the same words: nothing shown moves).
            "assessments.nameaspublished": NameAsPublished.objects.create(
                round=round_,
                kind="pair",
                object_id=pair.pk,
                texts={
                    f"name_{lang}": getattr(pair, f"name_{lang}") for lang in ("ky", "ru", "en")
                },
            ),
            "assessments.justificationflag": JustificationFlag.objects.create(
                assessment=assessment,
                dimension=rating.dimension,
                value=1,
                quote_en=f"{name} {state} quote",
            ),
        }
    return made


def build_world() -> World:
    # A flush by an earlier transactional test may have emptied the roles' groups.
    ensure_roles()
    cache.clear()
    caching.clear_local()
    methodology = MethodologyFactory()
    subjects = [SubjectFactory(code=f"subject-{c}") for c in "xyz"]
    pairs = {
        "A": PairFactory(code="pair-a", principal=subjects[0], agent=subjects[1], name_en="Pair A"),
        "B": PairFactory(code="pair-b", principal=subjects[1], agent=subjects[2], name_en="Pair B"),
    }
    processes = {
        name: ProcessFactory(pair=pair, code=f"process-{name.lower()}")
        for name, pair in pairs.items()
    }
    act = LegalActFactory(code="constitution")
    published = RoundFactory(year=2030, methodology=methodology, title_en="Published round")
    draft = RoundFactory(year=2031, methodology=methodology, title_en="Round in work")
    world = World(rounds={DRAFT: draft, PUBLISHED: published}, pairs=pairs, panels={})
    filled = {
        PUBLISHED: _fill(published, PUBLISHED, pairs, processes, act),
        DRAFT: _fill(draft, DRAFT, pairs, processes, act),
    }
    for state, round_ in world.rounds.items():
        for name, pair in pairs.items():
            panel = PanelFactory(round=round_, name=f"Panel {name} {state}")
            panel.pairs.set([pair])
            world.panels[name, state] = panel
            filled[state][name]["assessments.panel"] = panel
            filled[state][name]["assessments.round"] = round_

    for role in ROLES:
        user = role.make(world)
        world.users[role.name] = user
        if user is not None:
            world.tokens[role.name] = AuthToken.objects.create(user)[1]

    # The panel's own work: each pair's expert rates and discusses, in both rounds.
    for state in STATES:
        for name, expert in (("A", world.users["expert_a"]), ("B", world.users["expert_b"])):
            rows = filled[state][name]
            assessment = rows["assessments.processassessment"]
            rows["assessments.expertrating"] = ExpertRating.objects.create(
                assessment=assessment,
                dimension=methodology.dimensions.get(code="rules"),
                expert=expert,
                value=0,
                justification=f"{name} {state} expert's own justification",
            )
            thread = Thread.objects.create(
                assessment=assessment, title=f"{name} {state} thread title", created_by=expert
            )
            rows["assessments.thread"] = thread
            rows["assessments.comment"] = Comment.objects.create(
                thread=thread, author=expert, body=f"{name} {state} comment"
            )
            # A recorded change with its reason, as the chair would make it: the round in
            # work moves the rating, so that a comparison shows the change and its reason.
            rating = rows["assessments.rating"]
            rating.value = 0 if state == DRAFT else 1
            rating._change_reason = f"{name} {state} change reason"
            rating.save()

    # Scrutiny from outside the panel, on pair A: a peer review comment and a reply.
    for state in STATES:
        rows = filled[state]["A"]
        round_, assessment = world.rounds[state], rows["assessments.processassessment"]
        rows["assessments.reviewassignment"] = ReviewAssignment.objects.get(
            round=round_, pair=pairs["A"]
        )
        rows["assessments.reviewcomment"] = ReviewComment.objects.create(
            assessment=assessment, reviewer=world.users["reviewer_a"], body=f"A {state} review"
        )
        window = ReplyWindow.objects.get(round=round_, pair=pairs["A"])
        rows["assessments.replywindow"] = window
        rows["assessments.reply"] = Reply.objects.create(
            window=window,
            assessment=assessment,
            language="en",
            body=f"A {state} reply",
            author=world.users["respondent_a"],
        )

    Round.objects.filter(pk=draft.pk).update(status=Round.Status.OPEN)
    # Published last: on PostgreSQL the freeze trigger refuses rows added to a published round.
    Round.objects.filter(pk=published.pk).update(
        status=Round.Status.PUBLISHED,
        published_at=timezone.make_aware(datetime.datetime(2030, 6, 1, 12)),
    )
    for round_ in world.rounds.values():
        round_.refresh_from_db()

    reference = {
        "assessments.methodology": methodology,
        "assessments.dimension": methodology.dimensions.first(),
        "assessments.subject": subjects[0],
        "assessments.pair": pairs["A"],
        "assessments.process": processes["A"],
        "assessments.legalact": act,
        "assessments.processlink": ProcessLink.objects.create(
            process=processes["A"], other=processes["B"]
        ),
        "assessments.legalactedition": act.editions.create(code="2010", title_en="2010 edition"),
        "auth.user": world.users["expert_a"],
        "auth.group": Group.objects.get(name=permissions.EXPERT),
        "knox.authtoken": AuthToken.objects.filter(user=world.users["expert_a"]).first(),
    }
    for label, row in reference.items():
        world.rows[label] = {DRAFT: row, PUBLISHED: row}
    for state in STATES:
        for label, row in filled[state]["A"].items():
            world.rows.setdefault(label, {})[state] = row
        for label, row in filled[state]["B"].items():
            world.other.setdefault(label, {})[state] = row
    return world


# --- the roles ----------------------------------------------------------------------------


def _user(username: str, *groups: str, **fields: Any):
    user = UserFactory(username=username, **fields)
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


def _seated(username: str, group: str, panel: str, role: str) -> Callable[[World], Any]:
    """A user on panel `panel` ("A" or "B") of both rounds, as `role` (chair or expert)."""

    def make(world: World):
        user = _user(username, group)
        for state in STATES:
            PanelMembership.objects.create(panel=world.panels[panel, state], user=user, role=role)
        return user

    return make


def _reviewer(username: str, pair: str) -> Callable[[World], Any]:
    """A peer reviewer assigned to pair `pair` of both rounds."""

    def make(world: World):
        user = _user(username, permissions.REVIEWER)
        for state in STATES:
            ReviewAssignment.objects.create(
                round=world.rounds[state], pair=world.pairs[pair], reviewer=user
            )
        return user

    return make


def _respondent(username: str, pair: str) -> Callable[[World], Any]:
    """The representative of the body pair `pair` rates, invited to reply in both rounds."""

    def make(world: World):
        user = _user(username, permissions.RESPONDENT)
        for state in STATES:
            ReplyWindow.objects.create(
                round=world.rounds[state],
                pair=world.pairs[pair],
                respondent=user,
                deadline=timezone.now() + datetime.timedelta(days=30),
            )
        return user

    return make


@dataclass(frozen=True)
class Role:
    """One row of the matrix.

    `sees`: per state of the round, the scopes of pair A's rows she sees: "round" (the
    round itself), "work" (assessments, consensus ratings, citations, recommendations,
    initiatives), "internal" (experts' own ratings, threads, comments), "panel" (panel A
    and its members), "figures" (scores, comparisons, charts, published figures).
    `may`: what she may do: "admin" (open the admin), "models" (the admin's model pages:
    lists, forms, histories; a peer reviewer and a respondent have only their own
    screens), "contribute" (add experts' ratings, citations, threads), "rate" (sits on
    the panel of pair A: has a rating sheet there), "chair" (consensus ratings,
    restores), "staff", "superuser", "token" (an API token).
    """

    name: str
    make: Callable[[World], Any]
    sees: dict[str, frozenset[str]]
    may: frozenset[str]


PUBLIC = frozenset({"round", "work", "figures"})
# "review": pair A's peer review (its comments and answers); "review-round": the round's
# peer review page, which lists the pairs one takes part in the review of.
REVIEW = frozenset({"review", "review-round"})
# The same for the right of reply: pair A's reply page, and the round's.
REPLY = frozenset({"reply", "reply-round"})
PANEL_A = frozenset({"round", "work", "internal", "panel"}) | REVIEW | REPLY
EVERYTHING = frozenset({"round", "work", "internal", "panel", "figures"}) | REVIEW | REPLY
CONTRIBUTOR = frozenset({"admin", "models", "contribute", "token"})

ROLES = [
    Role("anonymous", lambda w: None, {DRAFT: frozenset(), PUBLISHED: PUBLIC}, frozenset()),
    Role(
        "reader",
        lambda w: _user("reader", permissions.READER, is_staff=False),
        {DRAFT: frozenset(), PUBLISHED: PUBLIC},
        frozenset({"token"}),
    ),
    Role(
        "outsider",  # an expert on no panel of either round
        lambda w: _user("outsider", permissions.EXPERT),
        {DRAFT: frozenset(), PUBLISHED: PUBLIC},
        CONTRIBUTOR,
    ),
    Role(
        "expert_a",
        _seated("expert_a", permissions.EXPERT, "A", "expert"),
        {DRAFT: PANEL_A, PUBLISHED: PUBLIC | PANEL_A},
        CONTRIBUTOR | {"rate"},
    ),
    Role(
        "expert_b",  # on the same rounds, for the other pair
        _seated("expert_b", permissions.EXPERT, "B", "expert"),
        {
            DRAFT: frozenset({"round", "review-round", "reply-round"}),
            PUBLISHED: PUBLIC | {"review-round", "reply-round"},
        },
        CONTRIBUTOR,
    ),
    Role(
        "reviewer_a",  # a peer reviewer assigned to pair A of both rounds
        _reviewer("reviewer_a", "A"),
        {DRAFT: frozenset({"round", "work"}) | REVIEW, PUBLISHED: PUBLIC | REVIEW},
        frozenset({"admin", "token"}),
    ),
    Role(
        "respondent_a",  # the representative of the body pair A rates, in both rounds
        _respondent("respondent_a", "A"),
        {DRAFT: frozenset({"round", "work"}) | REPLY, PUBLISHED: PUBLIC | REPLY},
        frozenset({"admin", "token"}),
    ),
    Role(
        "chair_a",
        _seated("chair_a", permissions.CHAIR, "A", "chair"),
        {DRAFT: PANEL_A, PUBLISHED: PUBLIC | PANEL_A},
        CONTRIBUTOR | {"chair", "rate"},
    ),
    Role(
        "staff",
        lambda w: _user("staff", permissions.STAFF),
        {DRAFT: EVERYTHING, PUBLISHED: EVERYTHING},
        CONTRIBUTOR | {"chair", "staff"},
    ),
    Role(
        "superuser",
        lambda w: _user("root", is_superuser=True),
        {DRAFT: EVERYTHING, PUBLISHED: EVERYTHING},
        CONTRIBUTOR | {"chair", "staff", "superuser"},
    ),
]
