"""A round as a data package: everything needed, outside this service, to recompute its figures.

`build_round_package(round_)` returns the bytes of a zip: CSV files of the
round's rows (subjects, pairs, dimensions, processes, ratings, citations, legal
acts and editions, recommendations, initiatives, published figures, computed
scores), `round.json` with the round report, and a README stating the method.
`scores_csv(round_)` is the scores file alone, for the site's download link.

Plain functions with no request: the public site, the admin and the export
command call the same ones. Which rounds may be exported is the caller's
decision (the public site only ever passes published rounds); the package
states the round's status so that a draft export cannot pass for a publication.

The output is deterministic: fixed ordering of every row, fixed zip
timestamps and attributes, so the same round always gives the same bytes (on
the same zlib), and a changed package means changed data.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import scoring
from ..models import (
    Citation,
    DevelopmentInitiative,
    Dimension,
    LegalAct,
    LegalActEdition,
    Pair,
    ProcessAssessment,
    PublishedFigure,
    Rating,
    Recommendation,
    Round,
    ScaleLevel,
    Subject,
)
from ..names import as_published
from ..selectors import RoundReport, round_report
from ..selectors.scrutiny import replies_as_dict

FORMAT = "accountability-round-package"
FORMAT_VERSION = 1
# Language of the names inside round.json's report, and of README.md unless the caller
# names another (the site: the page's); every translatable text is also in the CSV files
# in all languages, and the README in each language beside it.
PACKAGE_LANGUAGE = "en"
# Zip entries carry this time unless the round has a publication time: never "now".
EPOCH = (1980, 1, 1, 0, 0, 0)
# A spreadsheet runs a cell that starts with one of these as a formula (see
# IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT): free text is defused with a leading '.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def package_name(round_: Round) -> str:
    """The folder inside the zip and the base of the download's file name."""
    return f"accountability-{round_.year}-v{round_.version}"


def build_round_package(round_: Round, *, language: str = PACKAGE_LANGUAGE) -> bytes:
    """The round as a zip of CSV files, round.json and READMEs: `README.md` in `language`
    (the page's it is downloaded from) and one per language. The same round version and
    language, the same bytes: a published round's names are those it was published with."""
    with as_published(round_):
        return _build_round_package(round_, language)


def _build_round_package(round_: Round, language: str) -> bytes:
    with translation.override(PACKAGE_LANGUAGE):
        rr = round_report(round_)
        report = rr.as_dict(with_uncertainty=True)
    # The rated bodies' replies (published rounds): in replies.csv and in round.json.
    replies = replies_as_dict(round_)
    report["replies"] = replies
    names = _names_all_languages(round_)
    files: dict[str, bytes] = {
        "subjects.csv": _subjects_csv(),
        "pairs.csv": _pairs_csv(round_),
        "dimensions.csv": _dimensions_csv(round_),
        "processes.csv": _processes_csv(round_, rr),
        "ratings.csv": _ratings_csv(round_),
        "citations.csv": _citations_csv(round_),
        "legal_acts.csv": _legal_acts_csv(round_),
        "legal_act_editions.csv": _editions_csv(round_),
        "recommendations.csv": _recommendations_csv(round_),
        "initiatives.csv": _initiatives_csv(round_),
        "published_figures.csv": _published_figures_csv(round_, rr),
        "scores.csv": _scores_csv(rr, names),
        "replies.csv": _replies_csv(replies),
    }
    readmes = {f"README.{lang}.md": lang for lang in languages()}
    listing = sorted([*files, "round.json", "README.md", *readmes])
    files["round.json"] = _round_json(round_, rr, report, names, listing)
    dimensions = list(
        Dimension.objects.filter(methodology=round_.methodology).order_by("position", "code")
    )
    for name, lang in readmes.items():
        files[name] = _readme(round_, report, listing, dimensions, lang).encode()
    files["README.md"] = files[f"README.{language}.md"]
    return _zip(package_name(round_), files, _zip_time(round_))


def scores_csv(round_: Round) -> bytes:
    """The round's computed figures, one row per process, pair, dimension, principal and overall."""
    with as_published(round_):
        return _scores_csv(round_report(round_), _names_all_languages(round_))


# --- the zip -------------------------------------------------------------------


def _zip_time(round_: Round) -> tuple[int, int, int, int, int, int]:
    if round_.published_at is None:
        return EPOCH
    at = round_.published_at.astimezone(datetime.UTC)
    return max(EPOCH, (at.year, at.month, at.day, at.hour, at.minute, at.second))


def _zip(folder: str, files: dict[str, bytes], when: tuple[int, ...]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the machine that builds it
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


# --- CSV ----------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def _i18n(field: str) -> list[str]:
    """The language columns of a translated field: name_ky, name_ru, name_en."""
    return [f"{field}_{lang}" for lang in languages()]


def _subjects_csv() -> bytes:
    header = ["subject", "kind", "role", "position", *_i18n("name")]
    rows = [
        (s.code, s.kind, s.role, s.position, *_texts_of(s, "name"))
        for s in Subject.objects.order_by("position", "code")
    ]
    return _csv(header, rows)


def _texts_of(row, field: str) -> list[str]:
    # From the row, not values_list(): as published, inside names.as_published().
    return [getattr(row, column) for column in _i18n(field)]


def _round_pairs(round_: Round):
    return Pair.objects.filter(processes__assessments__round=round_).distinct()


def _pairs_csv(round_: Round) -> bytes:
    header = ["pair", "position", "principal", "agent", *_i18n("name")]
    rows = [
        (p.code, p.position, p.principal.code, p.agent.code, *_texts_of(p, "name"))
        for p in _round_pairs(round_)
        .select_related("principal", "agent")
        .order_by("position", "code")
    ]
    return _csv(header, rows)


def _dimensions_csv(round_: Round) -> bytes:
    header = ["dimension", "position", "scored", "gating", *_i18n("name")]
    rows = (
        Dimension.objects.filter(methodology=round_.methodology)
        .order_by("position", "code")
        .values_list("code", "position", "is_scored", "is_gating", *_i18n("name"))
    )
    return _csv(header, rows)


def _processes_csv(round_: Round, rr: RoundReport) -> bytes:
    by_process = {p.process: p for p in rr.report.scores.processes}
    header = [
        "process",
        "pair",
        "principal",
        "position",
        "included",
        "excluded_because",
        "score_exact",
        "verdict",
        *_i18n("title"),
        *_i18n("verdict_text"),
        *_i18n("justification"),
    ]
    rows = []
    assessments = (
        ProcessAssessment.objects.for_round(round_)
        .order_by("process__pair__position", "position", "process__code")
        .values_list(
            "process__code",
            "process__pair__code",
            "process__pair__principal__code",
            "position",
            "verdict",
            *_i18n("title"),
            *_i18n("verdict_text"),
            *_i18n("justification"),
        )
    )
    for code, pair, principal, position, verdict, *texts in assessments:
        score = by_process.get(code)
        rows.append(
            [
                code,
                pair,
                principal,
                position,
                bool(score and score.included),
                score.excluded_because if score else "",
                _exact(score.score if score else None),
                verdict,
                *texts,
            ]
        )
    return _csv(header, rows)


def _ratings_csv(round_: Round) -> bytes:
    header = ["process", "dimension", "value", *_i18n("justification")]
    rows = (
        Rating.objects.for_round(round_)
        .order_by(
            "assessment__process__pair__position",
            "assessment__position",
            "assessment__process__code",
            "dimension__position",
        )
        .values_list(
            "assessment__process__code", "dimension__code", "value", *_i18n("justification")
        )
    )
    return _csv(header, rows)


def _citations_csv(round_: Round) -> bytes:
    header = [
        "process",
        "position",
        "act",
        "edition",
        "article",
        "part",
        "dimension",
        "needs_reverification",
        *_i18n("note"),
    ]
    rows = (
        Citation.objects.filter(assessment__round=round_)
        .order_by(
            "assessment__process__pair__position",
            "assessment__position",
            "assessment__process__code",
            "position",
            "pk",
        )
        .values_list(
            "assessment__process__code",
            "position",
            "act__code",
            "edition__code",
            "article",
            "part",
            "dimension__code",
            "needs_reverification",
            *_i18n("note"),
        )
    )
    return _csv(header, rows)


def _legal_acts_csv(round_: Round) -> bytes:
    header = ["act", "kind", "number", "adopted_on", "url", *_i18n("title")]
    rows = [
        (a.code, a.kind, a.number, a.adopted_on, a.url, *_texts_of(a, "title"))
        for a in LegalAct.objects.filter(citations__assessment__round=round_)
        .distinct()
        .order_by("kind", "code")
    ]
    return _csv(header, rows)


def _editions_csv(round_: Round) -> bytes:
    header = ["act", "edition", "valid_from", "valid_until", "url", *_i18n("title"), *_i18n("note")]
    rows = [
        (
            e.act.code,
            e.code,
            e.valid_from,
            e.valid_until,
            e.url,
            *_texts_of(e, "title"),
            *_texts_of(e, "note"),
        )
        for e in LegalActEdition.objects.filter(act__citations__assessment__round=round_)
        .select_related("act")
        .distinct()
        .order_by("act__kind", "act__code", "valid_from", "code")
    ]
    return _csv(header, rows)


def _recommendations_csv(round_: Round) -> bytes:
    header = ["pair", "process", "kind", "position", *_i18n("text")]
    rows = (
        Recommendation.objects.filter(round=round_)
        .order_by("pair__position", "kind", "position", "pk")
        .values_list("pair__code", "process__code", "kind", "position", *_i18n("text"))
    )
    return _csv(header, rows)


def _initiatives_csv(round_: Round) -> bytes:
    header = [
        "process",
        "position",
        "status",
        *_i18n("title"),
        *_i18n("initiatives"),
        *_i18n("support"),
    ]
    rows = (
        DevelopmentInitiative.objects.filter(round=round_)
        .order_by("position", "process__code")
        .values_list(
            "process__code",
            "position",
            "status",
            *_i18n("title"),
            *_i18n("initiatives"),
            *_i18n("support"),
        )
    )
    return _csv(header, rows)


def _published_figures_csv(round_: Round, rr: RoundReport) -> bytes:
    mismatches = {(m.kind, m.key): m for m in rr.report.mismatches}
    unmatched = {(u.kind, u.key) for u in rr.report.unmatched}
    header = [
        "kind",
        "pair",
        "process",
        "dimension",
        "principal",
        "printed",
        "computed",
        "agrees",
        "source",
        *_i18n("note"),
    ]
    rows = []
    figures = (
        PublishedFigure.objects.filter(round=round_)
        .order_by("kind", "pk")
        .values_list(
            "kind",
            "pair__code",
            "process__code",
            "dimension__code",
            "principal__code",
            "value",
            "source",
            *_i18n("note"),
        )
    )
    for kind, pair, process, dimension, principal, value, source, *notes in figures:
        key = _figure_key(kind, pair, process, dimension, principal)
        if (kind, key) in unmatched:
            computed, agrees = "", ""
        elif (kind, key) in mismatches:
            computed, agrees = _plain(mismatches[kind, key].computed), False
        else:
            computed, agrees = _plain(value), True
        rows.append(
            [
                kind,
                pair,
                process,
                dimension,
                principal,
                _plain(value),
                computed,
                agrees,
                source,
                *notes,
            ]
        )
    return _csv(header, rows)


def _figure_key(kind: str, pair, process, dimension, principal) -> tuple[str, ...]:
    # The same keys as selectors.printed_figures() gives scoring.compare().
    return {
        PublishedFigure.Kind.PAIR_INDEX: (pair,),
        PublishedFigure.Kind.PAIR_REAL: (pair,),
        PublishedFigure.Kind.DIMENSION_TOTAL: (dimension,),
        PublishedFigure.Kind.DIMENSION_ABSENT: (dimension,),
        PublishedFigure.Kind.PRINCIPAL_SHARE: (principal,),
        PublishedFigure.Kind.OVERALL_INDEX: (),
        PublishedFigure.Kind.PRINTED_RATING: (process, dimension),
    }.get(kind, ())


SCORES_HEADER = [
    "figure",
    "code",
    "pair",
    "principal",
    "processes",
    "included",
    "working",
    "excluded_because",
    "exact",
    "percent",
    "percent_rounded",
    # From the experts' own ratings (docs/method.md): "computed", "too_few" or
    # "no_expert_ratings" (a round rated by a consensus alone: no interval, never 0–0).
    "interval_status",
    "interval_low",
    "interval_high",
]


def _scores_csv(rr: RoundReport, names: dict[str, dict[str, dict[str, str]]]) -> bytes:
    """Every computed figure: exact fraction, percent to 2 places, rounded as the study prints."""
    s = rr.report.scores
    _agreement, intervals = rr.uncertainty
    rows: list[dict[str, Any]] = []
    for p in s.processes:
        rows.append(
            {
                "figure": "process_score",
                "code": p.process,
                "value": p.score,
                "names": "process",
                "pair": p.pair,
                "principal": p.principal,
                "processes": 1,
                "included": int(p.included),
                "working": int(p.works),
                "excluded_because": p.excluded_because,
            }
        )
    for p in s.pairs:
        rows.append(
            {
                "figure": "pair_index",
                "code": p.pair,
                "value": p.index,
                "interval": intervals.pairs.get(p.pair),
                "names": "pair",
                "pair": p.pair,
                "principal": p.principal,
                "processes": p.processes,
                "included": p.included,
            }
        )
    for d in s.dimensions:
        rows.append(
            {
                "figure": "dimension_total",
                "code": d.dimension,
                "value": d.total,
                "interval": intervals.dimensions.get(d.dimension),
                "names": "dimension",
                "included": d.assessed,
            }
        )
    for p in s.principals:
        rows.append(
            {
                "figure": "principal_share",
                "code": p.principal,
                "value": p.share,
                "interval": intervals.principals.get(p.principal),
                "names": "principal",
                "principal": p.principal,
                "processes": p.processes,
                "working": p.working,
            }
        )
    rows.append(
        {
            "figure": "overall_index",
            "code": "overall",
            "value": s.overall,
            "interval": intervals.overall,
            "names": "overall",
            "processes": len(s.processes),
            "included": sum(p.included for p in s.processes),
        }
    )
    return _csv(
        [*SCORES_HEADER, *_i18n("name")],
        (
            [
                *(row.get(column) for column in SCORES_HEADER[:8]),
                _exact(row["value"]),
                _plain(scoring.percent(row["value"], 2)),
                _plain(scoring.percent(row["value"])),
                *_interval_cells(row.get("interval")),
                *(names[row["names"]].get(row["code"], {}).get(lang, "") for lang in languages()),
            ]
            for row in rows
        ),
    )


def _replies_csv(replies: list[dict[str, Any]]) -> bytes:
    """The rated bodies' replies in their own words; a window without one, as missed."""
    rows = []
    for entry in replies:
        base = [entry["pair"], entry["body"], entry["deadline"], entry["status"]]
        if not entry["replies"]:
            rows.append([*base, "", "", "", ""])
        for r in entry["replies"]:
            rows.append([*base, r["process"] or "", r["language"], r["submitted_at"], r["text"]])
    return _csv(
        ["pair", "body", "deadline", "status", "process", "language", "submitted_at", "text"],
        rows,
    )


def _interval_cells(interval: scoring.Interval | None) -> list[str]:
    if interval is None:
        return ["", "", ""]
    return [
        interval.status,
        _plain(scoring.percent(interval.low, 2)),
        _plain(scoring.percent(interval.high, 2)),
    ]


def _exact(value: Fraction | None) -> str:
    return "" if value is None else str(value)


def _plain(value) -> str:
    """A Decimal without trailing zeros or exponent: 33, 33.33, 11."""
    if value is None:
        return ""
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return text


def _names_all_languages(round_: Round) -> dict[str, dict[str, dict[str, str]]]:
    """code → language → name of what the scores name (a process as this round worded it)."""
    langs = languages()

    def table(rows) -> dict[str, dict[str, str]]:
        return {code: dict(zip(langs, texts, strict=True)) for code, *texts in rows}

    return {
        "pair": table((p.code, *_texts_of(p, "name")) for p in _round_pairs(round_)),
        "process": table(
            ProcessAssessment.objects.for_round(round_).values_list(
                "process__code", *_i18n("title")
            )
        ),
        "dimension": table(
            Dimension.objects.filter(methodology=round_.methodology).values_list(
                "code", *_i18n("name")
            )
        ),
        "principal": table((s.code, *_texts_of(s, "name")) for s in Subject.objects.all()),
        "overall": {},
    }


# --- round.json and the README ------------------------------------------------------


def _texts(obj, field: str) -> dict[str, str]:
    return {lang: getattr(obj, f"{field}_{lang}") or "" for lang in languages()}


def _round_json(
    round_: Round,
    rr: RoundReport,
    report: dict[str, Any],
    names: dict[str, dict[str, dict[str, str]]],
    files: list[str],
) -> bytes:
    methodology = round_.methodology
    dimensions = Dimension.objects.filter(methodology=methodology).order_by("position", "code")
    levels = ScaleLevel.objects.filter(methodology=methodology).order_by("value")
    previous = (
        Round.objects.filter(pk=round_.previous_id).values("year", "version").first()
        if round_.previous_id
        else None
    )
    s = rr.report.scores
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "files": files,
        "round": {
            "year": round_.year,
            "version": round_.version,
            "status": round_.status,
            "published_at": round_.published_at.isoformat() if round_.published_at else None,
            "previous": previous,
            "title": _texts(round_, "title"),
            "summary": _texts(round_, "summary"),
            "source": round_.source,
        },
        "methodology": {
            "code": methodology.code,
            "version": methodology.version,
            "label": methodology.label,
            "title": _texts(methodology, "title"),
            "scale_min": methodology.scale_min,
            "scale_max": methodology.scale_max,
            "scale": [{"value": lv.value, "label": _texts(lv, "label")} for lv in levels],
            "dimensions": [
                {
                    "code": d.code,
                    "position": d.position,
                    "scored": d.is_scored,
                    "gating": d.is_gating,
                    "name": _texts(d, "name"),
                }
                for d in dimensions
            ],
        },
        "names": {kind: table for kind, table in names.items() if kind != "overall"},
        # selectors.report_as_dict(), names in English: percentages to two places.
        "report": report,
        # The same figures as exact fractions, from which the percentages are rounded.
        "exact": {
            "processes": {p.process: _exact(p.score) for p in s.processes},
            "pairs": {p.pair: _exact(p.index) for p in s.pairs},
            "dimensions": {d.dimension: _exact(d.total) for d in s.dimensions},
            "principals": {p.principal: _exact(p.share) for p in s.principals},
            "overall_index": _exact(s.overall),
        },
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


# The recipe in every README: code, the same in each language (a test runs it).
RECIPE = """\
import csv
from collections import defaultdict
from fractions import Fraction

dims = list(csv.DictReader(open("dimensions.csv", encoding="utf-8")))
scored = [d["dimension"] for d in dims if d["scored"] == "true"]
gating = [d["dimension"] for d in dims if d["gating"] == "true"]
low, high = {scale_min}, {scale_max}
ratings = defaultdict(dict)
for r in csv.DictReader(open("ratings.csv", encoding="utf-8")):
    ratings[r["process"]][r["dimension"]] = Fraction(int(r["value"]) - low, high - low)
scores = defaultdict(list)
for p in csv.DictReader(open("processes.csv", encoding="utf-8")):
    got = ratings[p["process"]]
    if any(d not in got for d in scored + gating) or any(got[g] == 0 for g in gating):
        continue  # excluded from the assessment
    scores[p["pair"]].append(sum(got[d] for d in scored) / len(scored))
for pair, values in scores.items():
    print(pair, float(sum(values) / len(values) * 100))
"""

FILE_NOTES = {
    "README.md": gettext_lazy("this description, in the language of the page it came from"),
    "README.ky.md": gettext_lazy("this description in Kyrgyz"),
    "README.ru.md": gettext_lazy("this description in Russian"),
    "README.en.md": gettext_lazy("this description in English"),
    "round.json": gettext_lazy(
        "the round, its methodology, and the computed report (names in English)"
    ),
    "subjects.csv": gettext_lazy("subject of the accountability system"),
    "pairs.csv": gettext_lazy("principal → agent pair assessed in the round"),
    "dimensions.csv": gettext_lazy("dimension of the methodology (scored, gating)"),
    "processes.csv": gettext_lazy("process as the round worded and assessed it, with its verdict"),
    "ratings.csv": gettext_lazy("rating of a process on a dimension"),
    "citations.csv": gettext_lazy("act, edition and article cited as evidence for a process"),
    "legal_acts.csv": gettext_lazy("legal act cited in the round"),
    "legal_act_editions.csv": gettext_lazy("edition of a cited act (which text was in force)"),
    "recommendations.csv": gettext_lazy("recommendation or international experience, per pair"),
    "initiatives.csv": gettext_lazy("development initiatives and support needed, per process"),
    "published_figures.csv": gettext_lazy(
        "figure as printed, with the computed one and whether they agree"
    ),
    "scores.csv": gettext_lazy(
        "computed figure: process score, pair index, dimension total, share, overall"
    ),
    "replies.csv": gettext_lazy(
        "the rated body's reply to a pair's findings, in its own words, or its missed deadline"
    ),
}


def _readme(
    round_: Round,
    report: dict[str, Any],
    files: list[str],
    dimensions: list[Dimension],
    language: str,
) -> str:
    """The README in `language` (templates/exchange/package_readme.txt)."""
    methodology = round_.methodology
    with translation.override(language):
        mismatches = [
            _("`%(kind)s` %(key)s: printed %(printed)s, computed %(computed)s (%(source)s)")
            % {
                "kind": m["kind"],
                "key": " / ".join(m["key"]) or "overall",
                "printed": m["printed"],
                "computed": m["computed"],
                "source": m["source"],
            }
            for m in report["mismatches"]
        ]
        return render_to_string(
            "exchange/package_readme.txt",
            {
                "title": getattr(round_, f"title_{language}", "") or round_.title,
                "year": round_.year,
                "version": round_.version,
                "status": round_.get_status_display(),
                "published": (
                    f"{round_.published_at.astimezone(datetime.UTC):%Y-%m-%d}"
                    if round_.published_at
                    else ""
                ),
                "methodology": getattr(methodology, f"title_{language}", "") or methodology.title,
                "label": methodology.label,
                "licence": settings.DATA_LICENCE,
                "files": [(name, FILE_NOTES.get(name, "")) for name in files],
                "scale_min": methodology.scale_min,
                "scale_max": methodology.scale_max,
                "scored": ", ".join(f"`{d.code}`" for d in dimensions if d.is_scored) or "–",
                "gating": ", ".join(f"`{d.code}`" for d in dimensions if d.is_gating) or "–",
                "recipe": RECIPE.format(
                    scale_min=methodology.scale_min, scale_max=methodology.scale_max
                ),
                "mismatches": mismatches,
            },
        )
