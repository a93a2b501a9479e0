"""Right of reply screens: a round's reply windows (staff open and close them), and one
pair's draft findings, where the rated body's representative writes its reply.

Who reaches what: staff every pair; the representative the pair she is invited to
answer; a panel member the pairs her panel covers (to read the replies). Anything else
is a 404. Every write is a service of services/replies.py; a refused one says why beside the
form, the input kept, nothing written.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ... import permissions
from ...models import Pair, ProcessAssessment, Reply, ReplyWindow
from ...selectors import scrutiny as scrutiny_reads
from ...services import DomainError, replies
from .rounds import round_key
from .scrutiny import scrutiny_index, scrutiny_pair, scrutiny_round, staff_writes


class OpenWindowForm(forms.Form):
    pair = forms.ModelChoiceField(queryset=Pair.objects.none(), label=gettext_lazy("Pair"))
    respondent = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        label=gettext_lazy("The body's representative"),
    )
    deadline = forms.DateTimeField(
        label=gettext_lazy("Deadline"),
        help_text=gettext_lazy("Date and time, e.g. 2026-12-15 18:00."),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)


class ReplyForm(forms.Form):
    assessment = forms.ModelChoiceField(
        queryset=ProcessAssessment.objects.none(),
        required=False,
        label=gettext_lazy("On"),
        empty_label=gettext_lazy("the pair's findings as a whole"),
    )
    language = forms.ChoiceField(choices=settings.LANGUAGES, label=gettext_lazy("Written in"))
    body = forms.CharField(
        label=gettext_lazy("The body's reply"), widget=forms.Textarea(attrs={"rows": 6})
    )


def reply_index(request: HttpRequest) -> TemplateResponse:
    """The rounds in work in which the user takes part in a right of reply."""
    return scrutiny_index(
        request,
        pairs_of=scrutiny_reads.reply_pairs,
        title=_("Right of reply"),
        template="admin/assessments/tools/reply_index.html",
    )


def reply_round(request: HttpRequest, key: str) -> HttpResponse:
    """A round's reply windows: each pair, its representative, deadline and replies."""
    round_ = scrutiny_round(request, key, scrutiny_reads.reply_pairs)
    user = request.user
    pairs = list(scrutiny_reads.reply_pairs(user, round_))
    manage = permissions.can_manage_rounds(user) and not round_.is_frozen
    form = OpenWindowForm(request.POST if request.POST.get("action") == "open" else None)
    form.fields["pair"].queryset = Pair.objects.filter(pk__in=[p.pk for p in pairs])

    def close() -> str:
        window = get_object_or_404(ReplyWindow, pk=request.POST.get("window"), round=round_)
        replies.close_reply_window(actor=user, window=window, reason=request.POST.get("reason", ""))
        return _("The reply window is closed.")

    def open_window(data: dict) -> str:
        replies.open_reply_window(actor=user, round_=round_, **data)
        return _("The reply window is open.")

    done = staff_writes(
        request, manage=manage, form=form, actions={"close": close}, on_valid=open_window
    )
    if done is not None:
        return done
    windows = {
        w.pair_id: w
        for w in permissions.visible_reply_windows(
            user, ReplyWindow.objects.filter(round=round_)
        ).select_related("respondent")
    }
    counts: dict[int, int] = {}
    for window_id in permissions.visible_replies(
        user, Reply.objects.filter(window__round=round_)
    ).values_list("window_id", flat=True):
        counts[window_id] = counts.get(window_id, 0) + 1
    now = timezone.now()
    rows = []
    for p in pairs:
        window = windows.get(p.pk)
        rows.append(
            {
                "pair": p,
                "window": window,
                "open": bool(window and window.is_open(now)),
                "deadline": replies.deadline_text(window) if window else "",
                "replies": counts.get(window.pk, 0) if window else 0,
                "url": reverse("assessment_tools:reply-pair", args=[round_key(round_), p.code]),
            }
        )
    context = {
        **admin.site.each_context(request),
        "title": _("Right of reply in the round %(round)s") % {"round": round_},
        "round": round_,
        "rows": rows,
        "form": form if manage else None,
    }
    return TemplateResponse(request, "admin/assessments/tools/reply_round.html", context)


def reply_pair(request: HttpRequest, key: str, pair: str) -> HttpResponse:
    """A pair's draft findings, with the body's replies; its representative writes here."""
    round_ = scrutiny_round(request, key, scrutiny_reads.reply_pairs)
    user = request.user
    pair_ = scrutiny_pair(request, round_, pair, scrutiny_reads.reply_pairs)
    window = (
        permissions.visible_reply_windows(user, ReplyWindow.objects.filter(round=round_))
        .filter(pair=pair_)
        .first()
    )
    findings = scrutiny_reads.pair_findings(user, round_, pair_, comments=False)
    writer = window is not None and permissions.can_reply(user, window) and not round_.is_frozen
    form = None
    if writer:
        form = ReplyForm(request.POST or None, initial={"language": get_language()[:2]})
        # Each choice is labelled with its round and process: read them with the rows.
        form.fields["assessment"].queryset = ProcessAssessment.objects.filter(
            pk__in=[f.assessment.pk for f in findings]
        ).select_related("round", "process")
        if request.method == "POST" and form.is_valid():
            try:
                replies.submit_reply(actor=user, window=window, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The reply is submitted."))
                return HttpResponseRedirect(request.path)
    elif request.method == "POST":
        raise Http404
    own = (
        permissions.visible_replies(user, Reply.objects.filter(window=window))
        .select_related("assessment")
        .order_by("submitted_at", "pk")
        if window
        else Reply.objects.none()
    )
    by_assessment: dict[int | None, list[Reply]] = {}
    for r in own:
        by_assessment.setdefault(r.assessment_id, []).append(r)
    for f in findings:
        f.extra["replies"] = by_assessment.get(f.assessment.pk, [])
    context = {
        **admin.site.each_context(request),
        "title": _("Right of reply: %(pair)s") % {"pair": pair_.name},
        "round": round_,
        "pair": pair_,
        "window": window,
        "open": bool(window and window.is_open(timezone.now())),
        "deadline": replies.deadline_text(window) if window else "",
        "findings": findings,
        "general": by_assessment.get(None, []),
        "form": form,
        "round_url": reverse("assessment_tools:reply-round", args=[round_key(round_)]),
    }
    return TemplateResponse(request, "admin/assessments/tools/reply_pair.html", context)
