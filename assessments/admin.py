"""The admin: declarative classes; the round page adds the overview and consistency report."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from . import selectors
from .models import (
    Citation,
    DevelopmentInitiative,
    Dimension,
    LegalAct,
    LegalActEdition,
    Methodology,
    Pair,
    Process,
    ProcessAssessment,
    PublishedFigure,
    Rating,
    Recommendation,
    Round,
    ScaleLevel,
    Subject,
    SubjectName,
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


# --- Rounds and their assessments --------------------------------------------


@admin.register(Round)
class RoundAdmin(TranslationAdmin):
    list_display = ["year", "version", "title", "status", "methodology", "published_at"]
    list_filter = ["status", "methodology"]
    list_select_related = ["methodology"]
    search_fields = ["title_ky", "title_ru", "title_en", "year"]
    readonly_fields = ["published_at", "created_at", "updated_at"]
    change_form_template = "admin/assessments/round/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_frozen:
            fields += ["year", "version", "methodology", "status", "previous"]
        return fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        round_ = Round.objects.select_related("methodology").filter(pk=object_id).first()
        if round_ is not None:
            extra_context["report"] = selectors.round_report(round_).as_dict()
            extra_context["overview"] = selectors.round_overview(round_)
        return super().change_view(request, object_id, form_url, extra_context)


class RatingInline(FrozenInlineMixin, TranslationTabularInline):
    model = Rating
    round_path = "round"
    fields = ["dimension", "value", "justification", "revision"]
    readonly_fields = ["revision"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("dimension")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "dimension":
            kwargs["queryset"] = Dimension.objects.select_related("methodology")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CitationInline(FrozenInlineMixin, TranslationTabularInline):
    model = Citation
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
    ]
    autocomplete_fields = ["act"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("act", "edition", "dimension")


@admin.register(ProcessAssessment)
class ProcessAssessmentAdmin(FrozenRoundMixin, TranslationAdmin):
    list_display = ["title", "round", "pair", "verdict", "score", "rating_summary", "citations"]
    list_filter = ["round", "process__pair", "verdict"]
    list_select_related = ["round", "process__pair"]
    search_fields = ["title_ky", "title_ru", "title_en", "process__code"]
    readonly_fields = ["revision"]
    autocomplete_fields = ["process"]
    inlines = [RatingInline, CitationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_scores()
            .annotate(citation_count=Count("citations", distinct=True))
            .prefetch_related(
                Prefetch("ratings", queryset=Rating.objects.select_related("dimension"))
            )
        )

    @admin.display(description=_("pair"), ordering="process__pair__position")
    def pair(self, obj):
        return obj.process.pair

    @admin.display(description=_("score %"), ordering="score")
    def score(self, obj):
        return "–" if obj.score is None else f"{obj.score * 100:.0f}"

    @admin.display(description=_("ratings"))
    def rating_summary(self, obj):
        return " · ".join(
            f"{r.dimension.code}={r.value}"
            for r in sorted(obj.ratings.all(), key=lambda r: r.dimension.position)
        )

    @admin.display(description=_("citations"), ordering="citation_count")
    def citations(self, obj):
        return obj.citation_count


@admin.register(Rating)
class RatingAdmin(FrozenRoundMixin, TranslationAdmin):
    round_path = "assessment__round"
    list_display = ["assessment", "dimension", "value", "revision"]
    list_filter = ["assessment__round", "dimension__code", "value", "assessment__process__pair"]
    list_select_related = ["assessment__round", "dimension"]
    search_fields = ["assessment__title_ky", "assessment__title_ru", "assessment__title_en"]
    readonly_fields = ["revision"]
    raw_id_fields = ["assessment"]


@admin.register(Citation)
class CitationAdmin(FrozenRoundMixin, TranslationAdmin):
    round_path = "assessment__round"
    list_display = ["act", "edition", "article", "part", "assessment", "needs_reverification"]
    list_filter = ["assessment__round", "act__kind", "act", "needs_reverification"]
    list_select_related = ["act", "edition__act", "assessment__round"]
    search_fields = ["article", "act__title_ky", "act__title_ru", "act__title_en", "act__code"]
    autocomplete_fields = ["act"]
    raw_id_fields = ["assessment"]


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
