"""Query filters and orderings, named from the domain rather than from table paths.

Everything assessed in a round filters alike: `round` (`2016` for the current
version of a year, `2016-v2` for one version), `year` (every version), `version`,
`pair` and `process` (codes), `subject` (a subject's code, as principal or agent)
and, where it applies, `dimension` (a code). `ordering` takes the names listed
in the schema, `-` first for descending.

A parameter given empty (`?status=`, `?ordering=`, `?year=`) is refused with a 400
naming it, never read as "no filter": the schema allows no empty value, and a tool
that sends one has lost the value it meant to send.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters as filters
from django import forms
from django.core.validators import RegexValidator, validate_slug
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _
from django_filters.fields import BaseCSVField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from assessments import models, names
from assessments.models import Round

from .permissions import visible_rounds
from .serializers import MAX_ID, ROUND_REF

INTEGER = re.compile(r"-?[0-9]+")


class StrictIntegerField(forms.IntegerField):
    """Digits only: Django's IntegerField also takes `0.0` and `1e0`, which no integer is."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str) and value and not INTEGER.fullmatch(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(filters.NumberFilter):
    """A whole number within what the column holds (a larger one is a 400, not a crash).

    The schema states the same bounds (schema.py reads `min_value` and `max_value`).
    """

    field_class = StrictIntegerField

    def __init__(self, *args: Any, max_value: int = 32767, **kwargs: Any) -> None:
        super().__init__(*args, min_value=0, max_value=max_value, **kwargs)


class StrictBooleanField(forms.Field):
    """`true` or `false`, as the schema says; not Django's null/unknown/1/0 that filter nothing."""

    def to_python(self, value: Any) -> bool | None:
        if value is None:
            return None
        if value in ("true", "false"):
            return value == "true"
        raise forms.ValidationError(_("Use true or false."), code="invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class BooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


def current_round(rounds: QuerySet[Round], year: int, version: int | None) -> Round | None:
    """The round named: that version, or the year's current published one (else its latest)."""
    rounds = rounds.filter(year=year)
    if version is not None:
        return rounds.filter(version=version).first()
    published_first = Case(When(status=Round.Status.PUBLISHED, then=Value(0)), default=Value(1))
    return rounds.order_by(published_first, "-version").first()


def named_rounds(query: Any) -> dict[str, int] | None:
    """What a list's `round`, `year` and `version` parameters ask of the rounds whose rows
    it shows, as lookups on Round ({}: every round; for `round`, every version of its year,
    of which it picks one); None when one is given twice or is not what its filter takes
    (the list then answers 400)."""
    lookups: dict[str, int] = {}
    for name in ("round", "year", "version"):
        values = query.getlist(name)
        if not values:
            continue
        if len(values) > 1:
            return None
        if name == "round":
            match = ROUND_REF.fullmatch(values[0])
            if match is None:
                return None
            field, value = "year", int(match["year"])
        elif values[0].isascii() and values[0].isdigit() and len(values[0]) < 10:
            field, value = name, int(values[0])
        else:
            return None
        if lookups.setdefault(field, value) != value:
            return None  # `round` and `year` of two years: no rows, nothing worth keeping
    return lookups


class RoundRefField(forms.CharField):
    """A round's name; `?round=` (empty) names none, and is refused rather than ignored."""

    def to_python(self, value: Any) -> str:
        if value == "":
            raise forms.ValidationError(
                _("Name a round as YEAR or YEAR-vVERSION, e.g. 2016-v1."), code="invalid"
            )
        return super().to_python(value)


class RoundRefFilter(filters.CharFilter):
    field_class = RoundRefField


CODE_PATTERN = "^[-a-zA-Z0-9_]+$"  # a slug, as every code is; portable, for the schema


class CodeField(forms.CharField):
    """A code (a slug): `?pair=` (empty) or a character no code has is refused, not
    ignored or sent to the database (PostgreSQL refuses NUL)."""

    default_validators = [validate_slug]

    def to_python(self, value: Any) -> str:
        if value == "":
            raise forms.ValidationError(
                _("A code is letters, digits, hyphens and underscores."), code="invalid"
            )
        return super().to_python(value)


class CodeFilter(filters.CharFilter):
    field_class = CodeField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, strip=False, **kwargs)


class RefusesEmptyForm(forms.Form):
    """A filter form that refuses a parameter present but empty (see the module's doc)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, field in self.fields.items():
            raw = self.data.get(name)
            # A list (`ordering`) with an empty item, `?ordering=year,`, names nothing too.
            items = raw.split(",") if isinstance(field, BaseCSVField) and raw else [raw]
            if "" in items and name not in self.errors:
                self.add_error(name, _("Give a value, or leave the parameter out."))
        return cleaned


class FilterSet(filters.FilterSet):
    """The API's filter sets: an empty parameter is a 400, not an ignored filter."""

    def get_form_class(self) -> type[forms.Form]:
        form = super().get_form_class()
        return type(form.__name__, (RefusesEmptyForm, form), {})


class AssessedFilterSet(FilterSet):
    """Filters for what is assessed in a round; `assessment_path` leads to the assessment."""

    assessment_path = "assessment"

    round = RoundRefFilter(
        method="filter_round",
        validators=[RegexValidator(ROUND_REF)],
        strip=False,  # " 2016" is not a round's name, as the schema's pattern says
        help_text="`2016`: the current version of 2016; `2016-v1`: that version.",
    )
    year = IntegerFilter(method="filter_year", help_text="Every version of this year's round.")
    version = IntegerFilter(method="filter_version")
    pair = CodeFilter(method="filter_pair", help_text="A pair's code.")
    process = CodeFilter(method="filter_process", help_text="A process's code.")
    subject = CodeFilter(
        method="filter_subject", help_text="A subject's code, as the pair's principal or agent."
    )

    def path(self, rest: str) -> str:
        return f"{self.assessment_path}__{rest}" if self.assessment_path else rest

    def filter_round(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        match = ROUND_REF.match(value)
        version = int(match["version"]) if match and match["version"] else None
        user = getattr(self.request, "user", None)
        round_ = current_round(visible_rounds(user), int(match["year"]), version) if match else None
        if round_ is None:
            return queryset.none()
        names.reading(round_)  # the rows print the names it was published with
        return queryset.filter(**{self.path("round"): round_})

    def filter_year(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(**{self.path("round__year"): value})

    def filter_version(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(**{self.path("round__version"): value})

    def filter_pair(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{self.path("process__pair__code"): value})

    def filter_process(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{self.path("process__code"): value})

    def filter_subject(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(**{self.path("process__pair__principal__code"): value})
            | Q(**{self.path("process__pair__agent__code"): value})
        )


def _ordering(assessment_path: str, *extra: tuple[str, str]) -> filters.OrderingFilter:
    def p(rest: str) -> str:
        return f"{assessment_path}__{rest}" if assessment_path else rest

    return filters.OrderingFilter(
        fields=(
            (p("round__year"), "year"),
            (p("round__version"), "version"),
            (p("process__pair__position"), "pair"),
            (p("process__position"), "process"),
            *extra,
        )
    )


class AssessmentFilter(AssessedFilterSet):
    assessment_path = ""
    verdict = filters.ChoiceFilter(choices=models.ProcessAssessment.Verdict.choices)
    ordering = _ordering("")

    class Meta:
        model = models.ProcessAssessment
        fields: list[str] = []


class RatingFilter(AssessedFilterSet):
    carried_over = BooleanFilter(help_text="Carried over unchanged from the previous round.")
    dimension = CodeFilter(field_name="dimension__code", help_text="A dimension's code.")
    ordering = _ordering("assessment", ("dimension__position", "dimension"), ("value", "value"))

    class Meta:
        model = models.Rating
        fields: list[str] = []


class ExpertRatingFilter(AssessedFilterSet):
    dimension = CodeFilter(field_name="dimension__code", help_text="A dimension's code.")
    expert = IntegerFilter(
        field_name="expert_id", max_value=2**63 - 1, help_text="The expert's id (`expert.id`)."
    )
    ordering = _ordering(
        "assessment",
        ("dimension__position", "dimension"),
        ("value", "value"),
        ("updated_at", "updated_at"),
    )

    class Meta:
        model = models.ExpertRating
        fields: list[str] = []


class CitationFilter(AssessedFilterSet):
    needs_reverification = BooleanFilter(help_text="Flagged for checking against the act.")
    dimension = CodeFilter(field_name="dimension__code", help_text="A dimension's code.")
    act = CodeFilter(field_name="act__code", help_text="A legal act's code.")
    ordering = _ordering("assessment", ("position", "position"))

    class Meta:
        model = models.Citation
        fields: list[str] = []


class ThreadFilter(AssessedFilterSet):
    dimension = CodeFilter(field_name="dimension__code", help_text="A dimension's code.")
    ordering = _ordering("assessment", ("created_at", "created_at"))

    class Meta:
        model = models.Thread
        fields = ["status"]


class CommentFilter(AssessedFilterSet):
    assessment_path = "thread__assessment"
    ordering = _ordering("thread__assessment", ("created_at", "created_at"))

    # A plain number, not a choice among threads: that would say which ids exist.
    thread = IntegerFilter(field_name="thread_id", max_value=MAX_ID)

    class Meta:
        model = models.Comment
        fields: list[str] = []


class RoundFilter(FilterSet):
    year = IntegerFilter()
    version = IntegerFilter()
    methodology = CodeFilter(field_name="methodology__code", help_text="A methodology's code.")
    ordering = filters.OrderingFilter(
        fields=(("year", "year"), ("version", "version"), ("published_at", "published_at"))
    )

    class Meta:
        model = models.Round
        fields = ["status"]


class MethodologyFilter(FilterSet):
    code = CodeFilter()

    class Meta:
        model = models.Methodology
        fields: list[str] = []


class SubjectFilter(FilterSet):
    ordering = filters.OrderingFilter(fields=(("position", "position"), ("code", "code")))

    class Meta:
        model = models.Subject
        fields = ["kind", "role"]


class PairFilter(FilterSet):
    subject = CodeFilter(method="filter_subject", help_text="As principal or agent.")
    principal = CodeFilter(field_name="principal__code")
    agent = CodeFilter(field_name="agent__code")
    ordering = filters.OrderingFilter(fields=(("position", "position"), ("code", "code")))

    class Meta:
        model = models.Pair
        fields: list[str] = []

    def filter_subject(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(Q(principal__code=value) | Q(agent__code=value))


class ProcessFilter(FilterSet):
    pair = CodeFilter(field_name="pair__code", help_text="A pair's code.")
    subject = CodeFilter(method="filter_subject", help_text="As principal or agent.")
    ordering = filters.OrderingFilter(
        fields=(("pair__position", "pair"), ("position", "position"), ("code", "code"))
    )

    class Meta:
        model = models.Process
        fields: list[str] = []

    def filter_subject(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(Q(pair__principal__code=value) | Q(pair__agent__code=value))


class LegalActFilter(FilterSet):
    ordering = filters.OrderingFilter(fields=(("code", "code"), ("adopted_on", "adopted_on")))

    class Meta:
        model = models.LegalAct
        fields = ["kind"]
