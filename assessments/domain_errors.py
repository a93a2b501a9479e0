"""The errors a refused change raises, with a message for the person who asked for it.

They live apart from the services (services/) so that the model layer's last guard of a
published round (freeze.py) raises the same RoundFrozen the services raise; the services
package re-exports them.
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


class MethodologyInUse(DomainError):
    """A published round's figures are computed from this methodology: it is versioned."""

    code = "methodology_in_use"

    @classmethod
    def of(cls, *, methodology: str, year: int, version: int) -> MethodologyInUse:
        return cls(
            _(
                "The methodology %(methodology)s is used by published round %(year)s "
                "(version %(version)s), whose figures must not change. Make a new version of "
                "it (“Make a new version” in the list of methodologies) and change that one."
            )
            % {"methodology": methodology, "year": year, "version": version}
        )
