"""Load a round from a folder of YAML files (the format in data/study_2016/SCHEMA.md).

All or nothing: every problem found is reported with its file and place, and
nothing is written unless the whole folder is sound.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import names, review
from .models import (
    Citation,
    DevelopmentInitiative,
    Dimension,
    JustificationFlag,
    LegalAct,
    LegalActEdition,
    Methodology,
    Pair,
    Passage,
    PrintedName,
    Process,
    ProcessAssessment,
    ProcessLink,
    PublishedFigure,
    Rating,
    Recommendation,
    Round,
    ScaleLevel,
    Subject,
)

STUDY_2016 = Path(__file__).resolve().parent / "data" / "study_2016"
# Top-level lists any file may add to (besides one `pair:` per file).
LISTS = (
    "acts",
    "initiatives",
    "figures",
    "passages",
    "recommendations",
    "printed_names",
    "links",
)
LANGS = [code for code, _name in settings.LANGUAGES]
# libyaml's safe loader where PyYAML was built with it (its wheels are): the same documents,
# read twenty times faster than the pure-Python one (0.5 s for the study's files).
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LoadError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class LoadResult:
    round: Round
    counts: dict[str, int] = field(default_factory=dict)


def _read(folder: Path) -> dict[str, Any]:
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise LoadError([_("%(folder)s: no *.yaml files") % {"folder": folder}])
    merged: dict[str, Any] = {"pairs": [], **{key: [] for key in LISTS}}
    problems = []
    for path in files:
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader) or {}
        except yaml.YAMLError as exc:
            problems.append(
                _("%(file)s: not valid YAML: %(error)s") % {"file": path.name, "error": exc}
            )
            continue
        if not isinstance(doc, dict):
            problems.append(_("%(file)s: expected a mapping at the top") % {"file": path.name})
            continue
        for key in ("round", "methodology", "subjects"):
            if key in doc:
                if key in merged:
                    problems.append(
                        _("%(file)s: `%(key)s` is defined in more than one file")
                        % {"file": path.name, "key": key}
                    )
                merged[key] = doc[key]
                merged[f"{key}__file"] = path.name
        if "pair" in doc:
            merged["pairs"].append((path.name, doc["pair"]))
        for key in LISTS:
            merged[key] += [(path.name, i, item) for i, item in enumerate(doc.get(key) or [])]
    if problems:
        raise LoadError(problems)
    for key in ("round", "methodology", "subjects"):
        if key not in merged:
            problems.append(
                _("%(folder)s: no file defines `%(key)s`") % {"folder": folder, "key": key}
            )
    if problems:
        raise LoadError(problems)
    return merged


def read_round_meta(folder: Path) -> dict[str, Any]:
    """The `round:` mapping of a folder (year, version…), read without loading anything."""
    return _read(folder)["round"]


class _Loader:
    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.problems: list[str] = []
        self.counts: dict[str, int] = {}
        # Passages keep the order they are read in: pairs by section, then other files.
        self.positions = itertools.count(1)

    # -- helpers -------------------------------------------------------------
    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def texts(self, where: str, field_name: str, value: Any, required: bool = False) -> dict:
        """{ky, ru, en} → {field_ky: …, field_ru: …, field_en: …}."""
        if value is None:
            if required:
                self.problem(where, _("`%(field)s` is required") % {"field": field_name})
            return {}
        if isinstance(value, str):
            value = {LANGS[0]: value}
        if not isinstance(value, Mapping):
            self.problem(
                where, _("`%(field)s` must be a mapping of languages") % {"field": field_name}
            )
            return {}
        unknown = set(value) - set(LANGS)
        if unknown:
            self.problem(
                where,
                _("`%(field)s` has unknown languages %(languages)s")
                % {"field": field_name, "languages": sorted(unknown)},
            )
        if required and not (value.get(LANGS[0]) or "").strip():
            self.problem(
                where,
                _("`%(field)s` needs its Kyrgyz text (%(language)s)")
                % {"field": field_name, "language": LANGS[0]},
            )
        return {f"{field_name}_{lang}": (value.get(lang) or "").strip() for lang in LANGS}

    def date(self, where: str, value: Any) -> datetime.date | None:
        if value in (None, ""):
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.problem(where, _("`%(value)s` is not a date (YYYY-MM-DD)") % {"value": value})
            return None

    def save(self, obj, where: str):
        try:
            obj.full_clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.problem(where, f"{name}: {' '.join(messages)}")
            return None
        obj.save()
        label = obj._meta.verbose_name_plural
        self.counts[str(label)] = self.counts.get(str(label), 0) + 1
        return obj

    # -- parts -----------------------------------------------------------------
    def methodology(self) -> Methodology | None:
        m = self.data["methodology"]
        where = self.data["methodology__file"] + ": methodology"
        scale = m.get("scale") or []
        values = [level.get("value") for level in scale]
        if len(values) < 2 or not all(isinstance(v, int) for v in values):
            self.problem(where, _("`scale` needs at least two levels with integer values"))
            return None
        existing = Methodology.objects.filter(code=m.get("code"), version=str(m.get("version")))
        if existing.exists():
            return existing.get()
        methodology = self.save(
            Methodology(
                code=m.get("code"),
                version=str(m.get("version")),
                scale_min=min(values),
                scale_max=max(values),
                **self.texts(where, "title", m.get("title"), required=True),
                **self.texts(where, "description", m.get("description")),
            ),
            where,
        )
        if methodology is None:
            return None
        for i, d in enumerate(m.get("dimensions") or []):
            self.save(
                Dimension(
                    methodology=methodology,
                    code=d.get("code"),
                    position=i + 1,
                    is_scored=bool(d.get("scored", True)),
                    is_gating=bool(d.get("gating", False)),
                    **self.texts(f"{where}.dimensions[{i}]", "name", d.get("name"), required=True),
                    **self.texts(f"{where}.dimensions[{i}]", "description", d.get("description")),
                ),
                f"{where}.dimensions[{i}]",
            )
        for i, level in enumerate(scale):
            self.save(
                ScaleLevel(
                    methodology=methodology,
                    value=level["value"],
                    **self.texts(f"{where}.scale[{i}]", "label", level.get("label"), required=True),
                ),
                f"{where}.scale[{i}]",
            )
        return methodology

    def subjects(self) -> dict[str, Subject]:
        subjects = {}
        file = self.data["subjects__file"]
        for i, s in enumerate(self.data["subjects"] or []):
            where = f"{file}: subjects[{i}]"
            subject = Subject.objects.filter(code=s.get("code")).first()
            if subject is None:
                subject = self.save(
                    Subject(
                        code=s.get("code"),
                        kind=s.get("kind"),
                        role=s.get("role"),
                        position=i + 1,
                        **self.texts(where, "name", s.get("name"), required=True),
                        **self.texts(where, "description", s.get("description")),
                    ),
                    where,
                )
            if subject is not None:
                subjects[subject.code] = subject
        return subjects

    def acts(self) -> dict[str, tuple[LegalAct, dict[str, LegalActEdition]]]:
        acts: dict[str, tuple[LegalAct, dict[str, LegalActEdition]]] = {}
        for file, i, a in self.data["acts"]:
            where = f"{file}: acts[{i}]"
            code = a.get("code")
            if code in acts:
                self.problem(where, _("act `%(code)s` is defined twice") % {"code": code})
                continue
            act = LegalAct.objects.filter(code=code).first() or self.save(
                LegalAct(
                    code=code,
                    kind=a.get("kind"),
                    number=str(a.get("number") or ""),
                    adopted_on=self.date(where, a.get("date")),
                    url=a.get("url") or "",
                    recurring=bool(a.get("recurring", False)),
                    **self.texts(where, "title", a.get("title"), required=True),
                ),
                where,
            )
            if act is None:
                continue
            editions = {e.code: e for e in act.editions.all()}
            for j, e in enumerate(a.get("editions") or []):
                ecode = str(e.get("code"))
                if ecode in editions:
                    continue
                ewhere = f"{where}.editions[{j}]"
                articles = str(e.get("articles") or "")
                if articles and review.article_numbers(articles) is None:
                    self.problem(
                        ewhere,
                        _("`articles` must be numbers and ranges (1-114, 120), not %(value)s")
                        % {"value": articles},
                    )
                edition = self.save(
                    LegalActEdition(
                        act=act,
                        code=ecode,
                        valid_from=self.date(ewhere, e.get("date")),
                        valid_until=self.date(ewhere, e.get("valid_until")),
                        url=e.get("url") or "",
                        inferred=bool(e.get("inferred", False)),
                        articles=articles,
                        **self.texts(ewhere, "title", e.get("title")),
                        **self.texts(ewhere, "note", e.get("note")),
                    ),
                    ewhere,
                )
                if edition is not None:
                    editions[ecode] = edition
            acts[code] = (act, editions)
        return acts

    def round(self, methodology: Methodology) -> Round | None:
        r = self.data["round"]
        where = self.data["round__file"] + ": round"
        year = r.get("year")
        if Round.objects.filter(year=year, version=r.get("version", 1)).exists():
            self.problem(
                where, _("a round for %(year)s exists already; nothing was loaded") % {"year": year}
            )
            return None
        return self.save(
            Round(
                year=year,
                version=r.get("version", 1),
                methodology=methodology,
                status=Round.Status.DRAFT,
                **self.texts(where, "source", r.get("source")),
                **self.texts(where, "title", r.get("title"), required=True),
                **self.texts(where, "summary", r.get("summary")),
            ),
            where,
        )

    def pairs(self, round_, methodology, subjects, acts) -> dict[str, Process]:
        dimensions = {d.code: d for d in methodology.dimensions.all()}
        processes: dict[str, Process] = {}
        for file, p in sorted(self.data["pairs"], key=lambda fp: str(fp[1].get("section"))):
            where = f"{file}: pair"
            principal = subjects.get(p.get("principal"))
            agent = subjects.get(p.get("agent"))
            for role, code, subject in (
                ("principal", p.get("principal"), principal),
                ("agent", p.get("agent"), agent),
            ):
                if subject is None:
                    self.problem(
                        where,
                        _("%(role)s `%(code)s` is not a known subject")
                        % {"role": role, "code": code},
                    )
            if principal is None or agent is None:
                continue
            pair = Pair.objects.filter(code=p.get("code")).first() or self.save(
                Pair(
                    code=p.get("code"),
                    principal=principal,
                    agent=agent,
                    position=len({pr.pair_id for pr in processes.values()}) + 1,
                    **self.texts(where, "name", p.get("name"), required=True),
                ),
                where,
            )
            if pair is None:
                continue
            for i, pr in enumerate(p.get("processes") or []):
                process = self.process(
                    round_, pair, pr, f"{where}.processes[{i}]", i, dimensions, acts
                )
                if process is not None:
                    processes[process.code] = process
            for i, rec in enumerate(p.get("recommendations") or []):
                rwhere = f"{where}.recommendations[{i}]"
                self.save(
                    Recommendation(
                        round=round_,
                        pair=pair,
                        process=self.known_process(rwhere, rec.get("process"), processes),
                        kind=Recommendation.Kind.RECOMMENDATION,
                        section=str(rec.get("section") or ""),
                        position=i + 1,
                        **self.texts(rwhere, "text", rec.get("text"), required=True),
                    ),
                    rwhere,
                )
            for i, passage in enumerate(p.get("passages") or []):
                self.passage(round_, passage, f"{where}.passages[{i}]", pair=pair)
            if p.get("international_experience"):
                xwhere = f"{where}.international_experience"
                self.save(
                    Recommendation(
                        round=round_,
                        pair=pair,
                        kind=Recommendation.Kind.INTERNATIONAL_EXPERIENCE,
                        position=1,
                        **self.texts(xwhere, "text", p["international_experience"], required=True),
                    ),
                    xwhere,
                )
        return processes

    def known_process(self, where, code, processes):
        if code in (None, ""):
            return None
        if code not in processes:
            self.problem(where, _("process `%(code)s` is not defined in any pair") % {"code": code})
            return None
        return processes[code]

    def process(self, round_, pair, pr, where, i, dimensions, acts) -> Process | None:
        code = pr.get("code")
        process = Process.objects.filter(code=code).first()
        if process is None:
            process = self.save(
                Process(
                    code=code,
                    pair=pair,
                    position=pr.get("position", i + 1),
                    **self.texts(where, "name", pr.get("name"), required=True),
                ),
                where,
            )
        elif process.pair_id != pair.pk:
            self.problem(
                where,
                _("process `%(code)s` belongs to pair `%(pair)s`")
                % {"code": code, "pair": process.pair.code},
            )
            return None
        if process is None:
            return None
        verdict = pr.get("verdict") or ""
        if verdict and verdict not in ProcessAssessment.Verdict.values:
            self.problem(
                where,
                _("verdict `%(verdict)s` is not one of %(choices)s")
                % {"verdict": verdict, "choices": ", ".join(ProcessAssessment.Verdict.values)},
            )
            verdict = ""
        assessment = self.save(
            ProcessAssessment(
                round=round_,
                process=process,
                position=pr.get("position", i + 1),
                verdict=verdict,
                **self.texts(where, "title", pr.get("name"), required=True),
                **self.texts(where, "verdict_text", pr.get("verdict_text")),
                **self.texts(where, "justification", pr.get("justification")),
            ),
            where,
        )
        if assessment is None:
            return process
        ratings = pr.get("ratings") or {}
        if not isinstance(ratings, Mapping):
            self.problem(where, _("`ratings` must map dimension codes to values"))
            ratings = {}
        for dim_code, value in ratings.items():
            if dim_code not in dimensions:
                self.problem(
                    f"{where}.ratings", _("unknown dimension `%(code)s`") % {"code": dim_code}
                )
                continue
            if not isinstance(value, int) or isinstance(value, bool):
                self.problem(
                    f"{where}.ratings.{dim_code}",
                    _("`%(value)s` is not an integer rating") % {"value": value},
                )
                continue
            self.save(
                Rating(assessment=assessment, dimension=dimensions[dim_code], value=value),
                f"{where}.ratings.{dim_code}",
            )
        for j, c in enumerate(pr.get("citations") or []):
            cwhere = f"{where}.citations[{j}]"
            act_code = c.get("act")
            if act_code not in acts:
                self.problem(
                    cwhere, _("unknown act `%(code)s` (not in legal_acts)") % {"code": act_code}
                )
                continue
            act, editions = acts[act_code]
            edition = None
            if c.get("edition") not in (None, ""):
                edition = editions.get(str(c["edition"]))
                if edition is None:
                    self.problem(
                        cwhere,
                        _("act `%(act)s` has no edition `%(edition)s`")
                        % {"act": act_code, "edition": c["edition"]},
                    )
                    continue
            dimension = None
            if c.get("dimension"):
                dimension = dimensions.get(c["dimension"])
                if dimension is None:
                    self.problem(
                        cwhere, _("unknown dimension `%(code)s`") % {"code": c["dimension"]}
                    )
                    continue
            self.save(
                Citation(
                    assessment=assessment,
                    act=act,
                    edition=edition,
                    article=str(c.get("article") or ""),
                    part=str(c.get("part") or ""),
                    dimension=dimension,
                    position=j + 1,
                    **self.texts(cwhere, "note", c.get("note")),
                ),
                cwhere,
            )
        for j, n in enumerate(pr.get("printed_names") or []):
            self.printed_name(round_, n, f"{where}.printed_names[{j}]", assessment=assessment)
        for j, flag in enumerate(pr.get("flags") or []):
            self.flag(assessment, flag, f"{where}.flags[{j}]", dimensions)
        return process

    def printed_name(self, round_, item, where, *, assessment=None, subject=None) -> None:
        self.save(
            PrintedName(
                round=round_,
                assessment=assessment,
                subject=subject,
                place=item.get("place"),
                section=str(item.get("section") or ""),
                text=(item.get("text") or "").strip(),
            ),
            where,
        )

    def flag(self, assessment, item, where, dimensions) -> None:
        """A justification that reads against a rating; its quote must be the justification's."""
        dimension = dimensions.get(item.get("dimension"))
        if dimension is None:
            self.problem(where, _("unknown dimension `%(code)s`") % {"code": item.get("dimension")})
            return
        texts = self.texts(where, "quote", item.get("quote"), required=True)
        for lang in LANGS:
            quote = texts.get(f"quote_{lang}", "")
            if quote and quote not in getattr(assessment, f"justification_{lang}"):
                self.problem(
                    where,
                    _("the %(language)s quote is not in the process's justification: %(quote)s")
                    % {"language": lang, "quote": quote},
                )
        self.save(
            JustificationFlag(
                assessment=assessment,
                dimension=dimension,
                value=item.get("value"),
                **texts,
                **self.texts(where, "note", item.get("note")),
            ),
            where,
        )

    def passage(self, round_, item, where, *, pair=None, subjects=None) -> None:
        subject = None
        if item.get("subject"):
            subject = (subjects or {}).get(item["subject"])
            if subject is None:
                self.problem(where, _("unknown subject `%(code)s`") % {"code": item["subject"]})
                return
        self.save(
            Passage(
                round=round_,
                kind=item.get("kind"),
                section=str(item.get("section") or ""),
                pair=pair,
                subject=subject,
                position=next(self.positions),
                **self.texts(where, "text", item.get("text"), required=True),
            ),
            where,
        )

    def publication(self, round_, subjects, processes) -> None:
        """What the publication printed outside its pairs' sections, and the links between them."""
        for file, i, item in self.data["passages"]:
            self.passage(round_, item, f"{file}: passages[{i}]", subjects=subjects)
        for file, i, item in self.data["recommendations"]:
            where = f"{file}: recommendations[{i}]"
            concerns = []
            for code in item.get("subjects") or []:
                if code not in subjects:
                    self.problem(where, _("unknown subject `%(code)s`") % {"code": code})
                else:
                    concerns.append(subjects[code])
            rec = self.save(
                Recommendation(
                    round=round_,
                    kind=Recommendation.Kind.RECOMMENDATION,
                    section=str(item.get("section") or ""),
                    position=i + 1,
                    **self.texts(where, "text", item.get("text"), required=True),
                ),
                where,
            )
            if rec is not None:
                rec.subjects.set(concerns)
        for file, i, item in self.data["printed_names"]:
            where = f"{file}: printed_names[{i}]"
            subject = subjects.get(item.get("subject"))
            if subject is None:
                self.problem(where, _("unknown subject `%(code)s`") % {"code": item.get("subject")})
                continue
            self.printed_name(round_, item, where, subject=subject)
        for file, i, item in self.data["links"]:
            where = f"{file}: links[{i}]"
            ends = [self.known_process(where, item.get(k), processes) for k in ("process", "other")]
            if None in ends:
                continue
            if ProcessLink.objects.filter(process=ends[0], other=ends[1]).exists():
                continue
            self.save(
                ProcessLink(
                    process=ends[0], other=ends[1], **self.texts(where, "note", item.get("note"))
                ),
                where,
            )

    def initiatives(self, round_, processes) -> None:
        for file, i, item in self.data["initiatives"]:
            where = f"{file}: initiatives[{i}]"
            process = self.known_process(where, item.get("process"), processes)
            if process is None:
                if not item.get("process"):
                    self.problem(where, _("`process` is required"))
                continue
            self.save(
                DevelopmentInitiative(
                    round=round_,
                    process=process,
                    position=i + 1,
                    status=item.get("status"),
                    **self.texts(where, "title", item.get("row_title")),
                    **self.texts(where, "initiatives", item.get("initiatives")),
                    **self.texts(where, "support", item.get("support")),
                ),
                where,
            )

    def figures(self, round_, methodology, subjects, processes) -> None:
        dimensions = {d.code: d for d in methodology.dimensions.all()}
        pairs = {p.code: p for p in Pair.objects.all()}
        for file, i, f in self.data["figures"]:
            where = f"{file}: figures[{i}]"
            try:
                value = Decimal(str(f.get("value")))
            except (InvalidOperation, ValueError):
                self.problem(where, _("`%(value)s` is not a number") % {"value": f.get("value")})
                continue
            refs = {}
            for key, table in (
                ("pair", pairs),
                ("process", processes),
                ("dimension", dimensions),
                ("principal", subjects),
            ):
                if f.get(key) is not None:
                    if f[key] not in table:
                        self.problem(
                            where,
                            _("unknown %(what)s `%(code)s`") % {"what": key, "code": f[key]},
                        )
                        break
                    refs[key] = table[f[key]]
            else:
                self.save(
                    PublishedFigure(
                        round=round_,
                        kind=f.get("kind"),
                        value=value,
                        **self.texts(where, "source", f.get("source")),
                        claim=f.get("claim") or "",
                        **refs,
                        **self.texts(where, "note", f.get("note")),
                    ),
                    where,
                )

    def run(self, publish: bool) -> Round:
        methodology = self.methodology()
        subjects = self.subjects()
        acts = self.acts()
        if self.problems or methodology is None:
            raise LoadError(self.problems)
        round_ = self.round(methodology)
        if round_ is None:
            raise LoadError(self.problems)
        processes = self.pairs(round_, methodology, subjects, acts)
        self.initiatives(round_, processes)
        self.figures(round_, methodology, subjects, processes)
        self.publication(round_, subjects, processes)
        if self.problems:
            raise LoadError(self.problems)
        if publish:
            # Loaded as published: the study is a finished publication. Set once,
            # here, before anything can edit it.
            published_on = self.data["round"].get("published_on")
            names.capture(round_)  # the names it printed, kept with it (names.py)
            round_.status = Round.Status.PUBLISHED
            round_.published_at = (
                timezone.make_aware(datetime.datetime.combine(published_on, datetime.time(12)))
                if isinstance(published_on, datetime.date)
                else timezone.now()
            )
            round_.save(update_fields=["status", "published_at"])
        return round_


def load_round(folder: Path = STUDY_2016, *, publish: bool = True) -> LoadResult:
    """Load the round described by `folder`; raise LoadError listing every problem."""
    data = _read(folder)
    loader = _Loader(data)
    with transaction.atomic():
        round_ = loader.run(publish=publish)
    return LoadResult(round=round_, counts=loader.counts)
