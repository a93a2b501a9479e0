"""Rows of evidence and reference data: citations (through the services), processes and legal
acts (reference data without a write service: full_clean(), staff only, logged with the reason)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ... import permissions, services
from ...models import (
    Citation,
    LegalAct,
    LegalActEdition,
    Pair,
    Process,
    ProcessAssessment,
    Round,
)
from ..resources import LANGS
from .checking import _blank, _display, _Rows
from .report import CREATE, UNCHANGED, UPDATE, FieldChange, RowChange


class _CitationRows(_Rows):
    kind = "citations"
    NOT_ALLOWED_COLUMN = "process"

    def load(self) -> None:
        super().load()
        self.load_assessments()
        self.acts = {a.code: a for a in LegalAct.objects.all()}
        self.editions = {
            (e.act.code, e.code): e for e in LegalActEdition.objects.select_related("act")
        }
        self.existing: dict[tuple, list[Citation]] = {}
        for c in Citation.objects.filter(assessment__round=self.round).select_related(
            "assessment__process", "act", "edition", "dimension"
        ):
            key = (
                c.assessment.process.code,
                c.act.code,
                c.edition.code if c.edition else "",
                c.article,
                c.part,
            )
            self.existing.setdefault(key, []).append(c)

    def check(self, number, values, seen):
        foreign = self.is_foreign(number, values)
        assessment = self.assessment_for(number, values)
        act = self.acts.get(values.get("act") or "")
        if act is None:
            self.error(
                number,
                "act",
                _("Unknown legal act “%(code)s”: import it with the legal acts first.")
                % {"code": values.get("act") or "—"},
            )
        edition = None
        if values.get("edition"):
            edition = self.editions.get((values.get("act"), values["edition"]))
            if edition is None and act is not None:
                self.error(
                    number,
                    "edition",
                    _("%(act)s has no edition “%(code)s”.")
                    % {"act": act.code, "code": values["edition"]},
                )
                act = None
        dimension = self.dimension_for(number, values, required=False)
        if values.get("dimension") and dimension is None:
            return None
        if None in (foreign, assessment, act):
            return None
        key = (
            assessment.process.code,
            act.code,
            edition.code if edition else "",
            values.get("article", ""),
            values.get("part", ""),
        )
        label = " / ".join(k for k in key if k)
        if key in seen:
            self.error(number, "act", _("Row %(row)s already cites this.") % {"row": seen[key]})
            return None
        seen[key] = number
        matches = self.existing.get(key, [])
        if len(matches) > 1:
            self.error(
                number,
                "article",
                _("Round %(year)s cites this %(n)s times; change these citations in the admin.")
                % {"year": self.round.year, "n": len(matches)},
            )
            return None
        citation = matches[0] if matches else None
        changes = self.text_changes(values, citation, "note")
        if "dimension" in values:
            old = citation.dimension.code if citation and citation.dimension else ""
            if (dimension.code if dimension else "") != old:
                changes.insert(
                    0, FieldChange("dimension", _display(old), _display(values["dimension"]))
                )
        if citation is None:
            if not self.allowed(permissions.can_add_evidence, assessment):
                self.error(
                    number,
                    "process",
                    _("Only members of a panel covering “%(pair)s” add its evidence.")
                    % {"pair": assessment.process.pair.code},
                )
                return None
            reason = self.row_reason(number, values)
            if reason is None:
                return None
            changes = [FieldChange("act", "—", label), *changes]
            notes = {lang: values.get(f"note_{lang}", "") for lang in LANGS}

            def add() -> None:
                services.add_citation(
                    actor=self.actor,
                    assessment=assessment,
                    act=act,
                    edition=edition,
                    article=values.get("article", ""),
                    part=values.get("part", ""),
                    dimension=dimension,
                    note=notes,
                    reason=reason,
                )

            return RowChange(number, CREATE, label, changes, write=add)

        # Whether a citation was re-verified is a judgement about this round's row:
        # a row from another round says nothing about it.
        verified = values.get("needs_reverification")
        if not foreign and verified is not None and verified != citation.needs_reverification:
            changes.append(
                FieldChange("needs_reverification", citation.needs_reverification, verified)
            )
        if not changes:
            note = _("to re-verify") if citation.needs_reverification else ""
            return RowChange(number, UNCHANGED, label, note=note)
        reason = self.row_reason(number, values)
        if not self.allowed(permissions.can_edit_assessment, assessment):
            self.error(
                number,
                "process",
                _(
                    "Only the chair of a panel covering “%(pair)s” (or institute staff) changes "
                    "its citations."
                )
                % {"pair": assessment.process.pair.code},
            )
            return None
        expected = self.base_revision(
            number,
            values,
            citation,
            foreign=foreign,
            untouched=citation.revision == 1,
            what=_("this citation"),
        )
        if expected is None or reason is None:
            return None
        update: dict[str, Any] = {}
        for change in changes:
            if change.column == "dimension":
                update["dimension"] = dimension
            elif change.column == "needs_reverification":
                update["needs_reverification"] = verified
            else:
                update[change.column] = values[change.column]

        def write() -> None:
            services.update_citation(
                actor=self.actor,
                citation=citation,
                changes=update,
                reason=reason,
                expected_revision=expected,
            )

        return RowChange(number, UPDATE, label, changes, write=write)


def _log(actor, obj, flag: int, message: str) -> None:
    """Reference data keeps no history of its own: the admin's log says who, when and why."""
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[obj],
        action_flag=flag,
        change_message=message,
        single_object=True,
    )


def _full_clean(obj, exclude: Iterable[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise services.InvalidInput(
            "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()),
            errors=exc.message_dict,
        ) from exc


class _ProcessRows(_Rows):
    """The round's processes: names (reference data, staff) and the round's wording."""

    kind = "processes"
    NOT_ALLOWED_COLUMN = "process"
    COLUMN_OF = {**_Rows.COLUMN_OF, "code": "process"}

    def load(self) -> None:
        super().load()
        self.load_assessments()
        self.pairs = {p.code: p for p in Pair.objects.all()}
        self.processes = {p.code: p for p in Process.objects.select_related("pair")}
        self.staff = permissions.can_manage_rounds(self.actor)

    def check(self, number, values, seen):
        foreign = self.is_foreign(number, values)
        pair = self.pairs.get(values.get("pair") or "")
        if pair is None:
            self.error(
                number, "pair", _("Unknown pair “%(code)s”.") % {"code": values.get("pair") or "—"}
            )
        code = values.get("process")
        if not code:
            self.error(number, "process", _("Which process? This cell is empty."))
        if None in (foreign, pair) or not code:
            return None
        if code in seen:
            self.error(
                number,
                "process",
                _("Row %(row)s is about this process already.") % {"row": seen[code]},
            )
            return None
        seen[code] = number
        process = self.processes.get(code)
        assessment = self.assessments.get(code)
        names = self.text_changes(values, process, "name")
        titles = self.text_changes(values, assessment, "title")
        if process is not None and process.pair_id != pair.pk:
            self.error(
                number,
                "pair",
                _(
                    "Process “%(code)s” belongs to pair “%(pair)s”; a process does not move "
                    "between pairs (add a new process instead)."
                )
                % {"code": code, "pair": process.pair.code},
            )
            return None
        if (process is None or assessment is None or names) and not self.staff:
            self.error(
                number,
                "process",
                _(
                    "Only institute staff add processes to a round or rename them; panels change "
                    "the round's wording (title columns)."
                ),
            )
            return None
        if process is not None and assessment is not None and not titles and not names:
            return RowChange(number, UNCHANGED, code)
        reason = self.row_reason(number, values)
        if reason is None:
            return None
        if process is None or assessment is None:
            return self._add(number, values, code, pair, process, names + titles, reason)
        if names and not titles:
            return RowChange(
                number, UPDATE, code, names, write=lambda: self._rename(process, values, reason)
            )
        if not self.allowed(permissions.can_edit_assessment, assessment):
            self.error(
                number,
                "process",
                _(
                    "Only the chair of a panel covering “%(pair)s” (or institute staff) changes "
                    "the wording of its processes."
                )
                % {"pair": pair.code},
            )
            return None
        expected = self.base_revision(
            number,
            values,
            assessment,
            foreign=foreign,
            untouched=assessment.revision == 1,
            what=_("this process's wording"),
        )
        if expected is None:
            return None
        changes = {c.column: values[c.column] for c in titles}

        def write() -> None:
            if names:
                self._rename(process, values, reason)
            services.update_assessment(
                actor=self.actor,
                assessment=assessment,
                changes=changes,
                reason=reason,
                expected_revision=expected,
            )

        return RowChange(number, UPDATE, code, names + titles, write=write)

    def _rename(self, process: Process, values: dict[str, Any], reason: str) -> None:
        process = Process.objects.select_for_update().get(pk=process.pk)
        for lang in LANGS:
            if f"name_{lang}" in values:
                setattr(process, f"name_{lang}", values[f"name_{lang}"])
        _full_clean(process)
        process.save()
        _log(self.actor, process, CHANGE, reason)

    def _add(self, number, values, code, pair, process, changes, reason) -> RowChange | None:
        if process is None and not any(values.get(f"name_{lang}") for lang in LANGS):
            self.error(number, "name_" + LANGS[0], _("A new process needs a name."))
            return None
        position = values.get("position")
        if process is None:
            draft = Process(
                code=code,
                pair=pair,
                position=position or 0,
                **{f"name_{lang}": values.get(f"name_{lang}", "") for lang in LANGS},
            )
            try:
                draft.full_clean(validate_unique=False)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    self.error(number, self.COLUMN_OF.get(name, name), " ".join(messages))
                return None

        def write() -> None:
            nonlocal process
            if process is None:
                process = Process(
                    code=code,
                    pair=pair,
                    position=position or 0,
                    **{f"name_{lang}": values.get(f"name_{lang}", "") for lang in LANGS},
                )
                _full_clean(process)
                process.save()
                _log(self.actor, process, ADDITION, reason)
            elif any(c.column.startswith("name_") for c in changes):
                self._rename(process, values, reason)
            # No service adds a process to a round. The guards a service would apply are
            # here: staff only (checked), the round locked and not published (run_import),
            # full_clean, and a history record with the reason.
            round_ = Round.objects.get(pk=self.round.pk)
            assessment = ProcessAssessment(
                round=round_,
                process=process,
                position=position if position is not None else process.position,
                **{
                    f"title_{lang}": values.get(f"title_{lang}")
                    or getattr(process, f"name_{lang}")
                    or ""
                    for lang in LANGS
                },
            )
            _full_clean(assessment)
            assessment._change_reason = reason
            assessment._history_user = self.actor
            assessment.save()

        note = (
            _("new process")
            if process is None
            else _("added to round %(year)s") % {"year": self.round.year}
        )
        return RowChange(number, CREATE, code, changes, note=note, write=write)


ACT_COLUMNS = {
    "kind": "kind",
    "number": "number",
    "adopted_on": "adopted_on",
    "url": "url",
    **{f"title_{lang}": f"title_{lang}" for lang in LANGS},
}
EDITION_COLUMNS = {
    "valid_from": "valid_from",
    "valid_until": "valid_until",
    "edition_url": "url",
    **{f"edition_title_{lang}": f"title_{lang}" for lang in LANGS},
    **{f"edition_note_{lang}": f"note_{lang}" for lang in LANGS},
}


class _LegalActRows(_Rows):
    """Legal acts and editions: reference data, by staff, full_clean() and LogEntry."""

    kind = "legal-acts"
    round_bound = False
    NOT_ALLOWED_COLUMN = "act"

    def load(self) -> None:
        self.acts = {a.code: a for a in LegalAct.objects.all()}
        self.editions = {
            (e.act.code, e.code): e for e in LegalActEdition.objects.select_related("act")
        }
        self.first_row: dict[str, tuple[int, dict[str, Any]]] = {}

    def _changes(self, obj, values: dict[str, Any], columns: dict[str, str]) -> list[FieldChange]:
        changes = []
        for column, name in columns.items():
            if column not in values:
                continue
            old = getattr(obj, name) if obj is not None else None
            if _blank(old) != _blank(values[column]):
                changes.append(FieldChange(column, _display(old), _display(values[column])))
        return changes

    def _valid(self, number: int, obj, columns: dict[str, str], exclude=()) -> bool:
        """Model validation now, so that the preview shows what the write would refuse."""
        try:
            obj.full_clean(exclude=list(exclude), validate_unique=False)
        except ValidationError as exc:
            by_field = {name: column for column, name in columns.items()}
            for name, messages in exc.message_dict.items():
                self.error(number, by_field.get(name, name), " ".join(messages))
            return False
        return True

    def check(self, number, values, seen):
        code = values.get("act")
        edition_code = values.get("edition") or ""
        if not code:
            self.error(number, "act", _("Which act? This cell is empty."))
            return None
        if (code, edition_code) in seen:
            self.error(
                number,
                "edition" if edition_code else "act",
                _("Row %(row)s is about this already.") % {"row": seen[code, edition_code]},
            )
            return None
        seen[code, edition_code] = number
        act_values = {c: values[c] for c in ACT_COLUMNS if c in values}
        act = self.acts.get(code)
        changes: list[FieldChange] = []
        write_act = False
        if code in self.first_row:
            # The act's own columns repeat on each of its editions' rows: they must agree.
            first, earlier = self.first_row[code]
            for column, value in act_values.items():
                if _blank(earlier.get(column)) != _blank(value):
                    self.error(
                        number,
                        column,
                        _("Differs from row %(row)s about the same act (“%(old)s”).")
                        % {"row": first, "old": _display(earlier.get(column))},
                    )
                    return None
        else:
            self.first_row[code] = (number, act_values)
            changes = self._changes(act, values, ACT_COLUMNS)
            if act is None:
                changes.insert(0, FieldChange("act", "—", code))
            write_act = bool(changes)
            if write_act:
                draft = (
                    LegalAct(code=code)
                    if act is None
                    else LegalAct(
                        **{
                            f.attname: getattr(act, f.attname)
                            for f in LegalAct._meta.concrete_fields
                        }
                    )
                )
                for column, value in act_values.items():
                    setattr(draft, ACT_COLUMNS[column], value)
                if not self._valid(number, draft, {"act": "code", **ACT_COLUMNS}):
                    return None

        edition_values = {name: values[c] for c, name in EDITION_COLUMNS.items() if c in values}
        write_edition = False
        edition = self.editions.get((code, edition_code)) if edition_code else None
        if edition_code:
            edition_changes = self._changes(edition, values, EDITION_COLUMNS)
            if edition is None:
                edition_changes.insert(0, FieldChange("edition", "—", edition_code))
            changes += edition_changes
            write_edition = bool(edition_changes)
            if write_edition:
                draft = LegalActEdition(code=edition_code, **edition_values)
                if not self._valid(
                    number, draft, {"edition": "code", **EDITION_COLUMNS}, exclude=["act"]
                ):
                    return None
        label = f"{code}@{edition_code}" if edition_code else code
        if not changes:
            return RowChange(number, UNCHANGED, label)
        reason = self.row_reason(number, values)
        if reason is None:
            return None
        is_new = (act is None and write_act) or (edition_code and edition is None)

        def write() -> None:
            current = self.acts.get(code)
            if write_act:
                flag = CHANGE if current is not None else ADDITION
                current = current or LegalAct(code=code)
                for column, value in act_values.items():
                    setattr(current, ACT_COLUMNS[column], value)
                _full_clean(current)
                current.save()
                _log(self.actor, current, flag, reason)
                self.acts[code] = current
            if write_edition:
                row = edition or LegalActEdition(act=current, code=edition_code)
                flag = CHANGE if row.pk else ADDITION
                for name, value in edition_values.items():
                    setattr(row, name, value)
                _full_clean(row)
                row.save()
                _log(self.actor, row, flag, reason)

        return RowChange(number, CREATE if is_new else UPDATE, label, changes, write=write)
