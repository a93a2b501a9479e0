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

from .. import services
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
from ..services import versions
from .mixins import VisibleRowsMixin

# A reference row's code names it in addresses, data files and imports; people read its
# name. The code is shown only where it is edited, and labelled there in words.
CODE_LABEL = _("Identifier in addresses and data files")
CODE_HELP = _(
    "Latin letters, digits and hyphens. It stays the same when the name changes, so that "
    "rounds and files can be compared; people read the name, never this."
)


class CodeForEditorsMixin:
    """The code field: offered, labelled in words, to whoever may change the row; left out
    for whoever only reads it. Works for model pages and their inlines alike."""

    def _edits(self, request, obj) -> bool:
        if obj is None and not hasattr(self, "parent_model"):
            return self.has_add_permission(request)
        return self.has_change_permission(request, obj)

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not self._edits(request, obj):
            exclude.append("code")
        return exclude

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if "code" in fields and not self._edits(request, obj):
            fields.remove("code")
        return fields

    def get_fieldsets(self, request, obj=None):
        # The name comes first; the code, read by no one, after what people read.
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = list(options["fields"])
            if "code" in fields:
                fields = [f for f in fields if f != "code"] + ["code"]
            fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def _labelled(self, kwargs: dict) -> dict:
        return {
            **kwargs,
            "labels": {"code": CODE_LABEL, **kwargs.get("labels", {})},
            "help_texts": {"code": CODE_HELP, **kwargs.get("help_texts", {})},
        }

    def get_form(self, request, obj=None, change=False, **kwargs):
        return super().get_form(request, obj, change=change, **self._labelled(kwargs))

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, **self._labelled(kwargs))


# --- Methodology -------------------------------------------------------------


class DimensionInline(CodeForEditorsMixin, TranslationStackedInline):
    model = Dimension
    extra = 0


class ScaleLevelInline(TranslationTabularInline):
    model = ScaleLevel
    extra = 0


@admin.register(Methodology)
class MethodologyAdmin(CodeForEditorsMixin, VisibleRowsMixin, TranslationAdmin):
    list_display = ["title", "version", "scale_min", "scale_max", "created_at"]
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
                % {"copy": copy, "methodology": methodology},
                messages.SUCCESS,
            )


@admin.register(Dimension)
class DimensionAdmin(CodeForEditorsMixin, VisibleRowsMixin, TranslationAdmin):
    list_display = ["name", "methodology", "position", "is_scored", "is_gating"]
    list_filter = ["methodology", "is_scored", "is_gating"]
    list_select_related = ["methodology"]
    search_fields = ["code", "name_ky", "name_ru", "name_en"]


# --- The system: subjects, pairs, processes ----------------------------------


class SubjectNameInline(TranslationTabularInline):
    model = SubjectName
    extra = 0


@admin.register(Subject)
class SubjectAdmin(CodeForEditorsMixin, VisibleRowsMixin, TranslationAdmin):
    list_display = ["name", "kind", "role", "position"]
    list_filter = ["role", "kind"]
    search_fields = ["code", "name_ky", "name_ru", "name_en"]
    inlines = [SubjectNameInline]


class ProcessInline(CodeForEditorsMixin, TranslationTabularInline):
    model = Process
    fields = ["position", "name", "code"]
    extra = 0
    show_change_link = True


@admin.register(Pair)
class PairAdmin(CodeForEditorsMixin, VisibleRowsMixin, TranslationAdmin):
    list_display = ["name", "principal", "agent", "position", "process_count"]
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
class ProcessAdmin(CodeForEditorsMixin, VisibleRowsMixin, TranslationAdmin):
    list_display = ["name", "pair", "position"]
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
class LegalActAdmin(CodeForEditorsMixin, VisibleRowsMixin, TranslationAdmin):
    formfield_overrides = HTTPS_LINKS
    list_display = ["title", "kind", "number", "adopted_on", "citation_count"]
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
