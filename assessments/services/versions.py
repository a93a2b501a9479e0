"""New versions of what published rounds depend on, instead of editing it.

A methodology a published round is scored by cannot change (freeze.py): its scale and
dimensions make that round's figures. A change is made to a new version, which the next
rounds use.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from .. import permissions
from ..models import Dimension, Methodology, ScaleLevel
from .base import NotAllowed


def _free_version(methodology: Methodology) -> str:
    taken = set(Methodology.objects.filter(code=methodology.code).values_list("version", flat=True))
    number = 2
    while f"{methodology.version}-{number}" in taken:
        number += 1
    return f"{methodology.version}-{number}"


@transaction.atomic
def new_methodology_version(
    *, actor, methodology: Methodology, version: str | None = None
) -> Methodology:
    """A copy of `methodology` with its dimensions and scale levels, under a new version
    (by default "<version>-2", "-3", …), used by no round yet and so free to edit."""
    if not permissions.is_staff_member(actor):
        raise NotAllowed(_("Only institute staff manage methodologies."))
    source = Methodology.objects.select_for_update().get(pk=methodology.pk)
    copy = Methodology.objects.get(pk=source.pk)
    copy.pk = None
    copy._state.adding = True
    copy.version = version or _free_version(source)
    copy.save()
    for dimension in Dimension.objects.filter(methodology=source):
        dimension.pk = None
        dimension._state.adding = True
        dimension.methodology = copy
        dimension.save()
    for level in ScaleLevel.objects.filter(methodology=source):
        level.pk = None
        level._state.adding = True
        level.methodology = copy
        level.save()
    return copy
