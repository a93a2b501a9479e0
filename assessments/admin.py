"""The admin: declarative classes; the round page adds the overview and consistency report."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from simple_history.admin import SimpleHistoryAdmin

from . import permissions, selectors, services
from .admin_forms import (
    TRANSITION_TARGETS,
    LifecycleForm,
    ReasonMixin,
    RevisionInlineForm,
    ThreadAddForm,
)
from .models import (
    Citation,
    Comment,
    DevelopmentInitiative,
    Dimension,
    ExpertRating,
    LegalAct,
    LegalActEdition,
    Methodology,
    Pair,
    Panel,
    PanelMembership,
    Process,
    ProcessAssessment,
    PublishedFigure,
    Rating,
    Recommendation,
    Round,
    ScaleLevel,
    Subject,
    SubjectName,
    Thread,
)


class FrozenRoundMixin:
    """Objects of a published round are read-only here (the services refuse writes too)."""

    round_path: str = "round"

    def _round_of(self, obj):
        for part in self.round_path.split("__"):
            obj = getattr(obj, part)
        return obj

    def has_change_permission(self, request, obj=None):
        if obj is not None and self._round_of(obj).is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self._round_of(obj).is_frozen:
            return False
        return super().has_delete_permission(request, obj)


class FrozenInlineMixin:
    """Inlines of an object in a published round: nothing to add, change or delete."""

    round_path: str = "round"

    def _frozen(self, obj) -> bool:
        if obj is None:
            return False
        for part in self.round_path.split("__"):
            obj = getattr(obj, part)
        return obj.is_frozen

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


# --- Methodology -------------------------------------------------------------


class DimensionInline(TranslationStackedInline):
    model = Dimension
    extra = 0


class ScaleLevelInline(TranslationTabularInline):
    model = ScaleLevel
    extra = 0


@admin.register(Methodology)
class MethodologyAdmin(TranslationAdmin):
    list_display = ["title", "code", "version", "scale_min", "scale_max", "created_at"]
    search_fields = ["code", "title_ky", "title_ru", "title_en"]
    inlines = [DimensionInline, ScaleLevelInline]


@admin.register(Dimension)
class DimensionAdmin(TranslationAdmin):
    list_display = ["name", "code", "methodology", "position", "is_scored", "is_gating"]
    list_filter = ["methodology", "is_scored", "is_gating"]
    list_select_related = ["methodology"]
    search_fields = ["code", "name_ky", "name_ru", "name_en"]


# --- The system: subjects, pairs, processes ----------------------------------


class SubjectNameInline(TranslationTabularInline):
    model = SubjectName
    extra = 0


@admin.register(Subject)
class SubjectAdmin(TranslationAdmin):
    list_display = ["name", "code", "kind", "role", "position"]
    list_filter = ["role", "kind"]
    search_fields = ["code", "name_ky", "name_ru", "name_en"]
    inlines = [SubjectNameInline]


class ProcessInline(TranslationTabularInline):
    model = Process
    fields = ["position", "code", "name"]
    extra = 0
    show_change_link = True


@admin.register(Pair)
class PairAdmin(TranslationAdmin):
    list_display = ["name", "code", "principal", "agent", "position", "process_count"]
    list_filter = ["principal", "agent"]
    list_select_related = ["principal", "agent"]
    search_fields = ["code", "name_ky", "name_ru", "name_en"]
    autocomplete_fields = ["principal", "agent"]
    inlines = [ProcessInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(process_count=Count("processes"))

    @admin.display(description=_("processes"), ordering="process_count")
    def process_count(self, obj):
        return obj.process_count


@admin.register(Process)
class ProcessAdmin(TranslationAdmin):
    list_display = ["name", "code", "pair", "position"]
    list_filter = ["pair"]
    list_select_related = ["pair"]
    search_fields = ["code", "name_ky", "name_ru", "name_en"]
    autocomplete_fields = ["pair"]


# --- Writes go through the services ------------------------------------------


class ServiceAdminMixin:
    """Admin pages whose saves call services: a refused change is shown, not a 500.

    The change form runs in one transaction; a DomainError raised by a service
    rolls all of it back, and the user is sent back to the page with the reason.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            # Read-only (published, or not theirs): nothing to give a reason for.
            fields = [f for f in fields if f not in ("reason", "expected_revision")]
        return fields


# --- Rounds and their assessments --------------------------------------------


class PanelMembershipInline(admin.TabularInline):
    model = PanelMembership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Panel)
class PanelAdmin(FrozenRoundMixin, admin.ModelAdmin):
    list_display = ["name", "round", "pair_list", "member_count"]
    list_filter = ["round"]
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
class RoundAdmin(ServiceAdminMixin, SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["year", "version", "title", "status", "methodology", "published_at"]
    list_filter = ["status", "methodology"]
    list_select_related = ["methodology"]
    search_fields = ["title_ky", "title_ru", "title_en", "year"]
    readonly_fields = ["status", "published_at", "created_at", "updated_at", "revision"]
    change_form_template = "admin/assessments/round/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # Status moves only through the lifecycle buttons; year and version are identity.
            fields += ["year", "version", "methodology", "previous", "corrects"]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            services._ensure_open(Round.objects.get(pk=obj.pk))
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
            extra_context["report"] = selectors.round_report(round_).as_dict()
            extra_context["overview"] = selectors.round_overview(round_)
            extra_context["open_threads"] = list(
                Thread.objects.filter(assessment__round=round_, status=Thread.Status.OPEN)
                .select_related("assessment__process", "created_by", "dimension")
                .order_by("created_at")
            )
            if not round_.is_frozen:
                problems, _open = services.publication_problems(round_)
                extra_context["publication_problems"] = problems
            extra_context["lifecycle_actions"] = self._actions_for(request, round_)
        return super().change_view(request, object_id, form_url, extra_context)

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
        form = LifecycleForm(request.POST or None, initial={"action": request.GET.get("action")})
        action = request.POST.get("action") or request.GET.get("action")
        if action not in dict(LifecycleForm.ACTIONS):
            raise Http404
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                result = self._run_lifecycle(request.user, round_, data)
            except services.PublishBlocked as exc:
                for problem in exc.problems:
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
        problems, open_threads = services.publication_problems(round_)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": round_,
            "title": dict(LifecycleForm.ACTIONS)[action],
            "form": form,
            "action": action,
            "problems": problems if action == "publish" else [],
            "open_threads": open_threads,
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


class AssessmentForm(ReasonMixin, forms.ModelForm):
    class Meta:
        model = ProcessAssessment
        fields = "__all__"


class RatingInlineForm(RevisionInlineForm):
    class Meta:
        model = Rating
        fields = "__all__"


class CitationInlineForm(RevisionInlineForm):
    class Meta:
        model = Citation
        fields = "__all__"


class RatingInline(FrozenInlineMixin, TranslationTabularInline):
    model = Rating
    form = RatingInlineForm
    round_path = "round"
    fields = [
        "dimension",
        "value",
        "justification",
        "carried_over",
        "revision",
        "expected_revision",
    ]
    readonly_fields = ["carried_over", "revision"]
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("dimension")


class CitationInline(FrozenInlineMixin, TranslationTabularInline):
    model = Citation
    form = CitationInlineForm
    round_path = "round"
    fields = [
        "position",
        "act",
        "edition",
        "article",
        "part",
        "dimension",
        "note",
        "needs_reverification",
        "expected_revision",
    ]
    autocomplete_fields = ["act"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("act", "edition", "dimension")


@admin.register(ProcessAssessment)
class ProcessAssessmentAdmin(
    ServiceAdminMixin, FrozenRoundMixin, SimpleHistoryAdmin, TranslationAdmin
):
    form = AssessmentForm
    list_display = [
        "title",
        "round",
        "pair",
        "verdict",
        "score",
        "rating_summary",
        "citations",
        "open_threads",
    ]
    list_filter = ["round", "process__pair", "verdict"]
    list_select_related = ["round", "process__pair"]
    search_fields = ["title_ky", "title_ru", "title_en", "process__code"]
    readonly_fields = ["revision"]
    autocomplete_fields = ["process"]
    inlines = [RatingInline, CitationInline]
    change_form_template = "admin/assessments/processassessment/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .with_scores()
            .annotate(
                citation_count=Count("citations", distinct=True),
                open_thread_count=Count(
                    "threads", filter=Q(threads__status=Thread.Status.OPEN), distinct=True
                ),
            )
            .prefetch_related(
                Prefetch("ratings", queryset=Rating.objects.select_related("dimension"))
            )
        )

    def has_change_permission(self, request, obj=None):
        if obj is not None and not permissions.can_add_evidence(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("pair"), ordering="process__pair__position")
    def pair(self, obj):
        return obj.process.pair

    @admin.display(description=_("score %"), ordering="score")
    def score(self, obj):
        return "–" if obj.score is None else f"{obj.score * 100:.0f}"

    @admin.display(description=_("ratings"))
    def rating_summary(self, obj):
        return " · ".join(
            f"{r.dimension.code}={r.value}{'*' if r.carried_over else ''}"
            for r in sorted(obj.ratings.all(), key=lambda r: r.dimension.position)
        )

    @admin.display(description=_("citations"), ordering="citation_count")
    def citations(self, obj):
        return obj.citation_count

    @admin.display(description=_("open threads"), ordering="open_thread_count")
    def open_threads(self, obj):
        return obj.open_thread_count

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        assessment = self.get_queryset(request).filter(pk=object_id).first()
        if assessment is not None:
            extra_context["experts"] = selectors.expert_panel_view(assessment)
            extra_context["threads"] = list(
                assessment.threads.select_related("created_by", "dimension").prefetch_related(
                    Prefetch("comments", queryset=Comment.objects.select_related("author"))
                )
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.ASSESSMENT_FIELDS
        }
        if not change:
            services._ensure_open(obj.round)
            if not permissions.can_manage_rounds(request.user):
                raise services.NotAllowed(_("Only institute staff add processes to a round."))
            obj._change_reason = form.cleaned_data["reason"]
            obj._history_user = request.user
            obj.save()
        elif changes:
            updated = services.update_assessment(
                actor=request.user,
                assessment=obj,
                changes=changes,
                reason=form.cleaned_data["reason"],
                expected_revision=form.cleaned_data["expected_revision"],
            )
            obj.revision = updated.revision

    def save_formset(self, request, form, formset, change):
        reason = form.cleaned_data["reason"]
        assessment = form.instance
        if formset.model is Rating:
            for f in formset.forms:
                if not f.has_changed() or not f.cleaned_data:
                    continue
                services.set_consensus(
                    actor=request.user,
                    assessment=assessment,
                    dimension=f.cleaned_data["dimension"],
                    value=f.cleaned_data["value"],
                    justification=f.cleaned_data.get("justification"),
                    reason=reason,
                    expected_revision=f.cleaned_data.get("expected_revision"),
                )
        elif formset.model is Citation:
            for f in formset.forms:
                if not f.cleaned_data:
                    continue
                data = f.cleaned_data
                if data.get("DELETE") and f.instance.pk:
                    services.remove_citation(
                        actor=request.user,
                        citation=f.instance,
                        reason=reason,
                        expected_revision=data.get("expected_revision"),
                    )
                elif not f.instance.pk and f.has_changed():
                    citation = services.add_citation(
                        actor=request.user,
                        assessment=assessment,
                        act=data["act"],
                        edition=data.get("edition"),
                        article=data.get("article", ""),
                        part=data.get("part", ""),
                        dimension=data.get("dimension"),
                        note={lang: data.get(f"note_{lang}", "") for lang in services.LANGS},
                        reason=reason,
                    )
                    f.instance = citation
                elif f.instance.pk and f.has_changed():
                    services.update_citation(
                        actor=request.user,
                        citation=f.instance,
                        changes={
                            k: data[k] for k in f.changed_data if k in services.CITATION_FIELDS
                        },
                        reason=reason,
                        expected_revision=data.get("expected_revision"),
                    )
        else:
            super().save_formset(request, form, formset, change)


class RatingForm(ReasonMixin, forms.ModelForm):
    class Meta:
        model = Rating
        fields = "__all__"


@admin.register(Rating)
class RatingAdmin(ServiceAdminMixin, FrozenRoundMixin, SimpleHistoryAdmin, TranslationAdmin):
    form = RatingForm
    round_path = "assessment__round"
    list_display = ["assessment", "dimension", "value", "carried_over", "revision"]
    list_filter = [
        "assessment__round",
        "dimension__code",
        "value",
        "carried_over",
        "assessment__process__pair",
    ]
    list_select_related = ["assessment__round", "dimension"]
    search_fields = ["assessment__title_ky", "assessment__title_ru", "assessment__title_en"]
    readonly_fields = ["revision", "carried_over"]
    raw_id_fields = ["assessment"]
    history_list_display = ["value", "justification", "carried_over"]
    object_history_template = "admin/assessments/rating/object_history.html"

    def get_queryset(self, request):
        visible = ProcessAssessment.objects.visible_to(request.user)
        return super().get_queryset(request).filter(assessment__in=visible)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["assessment", "dimension"]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and not permissions.can_set_consensus(request.user, obj.assessment):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # a consensus rating is corrected, never deleted: its history stays

    def save_model(self, request, obj, form, change):
        rating = services.set_consensus(
            actor=request.user,
            assessment=obj.assessment,
            dimension=obj.dimension,
            value=form.cleaned_data["value"],
            justification=form.cleaned_data.get("justification"),
            reason=form.cleaned_data["reason"],
            expected_revision=form.cleaned_data.get("expected_revision") if change else None,
        )
        obj.pk, obj.revision = rating.pk, rating.revision

    def get_urls(self):
        return [
            path(
                "<int:object_id>/restore/<int:history_id>/",
                self.admin_site.admin_view(self.restore_view),
                name="assessments_rating_restore",
            ),
            *super().get_urls(),
        ]

    def restore_view(self, request, object_id, history_id):
        rating = self.get_queryset(request).filter(pk=object_id).first()
        record = rating.history.filter(history_id=history_id).first() if rating else None
        if record is None:
            raise Http404
        if not permissions.can_set_consensus(request.user, rating.assessment):
            raise PermissionDenied
        form = RestoreForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.restore_rating(
                    actor=request.user,
                    rating=rating,
                    history_id=history_id,
                    reason=form.cleaned_data["reason"],
                )
            except services.DomainError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(
                    request, _("The earlier value is back; the restore is in the history.")
                )
                return HttpResponseRedirect(
                    reverse("admin:assessments_rating_history", args=[rating.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": rating,
            "record": record,
            "form": form,
            "title": _("Restore an earlier value"),
        }
        return TemplateResponse(request, "admin/assessments/rating/restore.html", context)

    def history_view(self, request, object_id, extra_context=None):
        extra_context = extra_context or {}
        rating = self.get_queryset(request).filter(pk=object_id).first()
        if rating is not None:
            extra_context["changes"] = selectors.rating_history(rating)
            extra_context["can_restore"] = (
                not rating.assessment.round.is_frozen
                and permissions.can_set_consensus(request.user, rating.assessment)
            )
        return super().history_view(request, object_id, extra_context)


class ExpertRatingForm(ReasonMixin, forms.ModelForm):
    class Meta:
        model = ExpertRating
        fields = ["assessment", "dimension", "value", "justification"]


@admin.register(ExpertRating)
class ExpertRatingAdmin(ServiceAdminMixin, FrozenRoundMixin, SimpleHistoryAdmin):
    form = ExpertRatingForm
    round_path = "assessment__round"
    list_display = ["assessment", "dimension", "expert", "value", "revision", "updated_at"]
    list_filter = ["assessment__round", "dimension__code", "value", "expert"]
    list_select_related = ["assessment__round", "dimension", "expert"]
    search_fields = [
        "assessment__title_ky",
        "assessment__title_ru",
        "assessment__title_en",
        "expert__username",
    ]
    raw_id_fields = ["assessment"]
    history_list_display = ["value", "justification"]

    def get_queryset(self, request):
        visible = ProcessAssessment.objects.visible_to(request.user)
        return super().get_queryset(request).filter(assessment__in=visible)

    def get_readonly_fields(self, request, obj=None):
        return (
            ["assessment", "dimension", "expert", "revision"] if obj is not None else ["revision"]
        )

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.expert_id != request.user.pk:
            return False  # an expert's rating is her own
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        rating = services.record_expert_rating(
            actor=request.user,
            assessment=obj.assessment,
            dimension=obj.dimension,
            value=form.cleaned_data["value"],
            justification=form.cleaned_data.get("justification"),
            reason=form.cleaned_data["reason"],
            expected_revision=form.cleaned_data.get("expected_revision") if change else None,
        )
        obj.pk, obj.revision, obj.expert = rating.pk, rating.revision, rating.expert


class CitationForm(ReasonMixin, forms.ModelForm):
    class Meta:
        model = Citation
        fields = "__all__"


@admin.register(Citation)
class CitationAdmin(ServiceAdminMixin, FrozenRoundMixin, SimpleHistoryAdmin, TranslationAdmin):
    form = CitationForm
    round_path = "assessment__round"
    list_display = [
        "act",
        "edition",
        "article",
        "part",
        "assessment",
        "needs_reverification",
        "superseded_edition",
    ]
    list_filter = ["assessment__round", "act__kind", "act", "needs_reverification"]
    list_select_related = ["act", "edition__act", "assessment__round"]
    search_fields = ["article", "act__title_ky", "act__title_ru", "act__title_en", "act__code"]
    autocomplete_fields = ["act"]
    raw_id_fields = ["assessment"]
    readonly_fields = ["revision"]

    def get_queryset(self, request):
        visible = ProcessAssessment.objects.visible_to(request.user)
        return super().get_queryset(request).filter(assessment__in=visible)

    @admin.display(description=_("edition superseded"), boolean=True)
    def superseded_edition(self, obj):
        return obj.edition_superseded

    def has_delete_permission(self, request, obj=None):
        return False  # removed from the assessment's page, with a reason

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            updated = services.update_citation(
                actor=request.user,
                citation=obj,
                changes={k: data[k] for k in form.changed_data if k in services.CITATION_FIELDS},
                reason=data["reason"],
                expected_revision=data.get("expected_revision"),
            )
        else:
            updated = services.add_citation(
                actor=request.user,
                assessment=data["assessment"],
                act=data["act"],
                edition=data.get("edition"),
                article=data.get("article", ""),
                part=data.get("part", ""),
                dimension=data.get("dimension"),
                note={lang: data.get(f"note_{lang}", "") for lang in services.LANGS},
                reason=data["reason"],
            )
        obj.pk, obj.revision = updated.pk, updated.revision


# --- Discussion ----------------------------------------------------------------


class CommentInline(admin.StackedInline):
    model = Comment
    fields = ["author", "created_at", "parent", "body"]
    readonly_fields = ["author", "created_at"]
    extra = 1
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False  # what was said stays said; replies are new comments

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "parent__author")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            thread_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Comment.objects.filter(thread_id=thread_id).select_related(
                "author"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Thread)
class ThreadAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "round",
        "process",
        "dimension",
        "status",
        "created_by",
        "created_at",
        "comment_count",
    ]
    list_filter = ["status", "assessment__round", "assessment__process__pair"]
    list_select_related = ["assessment__round", "assessment__process", "dimension", "created_by"]
    search_fields = ["title", "comments__body"]
    raw_id_fields = ["assessment"]
    readonly_fields = ["status", "created_by", "created_at", "resolved_by", "resolved_at"]
    inlines = [CommentInline]
    actions = ["resolve", "reopen"]

    def get_queryset(self, request):
        visible = ProcessAssessment.objects.visible_to(request.user)
        return (
            super()
            .get_queryset(request)
            .filter(assessment__in=visible)
            .annotate(comment_count=Count("comments"))
        )

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ThreadAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["assessment", "dimension", "title", "body"]
        return ["assessment", "dimension", "title", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["assessment", "dimension", "title", *self.readonly_fields]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    @admin.display(description=_("round"), ordering="assessment__round__year")
    def round(self, obj):
        return obj.assessment.round.year

    @admin.display(description=_("process"))
    def process(self, obj):
        return obj.assessment.process.code

    @admin.display(description=_("comments"), ordering="comment_count")
    def comment_count(self, obj):
        return obj.comment_count

    def save_model(self, request, obj, form, change):
        if not change:
            thread = services.start_thread(
                actor=request.user,
                assessment=form.cleaned_data["assessment"],
                dimension=form.cleaned_data.get("dimension"),
                title=form.cleaned_data.get("title", ""),
                body=form.cleaned_data["body"],
            )
            obj.pk = thread.pk

    def save_formset(self, request, form, formset, change):
        for f in formset.forms:
            if f.instance.pk is None and f.cleaned_data.get("body"):
                services.reply(
                    actor=request.user,
                    thread=form.instance,
                    body=f.cleaned_data["body"],
                    parent=f.cleaned_data.get("parent"),
                )

    @admin.action(description=_("Mark as resolved"))
    def resolve(self, request, queryset):
        self._set_resolved(request, queryset, True)

    @admin.action(description=_("Reopen"))
    def reopen(self, request, queryset):
        self._set_resolved(request, queryset, False)

    def _set_resolved(self, request, queryset, resolved: bool):
        done, refused = 0, []
        for thread in queryset:
            try:
                services.resolve_thread(actor=request.user, thread=thread, resolved=resolved)
                done += 1
            except services.DomainError as exc:
                refused.append(f"{thread}: {exc.message}")
        if done:
            self.message_user(request, _("%(n)s thread(s) updated.") % {"n": done})
        for message in refused:
            self.message_user(request, message, messages.ERROR)


class RestoreForm(forms.Form):
    reason = forms.CharField(label=_("Why restore it?"), widget=forms.Textarea(attrs={"rows": 2}))


# --- Evidence: legal acts ----------------------------------------------------


class LegalActEditionInline(TranslationTabularInline):
    model = LegalActEdition
    extra = 0


@admin.register(LegalAct)
class LegalActAdmin(TranslationAdmin):
    list_display = ["title", "code", "kind", "number", "adopted_on", "citation_count"]
    list_filter = ["kind"]
    search_fields = ["code", "number", "title_ky", "title_ru", "title_en"]
    inlines = [LegalActEditionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(description=_("citations"), ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count


@admin.register(LegalActEdition)
class LegalActEditionAdmin(TranslationAdmin):
    list_display = ["act", "code", "valid_from", "valid_until"]
    list_filter = ["act"]
    list_select_related = ["act"]
    search_fields = ["code", "act__title_ky", "act__title_ru", "act__title_en"]


# --- What a round concludes --------------------------------------------------


@admin.register(Recommendation)
class RecommendationAdmin(FrozenRoundMixin, TranslationAdmin):
    list_display = ["short_text", "kind", "round", "pair", "process"]
    list_filter = ["round", "kind", "pair"]
    list_select_related = ["round", "pair", "process"]
    search_fields = ["text_ky", "text_ru", "text_en"]

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return obj.text[:100]


@admin.register(DevelopmentInitiative)
class DevelopmentInitiativeAdmin(FrozenRoundMixin, TranslationAdmin):
    list_display = ["process", "round", "status", "short_support"]
    list_filter = ["round", "status"]
    list_select_related = ["round", "process"]
    search_fields = ["title_ky", "title_ru", "title_en", "process__code"]

    @admin.display(description=_("support needed"))
    def short_support(self, obj):
        return obj.support[:100]


@admin.register(PublishedFigure)
class PublishedFigureAdmin(FrozenRoundMixin, TranslationAdmin):
    list_display = ["kind", "measures", "value", "round", "source"]
    list_filter = ["round", "kind"]
    list_select_related = ["round", "pair", "process", "dimension", "principal"]
    search_fields = ["source"]

    @admin.display(description=_("measures"))
    def measures(self, obj):
        parts = [obj.pair, obj.process, obj.dimension, obj.principal]
        return " / ".join(str(p) for p in parts if p is not None) or _("the whole round")
