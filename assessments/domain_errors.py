"""The errors a refused change raises, with a message for the person who asked for it.

They live apart from services.py so that the model layer's last guard of a published
round (freeze.py) raises the same RoundFrozen the services raise; services.py
re-exports them.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A refused change, with a message for the person who asked for it."""

    code = "invalid"

    def __init__(self, message: str, *, errors: Mapping[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = dict(errors or {})


class RoundFrozen(DomainError):
    code = "round_frozen"

    @classmethod
    def of(cls, *, year: int, version: int) -> RoundFrozen:
        return cls(
            _(
                "Round %(year)s (version %(version)s) is published and cannot change; "
                "corrections are published as errata."
            )
            % {"year": year, "version": version}
        )
