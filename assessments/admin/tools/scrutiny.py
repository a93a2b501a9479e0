"""What the peer review and right of reply screens share (review.py, reply.py).

Both show the rounds in work in which the user takes part, then a round's pairs with
staff's form beside them, then one pair's draft findings. A round or pair the user takes
no part in is a 404; staff's writes on a round's page call a service, and a refused one
says why on the form, the input kept, nothing written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse

from ...models import Pair, Round
from ...services import DomainError
from .rounds import find_round, round_key, visible_rounds

# The pairs of a round the user takes part in the scrutiny of (selectors/scrutiny.py).
PairsOf = Callable[[Any, Round], QuerySet[Pair]]


def scrutiny_round(request: HttpRequest, key: str, pairs_of: PairsOf) -> Round:
    round_ = find_round(visible_rounds(request.user), key)
    if round_ is None or not pairs_of(request.user, round_).exists():
        raise Http404
    return round_


def scrutiny_pair(request: HttpRequest, round_: Round, code: str, pairs_of: PairsOf) -> Pair:
    pair = pairs_of(request.user, round_).filter(code=code).first()
    if pair is None:
        raise Http404
    return pair


def scrutiny_index(
    request: HttpRequest, *, pairs_of: PairsOf, title: str, template: str
) -> TemplateResponse:
    """The rounds in work in which the user takes part, each with her pairs."""
    rounds = [
        (r, round_key(r), list(pairs_of(request.user, r)))
        for r in visible_rounds(request.user)
        if not r.is_frozen
    ]
    context = {
        **admin.site.each_context(request),
        "title": title,
        "rounds": [row for row in rounds if row[2]],
    }
    return TemplateResponse(request, template, context)


def staff_writes(
    request: HttpRequest,
    *,
    manage: bool,
    form: forms.Form,
    actions: dict[str, Callable[[], str]],
    on_valid: Callable[[dict], str],
) -> HttpResponseRedirect | None:
    """A POST to a round's page: an action on one row (`actions`, by the form's `action`),
    or the page's form (`on_valid`); each returns the message that says it is done. None:
    show the page again, with the form's errors."""
    if request.method != "POST":
        return None
    if not manage:
        raise Http404
    try:
        action = actions.get(request.POST.get("action", ""))
        if action is not None:
            done = action()
        elif form.is_valid():
            done = on_valid(form.cleaned_data)
        else:
            return None
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None
    messages.success(request, done)
    return HttpResponseRedirect(request.path)
