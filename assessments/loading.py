"""Load a round from a folder of YAML files (the format in data/study_2016/SCHEMA.md).

All or nothing: every problem found is reported with its file and place, and
nothing is written unless the whole folder is sound.
"""

from __future__ import annotations

import datetime
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
)

STUDY_2016 = Path(__file__).resolve().parent / "data" / "study_2016"
LANGS = [code for code, _name in settings.LANGUAGES]


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
        raise LoadError([f"{folder}: no *.yaml files"])
    merged: dict[str, Any] = {"pairs": [], "acts": [], "initiatives": [], "figures": []}
    problems = []
    for path in files:
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            problems.append(f"{path.name}: not valid YAML: {exc}")
            continue
        if not isinstance(doc, dict):
            problems.append(f"{path.name}: expected a mapping at the top")
            continue
        for key in ("round", "methodology", "subjects"):
            if key in doc:
                if key in merged:
                    problems.append(f"{path.name}: `{key}` is defined in more than one file")
                merged[key] = doc[key]
                merged[f"{key}__file"] = path.name
        if "pair" in doc:
            merged["pairs"].append((path.name, doc["pair"]))
        for key in ("acts", "initiatives", "figures"):
            merged[key] += [(path.name, i, item) for i, item in enumerate(doc.get(key) or [])]
    if problems:
        raise LoadError(problems)
    for key in ("round", "methodology", "subjects"):
        if key not in merged:
            problems.append(f"{folder}: no file defines `{key}`")
    if problems:
        raise LoadError(problems)
    return merged


class _Loader:
    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.problems: list[str] = []
        self.counts: dict[str, int] = {}

    # -- helpers -------------------------------------------------------------
    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def texts(self, where: str, field_name: str, value: Any, required: bool = False) -> dict:
        """{ky, ru, en} → {field_ky: …, field_ru: …, field_en: …}."""
        if value is None:
            if required:
                self.problem(where, f"`{field_name}` is required")
            return {}
        if isinstance(value, str):
            value = {LANGS[0]: value}
        if not isinstance(value, Mapping):
            self.problem(where, f"`{field_name}` must be a mapping of languages")
            return {}
        unknown = set(value) - set(LANGS)
        if unknown:
            self.problem(where, f"`{field_name}` has unknown languages {sorted(unknown)}")
        if required and not (value.get(LANGS[0]) or "").strip():
            self.problem(where, f"`{field_name}` needs its Kyrgyz text ({LANGS[0]})")
        return {f"{field_name}_{lang}": (value.get(lang) or "").strip() for lang in LANGS}

    def date(self, where: str, value: Any) -> datetime.date | None:
        if value in (None, ""):
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.problem(where, f"`{value}` is not a date (YYYY-MM-DD)")
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
            self.problem(where, "`scale` needs at least two levels with integer values")
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
                self.problem(where, f"act `{code}` is defined twice")
                continue
            act = LegalAct.objects.filter(code=code).first() or self.save(
                LegalAct(
                    code=code,
                    kind=a.get("kind"),
                    number=str(a.get("number") or ""),
                    adopted_on=self.date(where, a.get("date")),
                    url=a.get("url") or "",
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
                edition = self.save(
                    LegalActEdition(
                        act=act,
                        code=ecode,
                        valid_from=self.date(ewhere, e.get("date")),
                        valid_until=self.date(ewhere, e.get("valid_until")),
                        url=e.get("url") or "",
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
            self.problem(where, f"a round for {year} exists already; nothing was loaded")
            return None
        return self.save(
            Round(
                year=year,
                version=r.get("version", 1),
                methodology=methodology,
                status=Round.Status.DRAFT,
                source=r.get("source") or "",
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
                    self.problem(where, f"{role} `{code}` is not a known subject")
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
                        position=i + 1,
                        **self.texts(rwhere, "text", rec.get("text"), required=True),
                    ),
                    rwhere,
                )
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
            self.problem(where, f"process `{code}` is not defined in any pair")
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
            self.problem(where, f"process `{code}` belongs to pair `{process.pair.code}`")
            return None
        if process is None:
            return None
        verdict = pr.get("verdict") or ""
        if verdict and verdict not in ProcessAssessment.Verdict.values:
            self.problem(
                where, f"verdict `{verdict}` is not one of {ProcessAssessment.Verdict.values}"
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
            self.problem(where, "`ratings` must map dimension codes to values")
            ratings = {}
        for dim_code, value in ratings.items():
            if dim_code not in dimensions:
                self.problem(f"{where}.ratings", f"unknown dimension `{dim_code}`")
                continue
            if not isinstance(value, int) or isinstance(value, bool):
                self.problem(f"{where}.ratings.{dim_code}", f"`{value}` is not an integer rating")
                continue
            self.save(
                Rating(assessment=assessment, dimension=dimensions[dim_code], value=value),
                f"{where}.ratings.{dim_code}",
            )
        for j, c in enumerate(pr.get("citations") or []):
            cwhere = f"{where}.citations[{j}]"
            act_code = c.get("act")
            if act_code not in acts:
                self.problem(cwhere, f"unknown act `{act_code}` (not in legal_acts)")
                continue
            act, editions = acts[act_code]
            edition = None
            if c.get("edition") not in (None, ""):
                edition = editions.get(str(c["edition"]))
                if edition is None:
                    self.problem(cwhere, f"act `{act_code}` has no edition `{c['edition']}`")
                    continue
            dimension = None
            if c.get("dimension"):
                dimension = dimensions.get(c["dimension"])
                if dimension is None:
                    self.problem(cwhere, f"unknown dimension `{c['dimension']}`")
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
        return process

    def initiatives(self, round_, processes) -> None:
        for file, i, item in self.data["initiatives"]:
            where = f"{file}: initiatives[{i}]"
            process = self.known_process(where, item.get("process"), processes)
            if process is None:
                if not item.get("process"):
                    self.problem(where, "`process` is required")
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
                self.problem(where, f"`{f.get('value')}` is not a number")
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
                        self.problem(where, f"unknown {key} `{f[key]}`")
                        break
                    refs[key] = table[f[key]]
            else:
                self.save(
                    PublishedFigure(
                        round=round_,
                        kind=f.get("kind"),
                        value=value,
                        source=f.get("source") or "",
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
        if self.problems:
            raise LoadError(self.problems)
        if publish:
            # Loaded as published: the study is a finished publication. Set once,
            # here, before anything can edit it.
            published_on = self.data["round"].get("published_on")
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
