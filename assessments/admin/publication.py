"""What a round's publication printed beyond its ratings, and what a careful reading adds."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from ..models import JustificationFlag, Passage, PrintedName, ProcessLink
from .mixins import FrozenRoundMixin, VisibleFilter, VisibleRowsMixin


@admin.register(Passage)
class PassageAdmin(VisibleRowsMixin, FrozenRoundMixin, TranslationAdmin):
    list_display = ["section", "kind", "short_text", "round"]
    list_filter = [("round", VisibleFilter), "kind"]
    list_select_related = ["round"]
    search_fields = ["text_ky", "text_ru", "text_en", "section"]
    autocomplete_fields = ["pair", "subject"]

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return obj.text[:100]


@admin.register(PrintedName)
class PrintedNameAdmin(VisibleRowsMixin, FrozenRoundMixin, admin.ModelAdmin):
    list_display = ["text", "place", "section", "name_of", "round"]
    list_filter = [("round", VisibleFilter), "place"]
    list_select_related = ["round", "assessment", "subject"]
    search_fields = ["text", "section"]
    raw_id_fields = ["assessment"]
    autocomplete_fields = ["subject"]

    @admin.display(description=_("name of"))
    def name_of(self, obj):
        return obj.assessment.title if obj.assessment_id else obj.subject.name


@admin.register(ProcessLink)
class ProcessLinkAdmin(VisibleRowsMixin, TranslationAdmin):
    list_display = ["process", "other"]
    list_select_related = ["process", "other"]
    autocomplete_fields = ["process", "other"]


@admin.register(JustificationFlag)
class JustificationFlagAdmin(VisibleRowsMixin, FrozenRoundMixin, TranslationAdmin):
    round_path = "assessment__round"
    list_display = ["assessment", "dimension", "value"]
    list_filter = [("assessment__round", VisibleFilter), "dimension"]
    list_select_related = ["assessment__round", "dimension"]
    raw_id_fields = ["assessment"]
