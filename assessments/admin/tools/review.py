"""Peer review screens: a round's pairs with their reviewers and open comments, and one
pair's draft findings with the comments on each process and the chair's answers.

Who reaches what: staff every pair; a peer reviewer the pairs she is assigned; a panel
member the pairs her panel covers. Anything else is a 404. Every write is a service of
services/peer_review.py; a refused one shows its reason beside the form, the input kept.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ... import permissions
from ...models import Pair, ReviewAssignment, ReviewComment, Round
from ...selectors import scrutiny as scrutiny_reads
from ...services import DomainError, peer_review
from .rounds import round_key
from .scrutiny import scrutiny_index, scrutiny_pair, scrutiny_round, staff_writes


class AssignForm(forms.Form):
    pair = forms.ModelChoiceField(queryset=Pair.objects.none(), label=gettext_lazy("Pair"))
    reviewer = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        label=gettext_lazy("Peer reviewer"),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)


class CommentForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=ReviewComment.Answer.choices,
        widget=forms.RadioSelect,
        label=gettext_lazy("Answer"),
    )
    answer_text = forms.CharField(
        label=gettext_lazy("What changed, or why not"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)


def review_index(request: HttpRequest) -> TemplateResponse:
    """The rounds in which the user takes part in a peer review."""
    return scrutiny_index(
        request,
        pairs_of=scrutiny_reads.review_pairs,
        title=_("Peer review"),
        template="admin/assessments/tools/review_index.html",
    )


def review_round(request: HttpRequest, key: str) -> HttpResponse:
    """A round's peer review: each pair, its reviewers, its comments and how many await an
    answer; staff assign and unassign reviewers here."""
    round_ = scrutiny_round(request, key, scrutiny_reads.review_pairs)
    user = request.user
    pairs = list(scrutiny_reads.review_pairs(user, round_))
    manage = permissions.can_manage_rounds(user) and not round_.is_frozen
    form = AssignForm(request.POST if request.POST.get("action") == "assign" else None)
    form.fields["pair"].queryset = Pair.objects.filter(pk__in=[p.pk for p in pairs])

    def unassign() -> str:
        assignment = get_object_or_404(
            ReviewAssignment, pk=request.POST.get("assignment"), round=round_
        )
        peer_review.unassign_reviewer(
            actor=user, assignment=assignment, reason=request.POST.get("reason", "")
        )
        return _("The assignment is ended.")

    def assign(data: dict) -> str:
        peer_review.assign_reviewer(actor=user, round_=round_, **data)
        return _("The peer reviewer is assigned.")

    done = staff_writes(
        request, manage=manage, form=form, actions={"unassign": unassign}, on_valid=assign
    )
    if done is not None:
        return done
    assignments = permissions.visible_review_assignments(
        user, ReviewAssignment.objects.filter(round=round_)
    ).select_related("reviewer", "pair")
    comments = permissions.visible_review_comments(
        user, ReviewComment.objects.filter(assessment__round=round_)
    ).values_list("assessment__process__pair", "answer")
    counts: dict[int, list[int]] = {}
    for pair_id, answer in comments:
        entry = counts.setdefault(pair_id, [0, 0])
        entry[0] += 1
        entry[1] += not answer
    rows = [
        {
            "pair": p,
            "reviewers": [a for a in assignments if a.pair_id == p.pk],
            "comments": counts.get(p.pk, [0, 0])[0],
            "unanswered": counts.get(p.pk, [0, 0])[1],
            "url": reverse("assessment_tools:review-pair", args=[round_key(round_), p.code]),
        }
        for p in pairs
    ]
    context = {
        **admin.site.each_context(request),
        "title": _("Peer review of the round %(round)s") % {"round": round_},
        "round": round_,
        "rows": rows,
        "form": form if manage else None,
        "in_review": round_.status == Round.Status.REVIEW,
    }
    return TemplateResponse(request, "admin/assessments/tools/review_round.html", context)


def review_pair(request: HttpRequest, key: str, pair: str) -> HttpResponse:
    """One pair's draft findings, each process with its comments: the reviewer comments, the
    chair answers."""
    round_ = scrutiny_round(request, key, scrutiny_reads.review_pairs)
    user = request.user
    pair_ = scrutiny_pair(request, round_, pair, scrutiny_reads.review_pairs)
    findings = scrutiny_reads.pair_findings(user, round_, pair_)
    by_pk = {f.assessment.pk: f for f in findings}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "comment":
                target = by_pk.get(_int(request.POST.get("assessment")))
                if target is None:
                    raise Http404
                form = CommentForm(request.POST)
                if form.is_valid():
                    peer_review.add_review_comment(
                        actor=user, assessment=target.assessment, body=form.cleaned_data["body"]
                    )
                    messages.success(request, _("Your comment is recorded."))
                    return HttpResponseRedirect(request.path)
                errors[f"comment-{target.assessment.pk}"] = form
            elif action == "answer":
                comment = next(
                    (
                        c
                        for f in findings
                        for c in f.comments
                        if c.pk == _int(request.POST.get("comment"))
                    ),
                    None,
                )
                if comment is None:
                    raise Http404
                form = AnswerForm(request.POST)
                if form.is_valid():
                    peer_review.answer_review_comment(
                        actor=user,
                        comment=comment,
                        answer=form.cleaned_data["answer"],
                        text=form.cleaned_data["answer_text"],
                        expected_revision=form.cleaned_data["revision"],
                    )
                    messages.success(request, _("Your answer is recorded."))
                    return HttpResponseRedirect(request.path)
                errors[f"answer-{comment.pk}"] = form
            else:
                raise Http404
        except DomainError as exc:
            # The form it came from keeps its input and shows why, on this page.
            bound = CommentForm(request.POST) if action == "comment" else AnswerForm(request.POST)
            bound.is_valid()
            bound.add_error(None, exc.message)
            target_id = request.POST.get("assessment" if action == "comment" else "comment")
            errors[f"{action}-{target_id}"] = bound
    in_review = round_.status == Round.Status.REVIEW
    reviewer = (
        in_review and permissions.review_assignments(user).filter(round=round_, pair=pair_).exists()
    )
    # Every process on the page is of one pair: one panel seat answers for all of them.
    can_answer = (
        not round_.is_frozen
        and bool(findings)
        and permissions.can_answer_review(user, findings[0].assessment)
    )
    for f in findings:
        f.extra["comment_form"] = errors.get(f"comment-{f.assessment.pk}") or (
            CommentForm() if reviewer else None
        )
        f.extra["answers"] = [
            (
                c,
                errors.get(f"answer-{c.pk}")
                or (
                    AnswerForm(
                        initial={
                            "answer": c.answer,
                            "answer_text": c.answer_text,
                            "revision": c.revision,
                        }
                    )
                    if can_answer
                    else None
                ),
            )
            for c in f.comments
        ]
    context = {
        **admin.site.each_context(request),
        "title": _("Peer review: %(pair)s") % {"pair": pair_.name},
        "round": round_,
        "pair": pair_,
        "findings": findings,
        "round_url": reverse("assessment_tools:review-round", args=[round_key(round_)]),
        "in_review": in_review,
        "reviewer": reviewer,
    }
    return TemplateResponse(request, "admin/assessments/tools/review_pair.html", context)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
