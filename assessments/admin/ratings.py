"""A round's process assessments, consensus and expert ratings, and citations."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationTabularInline,
)
from simple_history.admin import SimpleHistoryAdmin

from .. import permissions, selectors, services
from ..models import (
    Citation,
    Comment,
    ExpertRating,
    ProcessAssessment,
    Rating,
    Thread,
)
from . import history
from .forms import (
    AssessmentForm,
    CitationForm,
    CitationInlineForm,
    ExpertRatingForm,
    RatingForm,
    RatingInlineForm,
    RestoreForm,
)
from .mixins import (
    AutocompleteReadOnce,
    FrozenInlineMixin,
    FrozenRoundMixin,
    ServiceAdminMixin,
    VisibleFilter,
    VisibleRowsMixin,
    choices_read_once,
)
from .workspace.common import scale, value_label


def _warning(text) -> str:
    # Words and a warning sign, not the admin's green tick: "yes" here means "look again".
    return format_html('<span class="reverify"><span aria-hidden="true">⚠</span> {}</span>', text)


class ReverificationDisplay:
    """What asks for a second look (a citation to re-verify, a superseded edition, a rating
    carried over), said in words."""

    class Media:
        css = {"all": ["assessments/admin/admin.css"]}

    @admin.display(description=_("re-verify"), ordering="needs_reverification")
    def reverification(self, obj):
        return _warning(_("to re-verify")) if obj.needs_reverification else "—"

    @admin.display(description=_("edition superseded"))
    def superseded_edition(self, obj):
        return _warning(_("no longer in force")) if obj.edition_superseded else "—"

    @admin.display(description=_("carried over, not re-examined"))
    def carried_over_display(self, obj):
        return _warning(_("to re-examine")) if obj.carried_over else "—"


class RatingInline(ReverificationDisplay, FrozenInlineMixin, TranslationTabularInline):
    model = Rating
    form = RatingInlineForm
    round_path = "round"
    fields = [
        "dimension",
        "value",
        "justification",
        "carried_over_display",
        "revision",
        "expected_revision",
    ]
    readonly_fields = ["carried_over_display", "revision"]
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        # The assessment and its round: each row is labelled with them (Rating.__str__).
        return super().get_queryset(request).select_related("dimension", "assessment__round")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and "value" in formset.form.base_fields:
            formset.form.base_fields["value"] = scale_field(obj.round.methodology)
        choices_read_once(formset.form, "dimension")
        return formset


def scale_field(methodology) -> forms.TypedChoiceField:
    """The rating as the methodology's words (Бар / Жок), never a bare number box."""
    return forms.TypedChoiceField(
        label=_("rating"),
        choices=[("", "—"), *((str(v), label) for v, label in scale(methodology))],
        coerce=int,
        error_messages={"invalid_choice": _("%(value)s is not on this methodology's scale.")},
    )


class CitationInline(ReverificationDisplay, FrozenInlineMixin, TranslationTabularInline):
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
    readonly_fields = ["reverification"]
    autocomplete_fields = ["act"]
    extra = 0

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("act", "edition__act", "dimension", "assessment__round")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "act":
            kwargs["widget"] = AutocompleteReadOnce(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        act = formset.form.base_fields.get("act")
        widget = getattr(act.widget, "widget", act.widget) if act is not None else None
        if isinstance(widget, AutocompleteReadOnce) and obj is not None:
            widget.labels = {
                str(c.act_id): str(c.act)
                for c in Citation.objects.filter(assessment=obj).select_related("act")
            }
        edition = formset.form.base_fields.get("edition")
        if isinstance(edition, forms.ModelChoiceField):
            edition.queryset = edition.queryset.select_related("act")  # its label names the act
        choices_read_once(formset.form, "edition", "dimension")
        return formset

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if self._frozen(obj):
            # Read-only, a boolean would show as a tick: say it in words instead.
            fields = ["reverification" if f == "needs_reverification" else f for f in fields]
        else:
            fields = [f for f in fields if f != "reverification"]
        return fields


def _count_per_assessment(rows: QuerySet) -> Coalesce:
    counted = (
        rows.filter(assessment=OuterRef("pk"))
        .order_by()
        .values("assessment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


@admin.register(ProcessAssessment)
class ProcessAssessmentAdmin(
    ServiceAdminMixin,
    VisibleRowsMixin,
    FrozenRoundMixin,
    history.HistoryInWordsMixin,
    SimpleHistoryAdmin,
    TranslationAdmin,
):
    form = AssessmentForm
    list_display = [
        "title",
        "round_year",
        "pair",
        "verdict",
        "score",
        "rating_summary",
        "citations",
        "open_threads",
    ]
    list_filter = [("round", VisibleFilter), "process__pair", "verdict"]
    list_select_related = ["round__methodology", "process__pair"]
    search_fields = ["title_ky", "title_ru", "title_en", "process__code"]
    readonly_fields = ["revision"]
    autocomplete_fields = ["process"]
    inlines = [RatingInline, CitationInline]
    change_form_template = "admin/assessments/processassessment/change_form.html"

    def get_queryset(self, request):
        # Threads stay with the panel: others see no count of them either.
        open_threads = permissions.visible_threads(
            request.user, Thread.objects.filter(status=Thread.Status.OPEN)
        )
        return (
            super()
            .get_queryset(request)
            .with_scores()
            .annotate(
                # Counted in subqueries: a join would repeat each rating once per citation
                # and thread, and with_scores() would add them up that many times.
                citation_count=_count_per_assessment(Citation.objects.all()),
                open_thread_count=_count_per_assessment(open_threads),
            )
            .prefetch_related(
                Prefetch("ratings", queryset=Rating.objects.select_related("dimension")),
                "round__methodology__scale_levels",
            )
        )

    def has_change_permission(self, request, obj=None):
        if obj is not None and not permissions.can_add_evidence(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("round"), ordering="round__year")
    def round_year(self, obj):
        # The year (and version): the round's full title would crowd out every other column.
        return (
            obj.round.year if obj.round.version == 1 else f"{obj.round.year} v{obj.round.version}"
        )

    @admin.display(description=_("pair"), ordering="process__pair__position")
    def pair(self, obj):
        return obj.process.pair

    @admin.display(description=_("score %"), ordering="score")
    def score(self, obj):
        return "–" if obj.score is None else f"{obj.score * 100:.0f}"

    @admin.display(description=_("ratings"))
    def rating_summary(self, obj):
        # The scale's words in the dimensions' order, each named on hover; ⚠ where the
        # rating is carried over and not re-examined (never the dimensions' codes).
        levels = scale(obj.round.methodology)
        return format_html_join(
            " · ",
            '<span title="{}">{}. {}{}</span>',
            (
                (
                    r.dimension.name,
                    r.dimension.position,
                    value_label(levels, r.value),
                    " ⚠" if r.carried_over else "",
                )
                for r in sorted(obj.ratings.all(), key=lambda r: r.dimension.position)
            ),
        )

    @admin.display(description=_("citations"), ordering="citation_count")
    def citations(self, obj):
        return obj.citation_count

    @admin.display(description=_("open threads"), ordering="open_thread_count")
    def open_threads(self, obj):
        return obj.open_thread_count

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        assessment = self.get_object(request, unquote(object_id))
        if assessment is not None and permissions.can_see_panel_work(request.user, assessment):
            # Experts' own ratings and the discussion stay with the panel, also once published.
            extra_context["panel_work"] = True
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
            services.ensure_open(obj.round)
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
        """Each inline row through its service, with the page's reason and the row's revision.

        Django's own formset.save() would write past the services (no reason, no revision
        check, no role check); the lists it would fill (new, changed, deleted objects) are
        filled here instead, as the change message reads them.
        """
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is Rating:
            self._save_ratings(request, form, formset)
        elif formset.model is Citation:
            self._save_citations(request, form, formset)
        else:
            super().save_formset(request, form, formset, change)

    def _save_ratings(self, request, form, formset) -> None:
        for f in formset.forms:
            changed = [name for name in f.changed_data if name != "expected_revision"]
            if not changed or not f.cleaned_data:
                continue
            data = f.cleaned_data
            rating = services.set_consensus(
                actor=request.user,
                assessment=form.instance,
                dimension=data["dimension"],
                value=data["value"],
                justification=_texts(data, "justification"),
                reason=form.cleaned_data["reason"],
                expected_revision=data.get("expected_revision") if f.instance.pk else None,
            )
            if f.instance.pk:
                formset.changed_objects.append((rating, changed))
            else:
                formset.new_objects.append(rating)
            f.instance = rating

    def _save_citations(self, request, form, formset) -> None:
        reason = form.cleaned_data["reason"]
        for f in formset.forms:
            data = f.cleaned_data
            if not data:
                continue
            changed = [name for name in f.changed_data if name != "expected_revision"]
            if data.get("DELETE") and f.instance.pk:
                services.remove_citation(
                    actor=request.user,
                    citation=f.instance,
                    reason=reason,
                    expected_revision=data.get("expected_revision"),
                )
                formset.deleted_objects.append(f.instance)
            elif data.get("DELETE"):
                continue  # a new row the user removed again before saving
            elif not f.instance.pk and changed:
                citation = services.add_citation(
                    actor=request.user,
                    assessment=form.instance,
                    act=data["act"],
                    edition=data.get("edition"),
                    article=data.get("article", ""),
                    part=data.get("part", ""),
                    dimension=data.get("dimension"),
                    note=_texts(data, "note"),
                    reason=reason,
                )
                formset.new_objects.append(citation)
                f.instance = citation
            elif f.instance.pk and changed:
                citation = services.update_citation(
                    actor=request.user,
                    citation=f.instance,
                    changes={k: data[k] for k in changed if k in services.CITATION_FIELDS},
                    reason=reason,
                    expected_revision=data.get("expected_revision"),
                )
                formset.changed_objects.append((citation, changed))


RATING_HISTORY_FIELDS = [
    "value",
    *(f"justification_{lang}" for lang in services.LANGS),
    "carried_over",
]


def _texts(data: dict, name: str) -> dict[str, str]:
    """A translated field's texts from a form's cleaned data ({language: text}).

    The forms show `justification_ky`, `_ru`, `_en` (modeltranslation), never the bare
    `justification`: reading that one instead lost every typed justification.
    """
    return {
        lang: data.get(f"{name}_{lang}") or ""
        for lang in services.LANGS
        if f"{name}_{lang}" in data
    }


@admin.register(Rating)
class RatingAdmin(
    ServiceAdminMixin, VisibleRowsMixin, FrozenRoundMixin, SimpleHistoryAdmin, TranslationAdmin
):
    form = RatingForm
    round_path = "assessment__round"
    list_display = ["assessment", "dimension", "value_words", "carried_over_words", "revision"]
    list_filter = [
        ("assessment__round", VisibleFilter),
        "dimension",
        "value",
        "carried_over",
        "assessment__process__pair",
    ]
    list_select_related = ["assessment__round__methodology", "dimension"]
    search_fields = ["assessment__title_ky", "assessment__title_ru", "assessment__title_en"]
    readonly_fields = ["revision", "carried_over"]
    autocomplete_fields = ["assessment"]
    history_list_display = ["value", "justification", "carried_over"]
    object_history_template = "admin/assessments/rating/object_history.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("assessment__round__methodology__scale_levels")
        )

    @admin.display(description=_("rating"), ordering="value")
    def value_words(self, obj):
        return value_label(scale(obj.assessment.round.methodology), obj.value)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "value" in form.base_fields:
            form.base_fields["value"] = scale_field(obj.assessment.round.methodology)
        return form

    @admin.display(description=_("carried over, not re-examined"), ordering="carried_over")
    def carried_over_words(self, obj):
        return _warning(_("to re-examine")) if obj.carried_over else "—"

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
            justification=_texts(form.cleaned_data, "justification"),
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
        if rating.assessment.round.is_frozen or not permissions.can_set_consensus(
            request.user, rating.assessment
        ):
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
            extra_context["changes"] = history.versions(rating, RATING_HISTORY_FIELDS)
            extra_context["can_restore"] = (
                not rating.assessment.round.is_frozen
                and permissions.can_set_consensus(request.user, rating.assessment)
            )
        return super().history_view(request, object_id, extra_context)


@admin.register(ExpertRating)
class ExpertRatingAdmin(
    ServiceAdminMixin,
    VisibleRowsMixin,
    FrozenRoundMixin,
    history.HistoryInWordsMixin,
    SimpleHistoryAdmin,
):
    form = ExpertRatingForm
    round_path = "assessment__round"
    list_display = ["assessment", "dimension", "expert", "value_words", "revision", "updated_at"]
    list_filter = [
        ("assessment__round", VisibleFilter),
        "dimension",
        "value",
        ("expert", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["assessment__round__methodology", "dimension", "expert"]
    search_fields = [
        "assessment__title_ky",
        "assessment__title_ru",
        "assessment__title_en",
        "expert__username",
    ]
    autocomplete_fields = ["assessment"]
    history_list_display = ["value", "justification"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("assessment__round__methodology__scale_levels")
        )

    @admin.display(description=_("rating"), ordering="value")
    def value_words(self, obj):
        return value_label(scale(obj.assessment.round.methodology), obj.value)

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


@admin.register(Citation)
class CitationAdmin(
    ReverificationDisplay,
    ServiceAdminMixin,
    VisibleRowsMixin,
    FrozenRoundMixin,
    history.HistoryInWordsMixin,
    SimpleHistoryAdmin,
    TranslationAdmin,
):
    form = CitationForm
    round_path = "assessment__round"
    list_display = [
        "act",
        "edition",
        "article",
        "part",
        "assessment",
        "reverification",
        "superseded_edition",
    ]
    list_filter = [
        ("assessment__round", VisibleFilter),
        "act__kind",
        "act",
        "needs_reverification",
    ]
    list_select_related = ["act", "edition__act", "assessment__round"]
    search_fields = ["article", "act__title_ky", "act__title_ru", "act__title_en", "act__code"]
    autocomplete_fields = ["act", "assessment"]
    readonly_fields = ["revision"]

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
                note=_texts(data, "note"),
                reason=data["reason"],
            )
        obj.pk, obj.revision = updated.pk, updated.revision
