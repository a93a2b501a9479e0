"""Who may see and do what: the one place the roles are defined.

Roles are Django groups (model permissions for the admin); which rounds and pairs
a panel member works on comes from PanelMembership. Everything here is a read;
the services call these checks before every write, and views scope their
querysets with the QuerySet methods in querysets.py that mirror them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from .models import ProcessAssessment, Round, Thread

    User = AbstractBaseUser | AnonymousUser

STAFF = "Institute staff"
CHAIR = "Panel chairs"
EXPERT = "Panel members"
READER = "API readers"
GROUPS = (STAFF, CHAIR, EXPERT, READER)


def _in_group(user, name: str) -> bool:
    if not user.is_authenticated:
        return False
    cache = getattr(user, "_group_names", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._group_names = cache
    return name in cache


def is_staff_member(user: User) -> bool:
    """Institute staff: manage methodology, rounds and panels; publish."""
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or _in_group(user, STAFF))
    )


def membership_filter(user: User, round_ref: str, pair_ref: str | None) -> Exists:
    """Exists(...) for "the user sits on a panel of this round that covers this pair"."""
    from .models import PanelMembership

    memberships = PanelMembership.objects.filter(user=user, panel__round=OuterRef(round_ref))
    if pair_ref is not None:
        memberships = memberships.filter(
            Q(panel__pairs__isnull=True) | Q(panel__pairs=OuterRef(pair_ref))
        )
    return Exists(memberships)


def panel_role(user: User, assessment: ProcessAssessment) -> str | None:
    """'chair' or 'expert' when the user sits on a panel covering this assessment, else None."""
    if not user.is_authenticated or not user.is_active:
        return None
    from .models import PanelMembership

    roles = set(
        PanelMembership.objects.filter(user=user, panel__round_id=assessment.round_id)
        .filter(Q(panel__pairs__isnull=True) | Q(panel__pairs=assessment.process.pair_id))
        .values_list("role", flat=True)
    )
    if PanelMembership.Role.CHAIR in roles:
        return PanelMembership.Role.CHAIR
    if PanelMembership.Role.EXPERT in roles:
        return PanelMembership.Role.EXPERT
    return None


def can_view_round(user: User, round_: Round) -> bool:
    if round_.is_frozen or is_staff_member(user):
        return True
    return bool(user.is_authenticated and round_.panels.filter(memberships__user=user).exists())


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


def can_manage_rounds(user: User) -> bool:
    """Open, review, publish, start the next round, issue errata."""
    return is_staff_member(user)
