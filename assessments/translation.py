"""Which fields carry Kyrgyz, Russian and English columns (django-modeltranslation)."""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from . import models


@register(models.Methodology)
class MethodologyTranslation(TranslationOptions):
    fields = ("title", "description")


@register(models.Dimension)
class DimensionTranslation(TranslationOptions):
    fields = ("name", "description")


@register(models.ScaleLevel)
class ScaleLevelTranslation(TranslationOptions):
    fields = ("label",)


@register(models.Subject)
class SubjectTranslation(TranslationOptions):
    fields = ("name", "description")


@register(models.SubjectName)
class SubjectNameTranslation(TranslationOptions):
    fields = ("name",)


@register(models.Pair)
class PairTranslation(TranslationOptions):
    fields = ("name",)


@register(models.Process)
class ProcessTranslation(TranslationOptions):
    fields = ("name", "description")


@register(models.Round)
class RoundTranslation(TranslationOptions):
    fields = ("title", "summary", "changelog", "source")


@register(models.ProcessAssessment)
class ProcessAssessmentTranslation(TranslationOptions):
    fields = ("title", "verdict_text", "justification")


@register(models.Rating)
class RatingTranslation(TranslationOptions):
    fields = ("justification",)


@register(models.ExpertRating)
class ExpertRatingTranslation(TranslationOptions):
    fields = ("justification",)


@register(models.LegalAct)
class LegalActTranslation(TranslationOptions):
    fields = ("title",)


@register(models.LegalActEdition)
class LegalActEditionTranslation(TranslationOptions):
    fields = ("title", "note")


@register(models.Citation)
class CitationTranslation(TranslationOptions):
    fields = ("note",)


@register(models.Recommendation)
class RecommendationTranslation(TranslationOptions):
    fields = ("text",)


@register(models.DevelopmentInitiative)
class DevelopmentInitiativeTranslation(TranslationOptions):
    fields = ("title", "initiatives", "support")


@register(models.PublishedFigure)
class PublishedFigureTranslation(TranslationOptions):
    fields = ("note", "source")


@register(models.Passage)
class PassageTranslation(TranslationOptions):
    fields = ("text",)


@register(models.ProcessLink)
class ProcessLinkTranslation(TranslationOptions):
    fields = ("note",)


@register(models.JustificationFlag)
class JustificationFlagTranslation(TranslationOptions):
    fields = ("quote", "note")


# simple-history builds its historical model when registered; doing it here, after
# modeltranslation added the ky/ru/en columns, makes the history keep every language.
for _model in (
    models.Round,
    models.ProcessAssessment,
    models.Rating,
    models.ExpertRating,
    models.Citation,
    models.ReviewAssignment,
    models.ReviewComment,
    models.ReplyWindow,
    models.Reply,
):
    simple_history.register(_model, app="assessments")
