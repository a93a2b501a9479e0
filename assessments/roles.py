"""The roles as groups, with the admin model permissions each needs.

Created after every migrate (and after the test database is flushed, which
empties auth tables): a post_migrate handler keeps them present and current.
Which rounds and pairs a chair or expert works on is not a permission; it comes
from PanelMembership (permissions.py), and every write re-checks it.
"""

from __future__ import annotations

from . import permissions

DOMAIN_MODELS = [
    "methodology", "dimension", "scalelevel", "subject", "subjectname", "pair", "process",
    "round", "processassessment", "rating", "expertrating", "legalact", "legalactedition",
    "citation", "recommendation", "developmentinitiative", "publishedfigure", "panel",
    "panelmembership", "thread", "comment", "passage", "printedname", "processlink",
    "justificationflag", "reviewassignment", "reviewcomment", "replywindow", "reply",
]  # fmt: skip

ROLES: dict[str, dict[str, list[str]]] = {
    permissions.STAFF: {
        "view": DOMAIN_MODELS,
        "add": DOMAIN_MODELS,
        "change": DOMAIN_MODELS,
        "delete": [m for m in DOMAIN_MODELS if m not in ("round", "methodology")],
    },
    permissions.CHAIR: {
        "view": DOMAIN_MODELS,
        "add": ["expertrating", "rating", "citation", "thread", "comment"],
        "change": ["processassessment", "rating", "expertrating", "citation", "thread"],
        "delete": ["citation"],
    },
    permissions.EXPERT: {
        "view": DOMAIN_MODELS,
        "add": ["expertrating", "citation", "thread", "comment"],
        "change": ["expertrating", "thread"],
        "delete": [],
    },
    permissions.READER: {},
    # Reads the pairs she is assigned and comments on them on her own screen (tools/review):
    # no model page, so the admin's index and sidebar list none.
    permissions.REVIEWER: {},
    # The rated body's representative: her pair's draft, read and answered on her own
    # screen (tools/reply); no model page either.
    permissions.RESPONDENT: {},
}


def ensure_roles(sender=None, **kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    for name, grants in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for action, models in grants.items() for model in models]
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="assessments", codename__in=codenames)
        )
