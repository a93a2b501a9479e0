"""Rounds with their lifecycle, panels, and what a round concludes."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
)
from simple_history.admin import SimpleHistoryAdmin

from .. import permissions, selectors, services
from ..models import (
    DevelopmentInitiative,
    Panel,
    PanelMembership,
    PublishedFigure,
    Recommendation,
    Round,
    Thread,
)
from ..selectors import scrutiny as scrutiny_reads
from .forms import (
    TRANSITION_TARGETS,
    LifecycleForm,
)
from .history import HistoryInWordsMixin
from .mixins import FrozenRoundMixin, ServiceAdminMixin, VisibleFilter, VisibleRowsMixin
from .workspace import chair, staff

# --- Rounds and their assessments --------------------------------------------


class PanelMembershipInline(admin.TabularInline):
    model = PanelMembership
    extra = 1
    # A plain list of users, not the autocomplete: that asks the user admin, which is the
    # superuser's, and answered staff "The results could not be loaded".


@admin.register(Panel)
class PanelAdmin(VisibleRowsMixin, FrozenRoundMixin, admin.ModelAdmin):
    list_display = ["name", "round", "pair_list", "member_count"]
    list_filter = [("round", VisibleFilter)]
    list_select_related = ["round"]
    search_fields = ["name"]
    filter_horizontal = ["pairs"]
    inlines = [PanelMembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(member_count=Count("memberships", distinct=True))
            .prefetch_related("pairs")
        )

    @admin.display(description=_("pairs"))
    def pair_list(self, obj):
        return ", ".join(p.code for p in obj.pairs.all()) or _("all pairs")

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


@admin.register(Round)
class RoundAdmin(
    ServiceAdminMixin,
    VisibleRowsMixin,
    HistoryInWordsMixin,
    SimpleHistoryAdmin,
    TranslationAdmin,
):
    list_display = ["year", "version", "title", "status", "methodology", "published_at"]
    list_filter = ["status", "methodology"]
    list_select_related = ["methodology"]
    search_fields = ["title_ky", "title_ru", "title_en", "year"]
    readonly_fields = ["status", "published_at", "created_at", "updated_at", "revision"]
    change_form_template = "admin/assessments/round/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # Status moves only through the lifecycle buttons; year and version are identity.
            fields += ["year", "version", "methodology", "previous", "corrects"]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen and not getattr(request, "_answering_frozen", False):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def _round_of(self, obj):
        return obj

    def save_model(self, request, obj, form, change):
        if change:
            services.ensure_open(Round.objects.get(pk=obj.pk))
        obj._change_reason = _("Edited in the admin")
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        urls = super().get_urls()
        return [
            path(
                "<int:object_id>/lifecycle/",
                self.admin_site.admin_view(self.lifecycle_view),
                name="assessments_round_lifecycle",
            ),
            *urls,
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        round_ = (
            self.get_queryset(request).select_related("methodology").filter(pk=object_id).first()
        )
        if round_ is not None:
            extra_context.update(self._overview_context(request.user, round_))
            extra_context["lifecycle_actions"] = self._actions_for(request, round_)
            if permissions.can_manage_rounds(request.user) and not round_.is_frozen:
                extra_context["onboard_url"] = reverse("panel_staff:onboard", args=[round_.pk])
            if permissions.can_chair_round(request.user, round_):
                extra_context["chair_url"] = reverse("panel_chair:sheet", args=[round_.pk])
            if not round_.is_frozen and scrutiny_reads.review_pairs(request.user, round_).exists():
                extra_context["review_key"] = f"{round_.year}-v{round_.version}"
                extra_context["review_url"] = reverse(
                    "assessment_tools:review-round", args=[extra_context["review_key"]]
                )
            # Charts and comparisons are drawn from every pair: not for a partial panel.
            extra_context["figures_visible"] = permissions.can_see_figures(request.user, round_)
            if extra_context["figures_visible"]:
                extra_context["charts_url"] = reverse(
                    "assessment_tools:round-charts",
                    kwargs={"key": f"{round_.year}-v{round_.version}"},
                )
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _overview_context(user, round_: Round) -> dict:
        """The round's pairs, threads and figures, as far as they are the user's to see:
        a member of a panel covering some pairs sees those pairs, their threads and their
        indices, and no figure computed from pairs she does not see."""
        whole = permissions.can_see_figures(user, round_)
        report = selectors.round_report(round_).as_dict(with_uncertainty=True)
        expert_ratings = permissions.visible_expert_ratings(user)
        overview = selectors.round_overview(
            round_,
            assessments=permissions.visible_assessments(user),
            expert_ratings=expert_ratings,
        )
        if not whole:
            # A pair's interval and agreement come from that pair's experts alone: hers to
            # see; the round's, the dimensions' and the principals' need every pair.
            pairs = {entry["pair"].code for entry in overview}
            agreement = report["uncertainty"]["agreement"]
            report = {
                "pairs": [p for p in report["pairs"] if p["pair"] in pairs],
                "uncertainty": {
                    "expert_ratings": report["uncertainty"]["expert_ratings"],
                    "agreement": {
                        "pairs": [a for a in agreement["pairs"] if a["pair"] in pairs],
                    },
                },
                "partial": True,
            }
        threads = permissions.visible_threads(
            user, Thread.objects.filter(assessment__round=round_, status=Thread.Status.OPEN)
        )
        context = {
            "report": report,
            "overview": overview,
            "largest_splits": selectors.largest_splits(round_, expert_ratings),
            "open_threads": list(
                threads.select_related("assessment__process", "created_by", "dimension").order_by(
                    "created_at"
                )
            ),
        }
        if whole and not round_.is_frozen:
            context["publication_problems"] = [
                chair.blocker_link(round_, b)
                for b in services.publication_checklist(round_)
                if b.kind != "thread"  # listed with their links below
            ]
        return context

    def _actions_for(self, request, round_: Round) -> list[tuple[str, str]]:
        if not permissions.can_manage_rounds(request.user):
            return []
        labels = dict(LifecycleForm.ACTIONS)
        by_status = {
            Round.Status.DRAFT: ["open"],
            Round.Status.OPEN: ["review", "back_to_draft"],
            Round.Status.REVIEW: ["publish", "back_to_open"],
            Round.Status.PUBLISHED: ["next", "errata"],
            Round.Status.SUPERSEDED: [],
        }
        return [(a, labels[a]) for a in by_status[round_.status]]

    def lifecycle_view(self, request, object_id):
        round_ = self.get_queryset(request).filter(pk=object_id).first()
        if round_ is None:
            raise Http404
        if not permissions.can_manage_rounds(request.user):
            raise PermissionDenied
        form = LifecycleForm(
            request.POST or None,
            # The next round assesses the year after; staff change it if a year is skipped.
            initial={"action": request.GET.get("action"), "year": round_.year + 1},
        )
        action = request.POST.get("action") or request.GET.get("action")
        if action not in dict(LifecycleForm.ACTIONS):
            raise Http404
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                result = self._run_lifecycle(request.user, round_, data)
            except services.PublishBlocked as exc:
                # Each blocker is listed above with its link; say here only what is not.
                listed = {b.message for b in services.publication_checklist(round_)}
                form.add_error(None, exc.message)
                for problem in exc.problems:
                    if problem not in listed:
                        form.add_error(None, problem)
            except services.DomainError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(
                    request,
                    _("Done: %(round)s is now %(status)s.")
                    % {"round": result, "status": result.get_status_display()},
                )
                return HttpResponseRedirect(
                    reverse("admin:assessments_round_change", args=[result.pk])
                )
        checklist = services.publication_checklist(round_)
        problems = [chair.blocker_link(round_, b) for b in checklist if b.kind != "thread"]
        open_threads = sum(1 for b in checklist if b.kind == "thread")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": round_,
            "title": dict(LifecycleForm.ACTIONS)[action],
            "form": form,
            "action": action,
            "problems": problems if action == "publish" else [],
            "open_threads": open_threads,
            "threads_url": reverse("panel_chair:sheet", args=[round_.pk]) + "?show=threads",
            "carried": staff.carried_over(round_) if action == "next" else None,
        }
        return TemplateResponse(request, "admin/assessments/round/lifecycle.html", context)

    @staticmethod
    def _run_lifecycle(actor, round_: Round, data: dict) -> Round:
        action, reason = data["action"], data["reason"]
        if action in TRANSITION_TARGETS:
            return services.transition_round(
                actor=actor, round_=round_, to=TRANSITION_TARGETS[action], reason=reason
            )
        if action == "publish":
            return services.publish_round(
                actor=actor,
                round_=round_,
                reason=reason,
                override_open_threads=data["override_open_threads"],
            )
        if action == "errata":
            return services.start_errata(actor=actor, round_=round_, reason=reason)
        return services.start_next_round(
            actor=actor, source=round_, year=data["year"], reason=reason
        )


# --- What a round concludes --------------------------------------------------


@admin.register(Recommendation)
class RecommendationAdmin(VisibleRowsMixin, FrozenRoundMixin, TranslationAdmin):
    list_display = ["short_text", "kind", "round", "pair", "process"]
    list_filter = [("round", VisibleFilter), "kind", "pair"]
    list_select_related = ["round", "pair", "process"]
    search_fields = ["text_ky", "text_ru", "text_en"]

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return obj.text[:100]


@admin.register(DevelopmentInitiative)
class DevelopmentInitiativeAdmin(VisibleRowsMixin, FrozenRoundMixin, TranslationAdmin):
    list_display = ["process", "round", "status", "short_support"]
    list_filter = [("round", VisibleFilter), "status"]
    list_select_related = ["round", "process"]
    search_fields = ["title_ky", "title_ru", "title_en", "process__code"]

    @admin.display(description=_("support needed"))
    def short_support(self, obj):
        return obj.support[:100]


@admin.register(PublishedFigure)
class PublishedFigureAdmin(VisibleRowsMixin, FrozenRoundMixin, TranslationAdmin):
    list_display = ["kind", "measures", "value", "round", "source"]
    list_filter = [("round", VisibleFilter), "kind"]
    list_select_related = ["round", "pair", "process", "dimension", "principal"]
    search_fields = ["source_ky", "source_ru", "source_en"]

    @admin.display(description=_("measures"))
    def measures(self, obj):
        parts = [obj.pair, obj.process, obj.dimension, obj.principal]
        return " / ".join(str(p) for p in parts if p is not None) or _("the whole round")
