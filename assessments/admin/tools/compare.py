"""Compare rounds: figures side by side, what changed, the study's diagrams, each pair's series."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ... import comparison, diagrams, scoring, selectors
from ...models import Dimension, Pair, Round
from .rounds import figure_rounds, find_round, round_choices, round_key

# --- comparison -------------------------------------------------------------------------------


class CompareForm(forms.Form):
    before = forms.ChoiceField(label=gettext_lazy("earlier round"), required=False)
    after = forms.ChoiceField(label=gettext_lazy("later round"), required=False)
    year_from = forms.IntegerField(
        label=gettext_lazy("or years from"), required=False, min_value=1900, max_value=2200
    )
    year_to = forms.IntegerField(
        label=gettext_lazy("to"), required=False, min_value=1900, max_value=2200
    )

    def __init__(self, *args, rounds: list[Round], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rounds = rounds
        choices = [("", "—"), *round_choices(rounds)]
        self.fields["before"].choices = choices
        self.fields["after"].choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        before, after = (
            find_round(self.rounds, data.get("before")),
            find_round(self.rounds, data.get("after")),
        )
        if after is not None and before is None and not data.get("before"):
            # "Compare with…" from a round's page names the later round only: take the round
            # it was started from, else the latest earlier one.
            earlier = [r for r in self.rounds if (r.year, r.version) < (after.year, after.version)]
            before = next((r for r in earlier if r.pk == after.previous_id), None) or next(
                iter(earlier), None
            )
            if before is not None:
                data["before"] = round_key(before)
        if before is not None and after is not None:
            if before.pk == after.pk:
                raise forms.ValidationError(_("Choose two different rounds."))
            data["pair"] = (before, after)
            data["series"] = _series_between(self.rounds, before, after)
            return data
        year_from, year_to = data.get("year_from"), data.get("year_to")
        if year_from and year_to:
            low, high = sorted((year_from, year_to))
            in_range = _current_versions(r for r in self.rounds if low <= r.year <= high)
            if len(in_range) < 2:
                raise forms.ValidationError(
                    _("There are fewer than two rounds from %(low)s to %(high)s.")
                    % {"low": low, "high": high}
                )
            data["pair"] = (in_range[0], in_range[-1])
            data["series"] = in_range
            return data
        if any(data.get(k) for k in ("before", "after", "year_from", "year_to")):
            raise forms.ValidationError(_("Choose two rounds, or a first and a last year."))
        data["pair"] = None
        return data


def _current_versions(rounds) -> list[Round]:
    """The latest version of each year (errata replace what they correct), oldest first."""
    latest: dict[int, Round] = {}
    for r in rounds:
        if r.status == Round.Status.SUPERSEDED:
            continue
        if r.year not in latest or r.version > latest[r.year].version:
            latest[r.year] = r
    return [latest[y] for y in sorted(latest)]


def _series_between(rounds: list[Round], before: Round, after: Round) -> list[Round]:
    """Each pair's index across the years: the published rounds between the two, and both."""
    low, high = sorted((before.year, after.year))
    between = [r for r in rounds if r.is_frozen and low < r.year < high]
    series = _current_versions(between)
    return sorted([before, after, *series], key=lambda r: (r.year, r.version))


def _pct(value: Fraction | None) -> Decimal | None:
    return scoring.percent(value)


@dataclass
class DeltaRow:
    key: str
    name: str
    before: Decimal | None
    after: Decimal | None
    delta: Decimal | None

    @property
    def before_text(self) -> str:
        return "–" if self.before is None else f"{self.before}%"

    @property
    def after_text(self) -> str:
        return "–" if self.after is None else f"{self.after}%"

    @property
    def delta_text(self) -> str:
        if self.delta is None:
            return "–"
        sign = "+" if self.delta > 0 else "−" if self.delta < 0 else "±"
        return _("%(sign)s%(points)s pp") % {"sign": sign, "points": abs(self.delta)}

    @property
    def direction(self) -> str:
        if self.delta is None or self.delta == 0:
            return "same"
        return "up" if self.delta > 0 else "down"


def _delta_rows(deltas: list[comparison.Delta], names: dict[str, str]) -> list[DeltaRow]:
    return [
        DeltaRow(d.key, names.get(d.key, d.key), _pct(d.before), _pct(d.after), _pct(d.delta))
        for d in deltas
    ]


def comparison_context(before: Round, after: Round, series_rounds: list[Round]) -> dict[str, Any]:
    """Everything the comparison screen shows; no query depends on the number of processes."""
    result = comparison.compare_rounds(before, after)
    dimension_names: dict[str, str] = {}
    for d in Dimension.objects.filter(
        methodology_id__in={before.methodology_id, after.methodology_id}
    ).order_by("methodology_id", "position"):
        dimension_names.setdefault(d.code, d.name)
    pair_names = dict(Pair.objects.values_list("code", "name"))
    principal_names = comparison.principal_names()
    # compare_rounds gives every process the same dimensions, in the same order.
    codes = [r.dimension for r in result.processes[0].ratings] if result.processes else []
    dimensions = [(code, dimension_names.get(code, code)) for code in codes]

    pairs: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for p in result.processes:
        entry = pairs.setdefault(
            p.pair, {"pair": p.pair, "name": pair_names.get(p.pair, p.pair), "processes": []}
        )
        entry["processes"].append(
            {
                "row": p,
                "score_before": _pct(p.score_before) if p.included_before else None,
                "score_after": _pct(p.score_after) if p.included_after else None,
            }
        )

    round_charts = []
    for r in (before, after):
        rr = selectors.round_report(r)
        drawn = diagrams.round_diagrams(rr.report.scores, rr.names)
        round_charts.append(
            {
                "round": r,
                "key": round_key(r),
                "charts": [drawn[name] for name in ROUND_CHARTS],
            }
        )

    return {
        "before": before,
        "after": after,
        "before_key": round_key(before),
        "after_key": round_key(after),
        "comparison": result,
        "methodology_warning": _methodology_warning(result),
        "dimensions": dimensions,
        "pairs": list(pairs.values()),
        "added": [p for p in result.processes if p.status == comparison.ADDED],
        "dropped": [p for p in result.processes if p.status == comparison.DROPPED],
        "renamed": [p for p in result.processes if p.renamed],
        "changed_ratings": sum(
            1
            for p in result.processes
            for r in p.ratings
            if r.changed and p.title_before and p.title_after
        ),
        "pair_deltas": _delta_rows(result.pairs, pair_names),
        "dimension_deltas": _delta_rows(result.dimensions, dimension_names),
        "principal_deltas": _delta_rows(result.principals, principal_names),
        "overall": _delta_rows([result.overall], {"overall": _("overall index")})[0],
        "round_charts": round_charts,
        "series": series_chart(series_rounds),
        "series_keys": ",".join(round_key(r) for r in series_rounds),
    }


ROUND_CHARTS = ("dimensions", "principals", "pairs")


def _methodology_warning(result: comparison.RoundComparison) -> str | None:
    # comparison.methodology_warning says the same in English only; this one is translated.
    if result.same_methodology:
        return None
    return _(
        "The rounds use different methodologies (%(before)s and %(after)s): like is not "
        "compared with like. Ratings are normalised to 0–100%%, but dimensions and scales differ."
    ) % {"before": result.before.methodology, "after": result.after.methodology}


def series_chart(rounds: list[Round]) -> dict[str, Any]:
    """Each pair's index across the rounds given, as one line chart (SVG) and a table."""
    series = comparison.pair_index_series(rounds)
    columns = [(r.year, r.version) for r in rounds]
    labels = [str(y) if v == 1 else f"{y} v{v}" for y, v in columns]
    rows = []
    for s in series:
        by_round = {(p.year, p.version): p for p in s.points}
        values = [
            _pct(by_round[c].index) if c in by_round and by_round[c].index is not None else None
            for c in columns
        ]
        rows.append({"pair": s.pair, "name": s.name, "values": values})
    # By name: a reader does not know the methodologies' codes.
    methodologies = []
    for r in rounds:
        if r.methodology.title not in methodologies:
            methodologies.append(r.methodology.title)
    title = _("Each pair's accountability index by year")
    diagram = diagrams.series_diagram(title, labels, [(row["name"], row["values"]) for row in rows])
    warning = None
    if len(methodologies) > 1:
        warning = _("The series changes methodology (%(labels)s): read it with care.") % {
            "labels": ", ".join(methodologies)
        }
    return {
        "title": title,
        "labels": labels,
        "rows": rows,
        "diagram": diagram,
        "rounds": rounds,
        "warning": warning,
    }


def compare(request: HttpRequest) -> TemplateResponse:
    rounds = figure_rounds(request.user)
    form = CompareForm(request.GET or None, rounds=rounds)
    if not request.GET:
        current = _current_versions(r for r in rounds if r.is_frozen) or _current_versions(rounds)
        if len(current) >= 2:
            form.initial = {"before": round_key(current[-2]), "after": round_key(current[-1])}
    context = {
        **admin.site.each_context(request),
        "title": _("Compare rounds"),
        "form": form,
    }
    if form.is_bound and form.is_valid() and form.cleaned_data["pair"]:
        before, after = form.cleaned_data["pair"]
        context.update(comparison_context(before, after, form.cleaned_data["series"]))
    return TemplateResponse(request, "admin/assessments/tools/compare.html", context)
