"""Every change to a round's data goes through one of these functions.

Admin, API, imports and management commands call them alike. Each one:
- checks the actor's role (permissions.py) and that the round is not published;
- runs in one transaction, locks the row it changes (select_for_update) and
  compares the revision the caller saw, so that no edit silently overwrites
  another (on SQLite, IMMEDIATE transactions serialise writers instead);
- requires a reason, and records who, when, what and why (django-simple-history);
- raises a DomainError subclass with a translated message, never a bare error.

The package by role: base.py holds the errors and the guards every change runs; ratings.py,
evidence.py, discussion.py and rounds.py the changes themselves. Peer review, the right of
reply, bulk consensus writes and onboarding follow the same rules beside it
(peer_review.py, replies.py, bulk.py, onboarding.py).
"""

from ..domain_errors import DomainError, RoundFrozen
from .base import (
    LANGS,
    InvalidInput,
    NotAllowed,
    PreconditionRequired,
    PublishBlocked,
    StaleWrite,
    Texts,
    check_revision,
    ensure_allowed,
    ensure_known_fields,
    ensure_open,
    fresh_assessment,
    last_change,
    locked_round,
    rating_dimension,
    required_reason,
    save_round,
    save_with_history,
    set_texts,
    snapshot,
)
from .discussion import (
    reply,
    resolve_thread,
    start_thread,
)
from .evidence import (
    ASSESSMENT_FIELDS,
    CITATION_FIELDS,
    add_citation,
    remove_citation,
    superseded_editions_before,
    update_assessment,
    update_citation,
)
from .ratings import (
    RATING_FIELDS,
    confirm_ratings,
    rating_disagreements,
    record_expert_rating,
    restore_rating,
    set_consensus,
)
from .rounds import (
    ROUND_TEXTS,
    TRANSITIONS,
    Blocker,
    publication_checklist,
    publication_problems,
    publish_round,
    scrutiny_problems,
    start_errata,
    start_next_round,
    transition_round,
    update_round,
)

__all__ = [
    "ASSESSMENT_FIELDS",
    "CITATION_FIELDS",
    "LANGS",
    "RATING_FIELDS",
    "ROUND_TEXTS",
    "TRANSITIONS",
    "Blocker",
    "DomainError",
    "InvalidInput",
    "NotAllowed",
    "PreconditionRequired",
    "PublishBlocked",
    "RoundFrozen",
    "StaleWrite",
    "Texts",
    "add_citation",
    "check_revision",
    "confirm_ratings",
    "ensure_allowed",
    "ensure_known_fields",
    "ensure_open",
    "fresh_assessment",
    "last_change",
    "locked_round",
    "publication_checklist",
    "publication_problems",
    "publish_round",
    "rating_dimension",
    "rating_disagreements",
    "record_expert_rating",
    "remove_citation",
    "reply",
    "required_reason",
    "resolve_thread",
    "restore_rating",
    "save_round",
    "save_with_history",
    "scrutiny_problems",
    "set_consensus",
    "set_texts",
    "snapshot",
    "start_errata",
    "start_next_round",
    "start_thread",
    "superseded_editions_before",
    "transition_round",
    "update_assessment",
    "update_citation",
    "update_round",
]
