"""Staff screens: onboard a panel in one form (onboarding.onboard_panel), and what starting
the next round carries over (shown on the lifecycle page's "next" form)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.forms import BaseFormSet, formset_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ... import permissions, services
from ...models import Citation, Pair, PanelMembership, ProcessAssessment, Rating, Round
from ...services import onboarding


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class PanelForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Panel name"), max_length=200)
    pairs = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Pairs it assesses"),
        queryset=Pair.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Tick none for every pair of the round."),
    )

    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pairs"].queryset = (
            Pair.objects.filter(processes__assessments__round=round_)
            .distinct()
            .order_by("position", "code")
        )


class MemberForm(forms.Form):
    user = UserChoice(
        label=gettext_lazy("An existing user"),
        queryset=get_user_model().objects.none(),
        required=False,
    )
    username = forms.CharField(
        label=gettext_lazy("or a new user: user name"), max_length=150, required=False
    )
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=300, required=False)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    password = forms.CharField(
        label=gettext_lazy("Initial password"),
        required=False,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Give it to the new member; she can change it after logging in."),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=PanelMembership.Role.choices,
        initial=PanelMembership.Role.EXPERT,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("last_name", "username")
        )

    @property
    def named(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("user") or (data.get("username") or "").strip())


class BaseMemberFormSet(BaseFormSet):
    """Every row offers the same users: they are read once, not once per row (a panel of
    eight would otherwise cost eight reads of every user)."""

    _users: list | None = None

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        field = form.fields["user"]
        if self._users is None:
            self._users = list(field.choices)
        field.choices = self._users
        return form


MemberFormSet = formset_factory(MemberForm, formset=BaseMemberFormSet, extra=4)


def _round(request: HttpRequest, round_id: int) -> Round:
    round_ = permissions.visible_rounds(request.user).filter(pk=round_id).first()
    if round_ is None:
        raise Http404(_("There is nothing here, or it is not yours to see."))
    if not permissions.can_manage_rounds(request.user):
        raise PermissionDenied(_("Only institute staff put panels together."))
    if round_.is_frozen:
        raise PermissionDenied(
            _("Round %(year)s is published: its panels no longer change.") % {"year": round_.year}
        )
    return round_


def onboard(request: HttpRequest, round_id: int) -> HttpResponse:
    """A panel of the round in one form: its name, its pairs, its members and their roles."""
    round_ = _round(request, round_id)
    data = request.POST if request.method == "POST" else None
    form = PanelForm(data, round_=round_)
    members = MemberFormSet(data, prefix="members")
    error = ""
    if data is not None and form.is_valid() and members.is_valid():
        rows = [(n, m) for n, m in enumerate(members.forms) if m.named]
        try:
            panel = onboarding.onboard_panel(
                actor=request.user,
                round_=round_,
                name=form.cleaned_data["name"],
                pairs=form.cleaned_data["pairs"],
                members=[
                    onboarding.Member(
                        role=m.cleaned_data["role"],
                        user=m.cleaned_data["user"],
                        username=m.cleaned_data["username"],
                        full_name=m.cleaned_data["full_name"],
                        email=m.cleaned_data["email"],
                        password=m.cleaned_data["password"],
                    )
                    for _n, m in rows
                ],
            )
        except services.DomainError as exc:
            error = exc.message
            for key, messages_ in exc.errors.items():
                parts = key.split("-")
                if parts[0] == "members" and len(parts) == 3:
                    form_index = rows[int(parts[1])][0]
                    for message in messages_:
                        members.forms[form_index].add_error(parts[2], message)
                elif key in form.fields:
                    for message in messages_:
                        form.add_error(key, message)
        else:
            messages.success(
                request,
                _("The panel %(panel)s is ready: its members can log in now.") % {"panel": panel},
            )
            return redirect(reverse("admin:assessments_round_change", args=[round_.pk]))
    context = {
        **admin.site.each_context(request),
        "title": _("Onboard a panel: %(round)s") % {"round": round_},
        "round": round_,
        "opts": Round._meta,
        "form": form,
        "members": members,
        "error": error,
    }
    return TemplateResponse(
        request,
        "admin/assessments/workspace/onboard.html",
        context,
        status=400 if error or (data is not None and not members.is_valid()) else 200,
    )


def carried_over(source: Round) -> dict[str, int]:
    """What start_next_round copies from `source`, counted for the "next round" form."""
    assessments = ProcessAssessment.objects.for_round(source)
    counts = assessments.aggregate(
        processes=Count("pk", distinct=True), pairs=Count("process__pair", distinct=True)
    )
    counts["ratings"] = Rating.objects.filter(assessment__round=source).count()
    citations = Citation.objects.filter(assessment__round=source)
    counts["citations"] = citations.count()
    counts["superseded"] = citations.filter(
        Q(edition__valid_until__isnull=False)
        & Q(edition__valid_until__lte=f"{source.year + 1}-12-31")
    ).count()
    return counts
