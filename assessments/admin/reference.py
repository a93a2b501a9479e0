"""The accountability system and its evidence: methodology, subjects, pairs, processes, acts."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from .. import services, versions
from ..models import (
    Dimension,
    LegalAct,
    LegalActEdition,
    Methodology,
    Pair,
    Process,
    ScaleLevel,
    Subject,
    SubjectName,
)
from .mixins import VisibleRowsMixin

# --- Methodology -------------------------------------------------------------


class DimensionInline(TranslationStackedInline):
    model = Dimension
    extra = 0


class ScaleLevelInline(TranslationTabularInline):
    model = ScaleLevel
    extra = 0


@admin.register(Methodology)
class MethodologyAdmin(VisibleRowsMixin, TranslationAdmin):
    list_display = ["title", "code", "version", "scale_min", "scale_max", "created_at"]
    search_fields = ["code", "title_ky", "title_ru", "title_en"]
    inlines = [DimensionInline, ScaleLevelInline]
    actions = ["make_new_version"]

    @admin.action(description=_("Make a new version"), permissions=["add"])
    def make_new_version(self, request, queryset):
        """A published round's methodology is versioned, not edited (freeze.py): the copy,
        used by no round yet, takes the change."""
        for methodology in queryset:
            try:
                copy = versions.new_methodology_version(actor=request.user, methodology=methodology)
            except services.DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                continue
            self.message_user(
                request,
                _(
                    "%(copy)s is a new version of %(methodology)s: change it, then use it "
                    "in the next round."
                )
                % {"copy": copy.label, "methodology": methodology.label},
                messages.SUCCESS,
            )


@admin.register(Dimension)
class DimensionAdmin(VisibleRowsMixin, TranslationAdmin):
    list_display = ["name", "code", "methodology", "position", "is_scored", "is_gating"]
    list_filter = ["methodology", "is_scored", "is_gating"]
    list_select_related = ["methodology"]
    search_fields = ["code", "name_ky", "name_ru", "name_en"]


# --- The system: subjects, pairs, processes ----------------------------------


class SubjectNameInline(TranslationTabularInline):
    model = SubjectName
    extra = 0


@admin.register(Subject)
class SubjectAdmin(VisibleRowsMixin, TranslationAdmin):
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
class PairAdmin(VisibleRowsMixin, TranslationAdmin):
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
class ProcessAdmin(VisibleRowsMixin, TranslationAdmin):
    list_display = ["name", "code", "pair", "position"]
    list_filter = ["pair"]
    list_select_related = ["pair"]
    search_fields = ["code", "name_ky", "name_ru", "name_en"]
    autocomplete_fields = ["pair"]


# --- Evidence: legal acts ----------------------------------------------------


# An official text's address typed without a scheme is https (Django 6's default too).
HTTPS_LINKS = {models.URLField: {"assume_scheme": "https"}}


class LegalActEditionInline(TranslationTabularInline):
    formfield_overrides = HTTPS_LINKS
    model = LegalActEdition
    extra = 0


@admin.register(LegalAct)
class LegalActAdmin(VisibleRowsMixin, TranslationAdmin):
    formfield_overrides = HTTPS_LINKS
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
class LegalActEditionAdmin(VisibleRowsMixin, TranslationAdmin):
    formfield_overrides = HTTPS_LINKS
    list_display = ["act", "code", "valid_from", "valid_until"]
    list_filter = ["act"]
    list_select_related = ["act"]
    search_fields = ["code", "act__title_ky", "act__title_ru", "act__title_en"]
