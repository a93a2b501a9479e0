"""Onboarding a panel: one service, called by the staff's onboarding screen (and any
script), with the same guards as every service (base.py).

A panel is a round's, covering some of its pairs (none: all). Its members are existing
accounts or new ones; each gets the role's group (roles.py gives the group its admin
rights), so that what she may do follows from her role, not from a checkbox.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import permissions
from ..models import Pair, Panel, PanelMembership, Round
from ..roles import ensure_roles
from .base import InvalidInput, NotAllowed, ensure_open

ROLE_GROUPS = {
    PanelMembership.Role.CHAIR: permissions.CHAIR,
    PanelMembership.Role.EXPERT: permissions.EXPERT,
}


@dataclass(frozen=True)
class Member:
    """Who joins: an existing account (`user`), or a new one (`username`, `password`, ...)."""

    role: str
    user: object | None = None
    username: str = ""
    full_name: str = ""
    email: str = ""
    password: str = ""


def onboard_panel(
    *,
    actor,
    round_: Round,
    name: str,
    pairs: Iterable[Pair] = (),
    members: Sequence[Member],
) -> Panel:
    """Create a panel of the round (or add to the one of that name) with its members.

    All or nothing: a refused member (a user name taken, a weak password, an unknown
    role) refuses the whole panel, with errors keyed "members-<n>-<field>" for the form.
    """
    if not permissions.can_manage_rounds(actor):
        raise NotAllowed(_("Only institute staff put panels together."))
    ensure_open(round_)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Give the panel a name."), errors={"name": [_("Required.")]})
    pairs = list(pairs)
    round_pairs = set(
        Pair.objects.filter(processes__assessments__round=round_).values_list("pk", flat=True)
    )
    foreign = [p for p in pairs if p.pk not in round_pairs]
    if foreign:
        raise InvalidInput(
            _("The round does not assess %(pairs)s.")
            % {"pairs": ", ".join(str(p) for p in foreign)},
            errors={"pairs": [_("Not a pair of this round.")]},
        )
    if not members:
        raise InvalidInput(
            _("Add at least one member."), errors={"members": [_("Add at least one member.")]}
        )
    errors: dict[str, list[str]] = {}
    User = get_user_model()
    seen: set[str] = set()
    for n, m in enumerate(members):
        where = f"members-{n}"
        if m.role not in ROLE_GROUPS:
            errors[f"{where}-role"] = [_("Choose chair or expert.")]
        if m.user is not None:
            continue
        username = m.username.strip()
        if not username:
            errors[f"{where}-username"] = [_("Choose an existing user or give a user name.")]
            continue
        if username.lower() in seen or User.objects.filter(username__iexact=username).exists():
            errors[f"{where}-username"] = [
                _("The user name %(name)s is taken: choose the existing user instead.")
                % {"name": username}
            ]
        seen.add(username.lower())
        try:
            validate_password(m.password, User(username=username, email=m.email))
        except ValidationError as exc:
            errors[f"{where}-password"] = list(exc.messages)
    if errors:
        raise InvalidInput(_("Nothing was saved: correct the marked fields."), errors=errors)

    ensure_roles()
    groups = {role: Group.objects.get(name=group) for role, group in ROLE_GROUPS.items()}
    with transaction.atomic():
        panel, _created = Panel.objects.get_or_create(round=round_, name=name)
        if pairs:
            panel.pairs.add(*pairs)
        for m in members:
            user = m.user
            if user is None:
                first, _space, last = m.full_name.strip().partition(" ")
                user = User.objects.create_user(
                    username=m.username.strip(),
                    email=m.email.strip(),
                    password=m.password,
                    first_name=first,
                    last_name=last,
                )
            user.groups.add(groups[m.role])
            PanelMembership.objects.update_or_create(
                panel=panel, user=user, defaults={"role": m.role}
            )
        return panel
