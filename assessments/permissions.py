"""Who may see and do what: the one definition (docs/workflow.md, "Who sees what").

Roles are Django groups: they decide which admin pages a user may open at all. Which
rounds and pairs a chair or expert works on comes from her seats on panels
(PanelMembership). Everything here is a read, in three forms:

- `visible_*(user, rows=None)`: the rows the user may see, as a QuerySet (`rows`
  narrows a QuerySet the caller already has, e.g. the admin's annotated one).
  Every admin page, admin tool, export, API endpoint, site page and data package
  starts from one of these, so a row one may not see is a 404, never a 403 that
  would confirm it exists. `visible(user, rows)` picks the rule by the rows' model.
- `editable_*(user, rows=None)`: the rows a user may write into; admin forms offer
  only these.
- `can_*(user, obj)`: the predicates the services check before every write.

Imports flow one way: this module imports the models and composes the QuerySet
building blocks of querysets.py (`published()`, `covered_by(seats)`, ...), which
know nothing about users.

The rule, in short:
- a published (or superseded) round is public: its assessments, consensus ratings,
  citations, recommendations, figures, pages and data package;
- a round in work (draft, open, in review) is seen by institute staff, and by the
  members of its panels for the pairs their panel covers (a panel naming no pairs
  covers all); its figures (scores, comparisons, charts, the data package) only by
  those who see every one of its pairs;
- the panel's own work (experts' own ratings, discussion threads and comments) stays
  with the panel that covers the pair, and staff, also after publication;
- panels and their members: staff, and each member her own panels;
- reference data (methodologies, subjects, pairs, processes, legal acts) is public.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import (
    Citation,
    Comment,
    DevelopmentInitiative,
    Dimension,
    ExpertRating,
    JustificationFlag,
    LegalAct,
    LegalActEdition,
    Methodology,
    NameAsPublished,
    Pair,
    Panel,
    PanelMembership,
    Passage,
    PrintedName,
    Process,
    ProcessAssessment,
    ProcessLink,
    PublishedFigure,
    Rating,
    Recommendation,
    Reply,
    ReplyWindow,
    ReviewAssignment,
    ReviewComment,
    Round,
    ScaleLevel,
    Subject,
    SubjectName,
    Thread,
)
from .querysets import Coverage

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from .querysets import PanelMembershipQuerySet

    User = AbstractBaseUser | AnonymousUser

STAFF = "Institute staff"
CHAIR = "Panel chairs"
EXPERT = "Panel members"
READER = "API readers"
REVIEWER = "Peer reviewers"
RESPONDENT = "Respondents"  # the rated body's representatives (right of reply)
GROUPS = (STAFF, CHAIR, EXPERT, READER, REVIEWER, RESPONDENT)


def _in_group(user, name: str) -> bool:
    if not user.is_authenticated:
        return False
    cache = getattr(user, "_group_names", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._group_names = cache
    return name in cache


def is_staff_member(user: User) -> bool:
    """Institute staff: manage methodology, rounds and panels; publish; see everything."""
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or _in_group(user, STAFF))
    )


# The roles that work in the admin. Peer reviewers and respondents use only their own
# screens there (review, reply); roles.py gives them no model page.
ADMIN_ROLES = (STAFF, CHAIR, EXPERT, REVIEWER, RESPONDENT)


def may_use_admin(user: User) -> bool:
    """The admin is for the roles that work in it (their group gives the right; the "Staff
    status" checkbox still lets in an account set up by hand)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return any(_in_group(user, name) for name in ADMIN_ROLES)


def seats(user: User) -> PanelMembershipQuerySet:
    """The user's seats on panels; none for the anonymous and the deactivated."""
    if not (user.is_authenticated and user.is_active):
        return PanelMembership.objects.none()
    return PanelMembership.objects.filter(user=user)


def review_assignments(user: User) -> QuerySet[ReviewAssignment]:
    """The pairs of rounds the user peer-reviews; none for the anonymous and deactivated."""
    if not (user.is_authenticated and user.is_active):
        return ReviewAssignment.objects.none()
    return ReviewAssignment.objects.filter(reviewer=user)


def _reviewing(user: User, round_ref: str, pair_ref: str | None = None) -> Exists:
    """Exists(...): the user peer-reviews the round `round_ref` names (and, with `pair_ref`,
    that pair of it)."""
    assigned = review_assignments(user).filter(round=OuterRef(round_ref))
    if pair_ref is not None:
        assigned = assigned.filter(pair=OuterRef(pair_ref))
    return Exists(assigned)


def reply_windows(user: User) -> QuerySet[ReplyWindow]:
    """The reply windows the user is the rated body's representative in."""
    if not (user.is_authenticated and user.is_active):
        return ReplyWindow.objects.none()
    return ReplyWindow.objects.filter(respondent=user)


def _outside(user: User, round_ref: str, pair_ref: str | None = None) -> Q:
    """Someone from outside the panel given a pair's draft: its peer reviewer, or the
    representative of the body it rates (whose window need not be open any more)."""
    replying = reply_windows(user).filter(round=OuterRef(round_ref))
    if pair_ref is not None:
        replying = replying.filter(pair=OuterRef(pair_ref))
    return Q(_reviewing(user, round_ref, pair_ref)) | Q(Exists(replying))


# --- what a user may see -----------------------------------------------------------------


def visible_rounds(user: User, rounds: QuerySet[Round] | None = None) -> QuerySet[Round]:
    """Published rounds; the rounds the user sits on a panel of; staff: all."""
    rounds = Round.objects.all() if rounds is None else rounds
    if is_staff_member(user):
        return rounds
    if not user.is_authenticated:
        return rounds.published()
    return rounds.published_or_seated(seats(user)) | rounds.filter(_outside(user, "pk"))


def figure_rounds(user: User, rounds: QuerySet[Round] | None = None) -> QuerySet[Round]:
    """Rounds whose figures the user may see: scores, comparisons, charts, data packages.

    A figure (a dimension total, the overall index) is computed from every pair of the
    round, so it is shown only to those who see every one of them: anyone for a
    published round, staff, and in a round in work the members of panels that together
    cover all of its pairs.
    """
    rounds = Round.objects.all() if rounds is None else rounds
    if is_staff_member(user):
        return rounds
    hidden = ProcessAssessment.objects.filter(round=OuterRef("pk")).exclude(
        pk__in=visible_assessments(user).values("pk")
    )
    return visible_rounds(user, rounds).filter(~Exists(hidden))


def public_rounds() -> QuerySet[Round]:
    """What the public site, its feed, sitemap and data packages show, whoever asks:
    published rounds only (staff read their drafts in the admin)."""
    return Round.objects.published()


def visible_assessments(
    user: User, rows: QuerySet[ProcessAssessment] | None = None
) -> QuerySet[ProcessAssessment]:
    """Published rounds' assessments; in a round in work, those of the pairs the
    user's panel covers; staff: all."""
    return _round_work(user, ProcessAssessment.objects.all() if rows is None else rows)


def visible_ratings(user: User, rows: QuerySet[Rating] | None = None) -> QuerySet[Rating]:
    """Consensus ratings: as their assessments."""
    return _round_work(user, Rating.objects.all() if rows is None else rows)


def visible_citations(user: User, rows: QuerySet[Citation] | None = None) -> QuerySet[Citation]:
    """Citations: as their assessments."""
    return _round_work(user, Citation.objects.all() if rows is None else rows)


def visible_expert_ratings(
    user: User, rows: QuerySet[ExpertRating] | None = None
) -> QuerySet[ExpertRating]:
    """Experts' own ratings: the panel that covers the pair, and staff; after publication too."""
    return _panel_work(user, ExpertRating.objects.all() if rows is None else rows)


def visible_threads(user: User, rows: QuerySet[Thread] | None = None) -> QuerySet[Thread]:
    """Discussion threads: the panel that covers the pair, and staff; after publication too."""
    return _panel_work(user, Thread.objects.all() if rows is None else rows)


def visible_comments(user: User, rows: QuerySet[Comment] | None = None) -> QuerySet[Comment]:
    """Comments: as their threads."""
    return _panel_work(user, Comment.objects.all() if rows is None else rows)


def visible_panels(user: User, rows: QuerySet[Panel] | None = None) -> QuerySet[Panel]:
    """Panels and their members: staff; a member sees the panels she sits on."""
    rows = Panel.objects.all() if rows is None else rows
    if is_staff_member(user):
        return rows
    return rows.filter(pk__in=seats(user).values("panel"))


def visible_memberships(
    user: User, rows: QuerySet[PanelMembership] | None = None
) -> QuerySet[PanelMembership]:
    rows = PanelMembership.objects.all() if rows is None else rows
    if is_staff_member(user):
        return rows
    return rows.filter(panel__in=seats(user).values("panel"))


def visible_recommendations(
    user: User, rows: QuerySet[Recommendation] | None = None
) -> QuerySet[Recommendation]:
    """Recommendations: published rounds'; in a round in work, the pairs the panel covers."""
    rows = Recommendation.objects.all() if rows is None else rows
    if is_staff_member(user):
        return rows
    published = Q(round__status__in=Round.FROZEN_STATUSES)
    return rows.filter(
        published | Q(seats(user).covering("round", "pair")) | Q(_outside(user, "round", "pair"))
    )


def visible_initiatives(
    user: User, rows: QuerySet[DevelopmentInitiative] | None = None
) -> QuerySet[DevelopmentInitiative]:
    """Development initiatives: as recommendations, by their process's pair."""
    rows = DevelopmentInitiative.objects.all() if rows is None else rows
    if is_staff_member(user):
        return rows
    published = Q(round__status__in=Round.FROZEN_STATUSES)
    return rows.filter(
        published
        | Q(seats(user).covering("round", "process__pair"))
        | Q(_outside(user, "round", "process__pair"))
    )


def visible_published_figures(
    user: User, rows: QuerySet[PublishedFigure] | None = None
) -> QuerySet[PublishedFigure]:
    """Figures a publication printed: with the round's own figures (figure_rounds)."""
    rows = PublishedFigure.objects.all() if rows is None else rows
    if is_staff_member(user):
        return rows
    return rows.filter(round__in=figure_rounds(user).values("pk"))


def visible_passages(user: User, rows: QuerySet[Passage] | None = None) -> QuerySet[Passage]:
    """Texts a publication printed beyond its processes: as recommendations; one that names
    no pair, to every panel of its round."""
    rows = Passage.objects.all() if rows is None else rows
    if is_staff_member(user):
        return rows
    mine = seats(user)
    return rows.filter(
        Q(round__status__in=Round.FROZEN_STATUSES)
        | Q(mine.covering("round", "pair"))
        | (Q(pair__isnull=True) & Q(mine.covering("round")))
        | Q(_outside(user, "round", "pair"))
        | (Q(pair__isnull=True) & Q(_outside(user, "round")))
    )


def visible_names_as_published(
    user: User, rows: QuerySet[NameAsPublished] | None = None
) -> QuerySet[NameAsPublished]:
    """The register's names as a round was published with them: as public as the round (a
    round has them only once published; staff see every one)."""
    rows = NameAsPublished.objects.all() if rows is None else rows
    if is_staff_member(user):
        return rows
    return rows.filter(round__status__in=Round.FROZEN_STATUSES)


def visible_printed_names(
    user: User, rows: QuerySet[PrintedName] | None = None
) -> QuerySet[PrintedName]:
    """Names as a publication printed them: a process's as its assessment, a subject's to
    every panel of the round."""
    rows = PrintedName.objects.all() if rows is None else rows
    if is_staff_member(user):
        return rows
    mine = seats(user)
    return rows.filter(
        Q(round__status__in=Round.FROZEN_STATUSES)
        | (Q(assessment__isnull=False) & Q(mine.covering("round", "assessment__process__pair")))
        | (Q(assessment__isnull=True) & Q(mine.covering("round")))
        | (Q(assessment__isnull=False) & Q(_outside(user, "round", "assessment__process__pair")))
        | (Q(assessment__isnull=True) & Q(_outside(user, "round")))
    )


def visible_justification_flags(
    user: User, rows: QuerySet[JustificationFlag] | None = None
) -> QuerySet[JustificationFlag]:
    """A justification that reads against its rating: as the assessment it is about."""
    rows = JustificationFlag.objects.all() if rows is None else rows
    if is_staff_member(user):
        return rows
    return rows.filter(
        Q(assessment__round__status__in=Round.FROZEN_STATUSES)
        | Q(seats(user).covering("assessment__round", "assessment__process__pair"))
        | Q(_outside(user, "assessment__round", "assessment__process__pair"))
    )


def visible_review_assignments(
    user: User, rows: QuerySet[ReviewAssignment] | None = None
) -> QuerySet[ReviewAssignment]:
    """Who peer-reviews which pair: staff; the reviewer her own; the panel covering the pair."""
    rows = ReviewAssignment.objects.all() if rows is None else rows
    if is_staff_member(user):
        return rows
    if not user.is_authenticated:
        return rows.none()
    return rows.filter(Q(reviewer=user) | Q(seats(user).covering("round", "pair")))


def visible_review_comments(
    user: User, rows: QuerySet[ReviewComment] | None = None
) -> QuerySet[ReviewComment]:
    """Peer review comments and their answers: staff, the pair's reviewers and its panel,
    also after publication (like the panel's discussion, they are not published)."""
    rows = ReviewComment.objects.all() if rows is None else rows
    if is_staff_member(user):
        return rows
    if not user.is_authenticated:
        return rows.none()
    return rows.filter(
        Q(seats(user).covering("assessment__round", "assessment__process__pair"))
        | Q(_reviewing(user, "assessment__round", "assessment__process__pair"))
    )


def visible_reply_windows(
    user: User, rows: QuerySet[ReplyWindow] | None = None
) -> QuerySet[ReplyWindow]:
    """Reply windows: public once the round is published (a missed deadline is published
    as such); in work, staff, the representative her own, the panel covering the pair."""
    rows = ReplyWindow.objects.all() if rows is None else rows
    if is_staff_member(user):
        return rows
    published = Q(round__status__in=Round.FROZEN_STATUSES)
    if not user.is_authenticated:
        return rows.filter(published)
    return rows.filter(published | Q(respondent=user) | Q(seats(user).covering("round", "pair")))


def visible_replies(user: User, rows: QuerySet[Reply] | None = None) -> QuerySet[Reply]:
    """The body's replies: as their windows."""
    rows = Reply.objects.all() if rows is None else rows
    return rows.filter(window__in=visible_reply_windows(user).values("pk"))


def visible_reference(user: User, rows: QuerySet) -> QuerySet:
    """Methodologies, subjects, pairs, processes, legal acts: public, as on the API."""
    return rows


def draft_coverage(user: User) -> Coverage:
    """The pairs of rounds whose drafts the user reads, in one query: her panels' (a panel
    naming no pairs covers all), and, from outside the panel, the pairs she peer-reviews or
    answers for as the rated body's representative (never the panel's own work)."""
    if not (user.is_authenticated and user.is_active):
        return Coverage(frozenset())
    mine, reviewed, replied = _drafts_read(user)
    return Coverage.of(
        mine.pairs_of_rounds(),
        reviewed.values_list("round_id", "pair_id"),
        replied.values_list("round_id", "pair_id"),
    )


def _drafts_read(user: User) -> tuple[PanelMembershipQuerySet, QuerySet, QuerySet]:
    """Her seats, peer review assignments and reply windows: whence she reads drafts."""
    return seats(user), review_assignments(user), reply_windows(user)


def _round_work(user: User, rows: QuerySet) -> QuerySet:
    if is_staff_member(user):
        return rows
    if not user.is_authenticated:
        return rows.of_published_rounds()
    return rows.published_or_covered_by(draft_coverage(user))


def _panel_work(user: User, rows: QuerySet) -> QuerySet:
    if is_staff_member(user):
        return rows
    if not user.is_authenticated:
        return rows.none()
    return rows.covered_by(seats(user))


VISIBILITY: dict[type, Callable[[Any, QuerySet], QuerySet]] = {
    Methodology: visible_reference,
    Dimension: visible_reference,
    ScaleLevel: visible_reference,
    Subject: visible_reference,
    SubjectName: visible_reference,
    Pair: visible_reference,
    Process: visible_reference,
    LegalAct: visible_reference,
    LegalActEdition: visible_reference,
    Round: visible_rounds,
    ProcessAssessment: visible_assessments,
    Rating: visible_ratings,
    Citation: visible_citations,
    ExpertRating: visible_expert_ratings,
    Thread: visible_threads,
    Comment: visible_comments,
    Panel: visible_panels,
    PanelMembership: visible_memberships,
    Recommendation: visible_recommendations,
    DevelopmentInitiative: visible_initiatives,
    PublishedFigure: visible_published_figures,
    Passage: visible_passages,
    PrintedName: visible_printed_names,
    NameAsPublished: visible_names_as_published,
    JustificationFlag: visible_justification_flags,
    ProcessLink: visible_reference,
    ReviewAssignment: visible_review_assignments,
    ReviewComment: visible_review_comments,
    ReplyWindow: visible_reply_windows,
    Reply: visible_replies,
}


def visible(user: User, rows: QuerySet) -> QuerySet:
    """The rows of `rows` the user may see, by the rule for their model.

    A model without a rule is an error, not a default: a new model must be given one here.
    """
    try:
        rule = VISIBILITY[rows.model]
    except KeyError:
        raise LookupError(f"No visibility rule for {rows.model.__name__}") from None
    return rule(user, rows)


def unchanging_view(user: User, model: type, rounds: dict[str, Any]) -> str | None:
    """What the user sees of `model`'s rows in the rounds `rounds` picks (lookups on Round,
    e.g. {"year": 2016}), as a key, when none of it can change any more (every one of these
    rounds she works on is published); None otherwise.

    Whoever gets the same key sees the same rows: a list kept under it (api/listcache.py)
    may be served to each of them. Everyone but staff sees a published round's public rows
    alike; its experts' own ratings, each the pairs her seats cover in it. One plain query
    (and her groups): this is all a kept list costs beyond authentication."""
    rule = VISIBILITY.get(model)
    if rule not in (
        visible_assessments,
        visible_ratings,
        visible_citations,
        visible_expert_ratings,
    ):
        return None
    if is_staff_member(user):
        return None if Round.objects.filter(**rounds).unpublished().exists() else "all"

    def of_rounds(rows: QuerySet, path: str) -> QuerySet:
        return rows.filter(**{f"{path}__{lookup}": value for lookup, value in rounds.items()})

    frozen = Round.FROZEN_STATUSES
    mine, reviewed, replied = _drafts_read(user)
    if rule is visible_expert_ratings:
        cells = of_rounds(mine, "panel__round").values_list(
            "panel__round_id", "panel__pairs", "panel__round__status"
        )
        if any(status not in frozen for _round, _pair, status in cells):
            return None
        return "panel:" + ",".join(sorted(f"{r}.{'*' if p is None else p}" for r, p, _s in cells))
    # Beyond the public rows: the drafts she reads as a panel member or from outside.
    statuses = (
        of_rounds(mine, "panel__round")
        .values_list("panel__round__status")
        .union(
            of_rounds(reviewed.order_by(), "round").values_list("round__status"),
            of_rounds(replied.order_by(), "round").values_list("round__status"),
        )
    )
    return None if any(status not in frozen for (status,) in statuses) else "published"


# --- what a user may write into ----------------------------------------------------------


def editable_rounds(user: User, rounds: QuerySet[Round] | None = None) -> QuerySet[Round]:
    """Rounds still in work that the user sees: a published round never changes."""
    return visible_rounds(user, rounds).unpublished()


def editable_assessments(
    user: User, rows: QuerySet[ProcessAssessment] | None = None
) -> QuerySet[ProcessAssessment]:
    """Assessments of rounds in work that the user works on (staff: every one)."""
    rows = (ProcessAssessment.objects.all() if rows is None else rows).of_unpublished_rounds()
    if is_staff_member(user):
        return rows
    if not user.is_authenticated:
        return rows.none()
    return rows.covered_by(seats(user))


def chaired_assessments(
    user: User, rows: QuerySet[ProcessAssessment] | None = None
) -> QuerySet[ProcessAssessment]:
    """Assessments whose consensus the user sets: those of the pairs her panel covers where
    she is its chair (staff: every one); published rounds' too, shown read-only."""
    rows = ProcessAssessment.objects.all() if rows is None else rows
    if is_staff_member(user):
        return rows
    if not user.is_authenticated:
        return rows.none()
    return rows.covered_by(seats(user).filter(role=PanelMembership.Role.CHAIR))


# --- predicates: what a user may do with one object ------------------------------------------


def panel_role(user: User, assessment: ProcessAssessment) -> str | None:
    """'chair' or 'expert' when the user sits on a panel covering this assessment, else None."""
    if not user.is_authenticated or not user.is_active:
        return None
    roles = set(
        seats(user)
        .filter(panel__round_id=assessment.round_id)
        .filter(Q(panel__pairs__isnull=True) | Q(panel__pairs=assessment.process.pair_id))
        .values_list("role", flat=True)
    )
    if PanelMembership.Role.CHAIR in roles:
        return PanelMembership.Role.CHAIR
    if PanelMembership.Role.EXPERT in roles:
        return PanelMembership.Role.EXPERT
    return None


def can_contribute(user: User) -> bool:
    """Whether the user's role writes at all: staff, chairs and panel members (API readers
    and the public only read). Which rows she may write is for the predicates below."""
    if is_staff_member(user):
        return True
    return bool(user.is_authenticated and user.is_active) and (
        _in_group(user, CHAIR) or _in_group(user, EXPERT)
    )


def can_view_round(user: User, round_: Round) -> bool:
    return visible_rounds(user).filter(pk=round_.pk).exists()


def can_see_figures(user: User, round_: Round) -> bool:
    """Whether the round's figures (computed from every pair) are the user's to see."""
    return round_.is_frozen or figure_rounds(user).filter(pk=round_.pk).exists()


def can_see_panel_work(user: User, assessment: ProcessAssessment) -> bool:
    """Experts' own ratings and the discussion of this assessment: its panel and staff."""
    return is_staff_member(user) or panel_role(user, assessment) is not None


def can_rate(user: User, assessment: ProcessAssessment) -> bool:
    """An expert rates the processes her panel covers (chairs are experts too)."""
    return panel_role(user, assessment) is not None


def can_set_consensus(user: User, assessment: ProcessAssessment) -> bool:
    """The panel's chair sets the rating that is scored; staff may, for errata."""
    return is_staff_member(user) or panel_role(user, assessment) == "chair"


def can_edit_assessment(user: User, assessment: ProcessAssessment) -> bool:
    """Verdict, justification and citations: the chair, or staff."""
    return can_set_consensus(user, assessment)


def can_add_evidence(user: User, assessment: ProcessAssessment) -> bool:
    """Any panel member may add a citation; the chair and staff may change any."""
    return is_staff_member(user) or panel_role(user, assessment) is not None


def can_discuss(user: User, assessment: ProcessAssessment) -> bool:
    return is_staff_member(user) or panel_role(user, assessment) is not None


def can_resolve(user: User, thread: Thread) -> bool:
    return (
        is_staff_member(user)
        or thread.created_by_id == getattr(user, "pk", None)
        or panel_role(user, thread.assessment) == "chair"
    )


def can_chair_round(user: User, round_: Round) -> bool:
    """The chair's view of a round: staff, and whoever chairs one of its panels."""
    if is_staff_member(user):
        return True
    return seats(user).filter(panel__round=round_, role=PanelMembership.Role.CHAIR).exists()


def is_assigned_reviewer(user: User, assessment: ProcessAssessment) -> bool:
    """Whether the user peer-reviews this assessment's pair in its round."""
    return (
        review_assignments(user)
        .filter(round_id=assessment.round_id, pair_id=assessment.process.pair_id)
        .exists()
    )


def can_answer_review(user: User, assessment: ProcessAssessment) -> bool:
    """A peer review comment is answered by the pair's chair, or staff."""
    return can_set_consensus(user, assessment)


def can_reply(user: User, window: ReplyWindow) -> bool:
    """Only the representative the window names writes the body's reply."""
    return bool(user.is_authenticated and user.is_active and window.respondent_id == user.pk)


def can_manage_rounds(user: User) -> bool:
    """Open, review, publish, start the next round, issue errata."""
    return is_staff_member(user)
