"""Importing consensus and expert ratings: preview, per-row errors, all or nothing, history."""

import io
import zipfile

import pytest

from assessments import services
from assessments.exchange import imports
from assessments.models import ExpertRating, Rating
from assessments.services import bulk

from .conftest import edit_xlsx, export_csv, export_xlsx, set_cell

pytestmark = pytest.mark.django_db


def run(round_, actor, data, *, dry_run=True, kind="ratings", filename="r.xlsx", reason="Panel"):
    return imports.run_import(
        kind=kind,
        data=data,
        filename=filename,
        actor=actor,
        round_=round_,
        reason=reason,
        dry_run=dry_run,
    )


def history_count(round_) -> int:
    return Rating.history.filter(assessment__round=round_).count()


def errors(report) -> list[str]:
    return [str(e) for e in report.errors]


@pytest.mark.parametrize("export, filename", [(export_xlsx, "r.xlsx"), (export_csv, "r.csv")])
def test_an_export_imported_back_changes_nothing(draft_2025, chair_2025, export, filename):
    data = export("ratings", draft_2025)
    before = history_count(draft_2025)
    report = run(draft_2025, chair_2025, data, dry_run=False, filename=filename)
    assert report.ok and report.written
    assert report.counts == {"create": 0, "update": 0, "unchanged": 76}
    assert history_count(draft_2025) == before
    # An unchanged carried-over rating stays carried over: the file is not a re-examination.
    assert Rating.objects.filter(assessment__round=draft_2025, carried_over=True).count() == 76


def test_the_preview_names_each_bad_row_column_and_reason_and_writes_nothing(
    draft_2025, chair_2025
):
    def edit(header, rows):
        set_cell(header, rows, process="jk-elections", dimension="rules", value=2)
        set_cell(header, rows, process="jk-elections", dimension="enforcement", value=1)
        set_cell(header, rows, process="jk-recall", dimension="demand", value="yes")
        rows[5][header.index("dimension")] = "accountability"
        rows.append(list(rows[2]))  # the third row again

    data = edit_xlsx(export_xlsx("ratings", draft_2025), edit)
    before = history_count(draft_2025)
    for dry_run in (True, False):
        report = run(draft_2025, chair_2025, data, dry_run=dry_run, reason="")
        assert not report.written
        assert errors(report) == [
            "row 2, column value: 2 is outside the scale (0 to 1) of the round's methodology.",
            # No reason for the import and none in the row: a change must say why.
            "row 5, column reason: Say why: a reason is required for every change (in this "
            "column, or for the whole import).",
            "row 7, column dimension: Unknown dimension “accountability”; idea-4d@2016 has: "
            "rules, demand, motivation, enforcement.",
            "row 11, column value: “yes” is not a whole number.",
            "row 78, column dimension: Row 4 already rates jk-elections / motivation.",
        ]
    assert history_count(draft_2025) == before
    assert not Rating.objects.filter(assessment__round=draft_2025, carried_over=False).exists()


def test_the_preview_shows_old_and_new_values(draft_2025, chair_2025):
    def edit(header, rows):
        set_cell(
            header,
            rows,
            process="jk-elections",
            dimension="enforcement",
            value=1,
            justification_en="Recall is possible now",
        )

    report = run(draft_2025, chair_2025, edit_xlsx(export_xlsx("ratings", draft_2025), edit))
    (change,) = [c for c in report.changes if c.action == imports.UPDATE]
    assert change.key == "jk-elections / enforcement"
    assert [(f.column, f.old, f.new) for f in change.changes] == [
        ("value", 0, 1),
        ("justification_en", "—", "Recall is possible now"),
    ]
    assert report.dry_run and not report.written
    assert (
        Rating.objects.get(
            assessment__round=draft_2025,
            assessment__process__code="jk-elections",
            dimension__code="enforcement",
        ).value
        == 0
    )


def test_a_published_round_is_refused_as_a_whole(study_round, staff):
    data = export_xlsx("ratings", study_round)
    report = run(study_round, staff, data, dry_run=False)
    assert not report.written
    assert [str(e) for e in report.errors] == [
        "file: Round 2016 (version 1) is published and cannot change; corrections are "
        "published as errata."
    ]


def test_an_expert_cannot_set_the_consensus(draft_2025, chair_2025, expert):
    def edit(header, rows):
        set_cell(header, rows, process="jk-elections", dimension="enforcement", value=1)

    report = run(
        draft_2025, expert, edit_xlsx(export_xlsx("ratings", draft_2025), edit), dry_run=False
    )
    assert not report.written
    assert errors(report) == [
        "row 5, column process: Only the chair of a panel covering “citizens-parliament” "
        "(or institute staff) sets its consensus ratings."
    ]


def test_a_chair_of_some_pairs_only_is_refused_the_others_and_nothing_is_written(
    draft_2025, chair, panel_for
):
    from assessments.models import Pair

    panel_for(draft_2025, chair=chair, pairs=[Pair.objects.get(code="citizens-parliament")])

    def edit(header, rows):
        set_cell(header, rows, process="jk-elections", dimension="enforcement", value=1)
        set_cell(header, rows, process="party-reporting", dimension="rules", value=1)

    report = run(
        draft_2025, chair, edit_xlsx(export_xlsx("ratings", draft_2025), edit), dry_run=False
    )
    assert not report.written
    assert len(report.errors) == 1 and "citizens-parties" in report.errors[0].message
    assert not Rating.objects.filter(assessment__round=draft_2025, carried_over=False).exists()


def test_each_change_is_recorded_with_the_imports_or_the_rows_reason(draft_2025, chair_2025):
    def edit(header, rows):
        set_cell(header, rows, process="jk-elections", dimension="enforcement", value=1)
        set_cell(
            header,
            rows,
            process="party-reporting",
            dimension="rules",
            value=1,
            reason="Finance reports published",
        )

    data = edit_xlsx(export_xlsx("ratings", draft_2025), edit)
    report = run(
        draft_2025,
        chair_2025,
        data,
        dry_run=False,
        filename="panel.xlsx",
        reason="Panel meeting of 3 March",
    )
    assert report.written
    records = {
        r.assessment.process.code: r
        for r in Rating.history.filter(
            assessment__round=draft_2025, carried_over=False
        ).select_related("assessment__process", "history_user")
    }
    assert records["jk-elections"].history_change_reason == (
        "Panel meeting of 3 March (import of panel.xlsx, row 5)"
    )
    assert records["party-reporting"].history_change_reason.startswith("Finance reports published")
    assert records["jk-elections"].history_user == chair_2025
    assert records["jk-elections"].value == 1


def test_a_row_someone_changed_since_the_export_is_refused_as_stale(draft_2025, chair_2025, staff):
    exported = export_xlsx("ratings", draft_2025)  # every revision is 1 here
    rating = Rating.objects.get(
        assessment__round=draft_2025,
        assessment__process__code="jk-elections",
        dimension__code="enforcement",
    )
    services.set_consensus(
        actor=staff,
        assessment=rating.assessment,
        dimension=rating.dimension,
        value=1,
        reason="Staff correction",
        expected_revision=1,
    )

    def edit(header, rows):
        set_cell(
            header,
            rows,
            process="jk-elections",
            dimension="enforcement",
            value=0,
            justification_en="Still no recall",
        )
        set_cell(header, rows, process="party-reporting", dimension="rules", value=1)

    report = run(draft_2025, chair_2025, edit_xlsx(exported, edit), dry_run=False)
    assert not report.written
    assert errors(report) == [
        "row 5, column revision: Changed by staff since this file was exported (now revision "
        "2, the file has 1): export again and redo the edit."
    ]
    rating.refresh_from_db()
    assert (rating.value, rating.revision) == (1, 2)


def test_a_changed_row_without_its_revision_is_refused(draft_2025, chair_2025):
    def edit(header, rows):
        set_cell(
            header, rows, process="jk-elections", dimension="enforcement", value=1, revision=None
        )

    report = run(draft_2025, chair_2025, edit_xlsx(export_xlsx("ratings", draft_2025), edit))
    assert errors(report) == [
        "row 5, column revision: Say which revision you edited (it is 1 now): keep the "
        "revision column of the export."
    ]


def test_last_rounds_file_cannot_undo_what_the_panel_did_this_round(
    study_round, draft_2025, chair_2025
):
    rating = Rating.objects.get(
        assessment__round=draft_2025,
        assessment__process__code="jk-elections",
        dimension__code="enforcement",
    )
    services.set_consensus(
        actor=chair_2025,
        assessment=rating.assessment,
        dimension=rating.dimension,
        value=1,
        reason="Re-examined",
        expected_revision=1,
    )

    def edit(header, rows):  # a 2016 file still says 0; the panel set 1 in 2025
        set_cell(
            header,
            rows,
            process="jk-elections",
            dimension="enforcement",
            justification_en="2016 view",
        )

    report = run(draft_2025, chair_2025, edit_xlsx(export_xlsx("ratings", study_round), edit))
    assert len(report.errors) == 1
    assert str(report.errors[0]).startswith(
        "row 5, column revision: This row comes from round 2016, but this rating was changed "
        "in round 2025 after it was carried over"
    )


def test_a_write_refused_midway_rolls_back_the_rows_before_it(draft_2025, chair_2025, monkeypatch):
    def edit(header, rows):
        set_cell(header, rows, process="jk-elections", dimension="enforcement", value=1)
        set_cell(header, rows, process="party-reporting", dimension="rules", value=1)

    data = edit_xlsx(export_xlsx("ratings", draft_2025), edit)
    real = bulk._apply
    calls = []

    def second_one_loses_a_race(actor, round_, write, *args):
        calls.append(write.assessment.process.code)
        if len(calls) == 2:
            raise services.StaleWrite(
                "Someone else rated this at the same moment.",
                current={},
                changed_by="bakyt",
                changed_at=None,
            )
        return real(actor, round_, write, *args)

    monkeypatch.setattr(bulk, "_apply", second_one_loses_a_race)
    report = run(draft_2025, chair_2025, data, dry_run=False)
    assert not report.written
    (party,) = [c for c in report.changes if c.key == "party-reporting / rules"]
    assert [(e.row, e.column) for e in report.errors] == [(party.row, "revision")]
    assert calls == ["jk-elections", "party-reporting"]
    # Neither row is written, nor its history: all rows or none.
    assert not Rating.objects.filter(assessment__round=draft_2025, carried_over=False).exists()
    assert not Rating.history.filter(assessment__round=draft_2025, carried_over=False).exists()


def test_justifications_in_several_languages_are_each_written(draft_2025, chair_2025):
    def edit(header, rows):
        set_cell(
            header,
            rows,
            process="jk-elections",
            dimension="enforcement",
            value=1,
            justification_ky="Чакыртып алуу мүмкүн",
            justification_ru="Отзыв возможен",
        )

    report = run(
        draft_2025, chair_2025, edit_xlsx(export_xlsx("ratings", draft_2025), edit), dry_run=False
    )
    assert report.written
    rating = Rating.objects.get(
        assessment__round=draft_2025,
        assessment__process__code="jk-elections",
        dimension__code="enforcement",
    )
    assert (rating.value, rating.justification_ky, rating.justification_ru) == (
        1,
        "Чакыртып алуу мүмкүн",
        "Отзыв возможен",
    )
    assert not rating.carried_over


def test_formulas_are_defused_on_export_and_read_back_unchanged(draft_2025, chair_2025):
    rating = Rating.objects.filter(assessment__round=draft_2025).first()
    services.set_consensus(
        actor=chair_2025,
        assessment=rating.assessment,
        dimension=rating.dimension,
        value=rating.value,
        justification='=HYPERLINK("http://evil","x")',
        reason="test",
        expected_revision=rating.revision,
    )
    for export in (export_xlsx, export_csv):
        data = export("ratings", draft_2025)
        assert b"=HYPERLINK" in data or export is export_xlsx
        if export is export_csv:
            assert b"'=HYPERLINK" in data
        report = run(
            draft_2025, chair_2025, data, filename="r.csv" if export is export_csv else "r.xlsx"
        )
        assert report.ok and report.counts["update"] == 0


def test_a_csv_saved_with_semicolons_is_read(draft_2025, chair_2025):
    data = export_csv("ratings", draft_2025).decode("utf-8-sig")
    import csv

    rows = list(csv.reader(io.StringIO(data)))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    report = run(draft_2025, chair_2025, out.getvalue().encode(), filename="r.csv")
    assert report.ok and report.counts["unchanged"] == 76


def test_a_csv_not_in_utf8_is_refused_with_a_clear_message(draft_2025, chair_2025):
    data = "process,dimension,value\nжарандар,rules,1\n".encode("cp1251")
    with pytest.raises(imports.ImportFileError, match="not in UTF-8"):
        run(draft_2025, chair_2025, data, filename="r.csv")


def test_a_file_without_a_required_column_is_refused(draft_2025, chair_2025):
    report = run(draft_2025, chair_2025, b"process,value\njk-elections,1\n", filename="r.csv")
    assert errors(report) == ["file, column dimension: This column is missing."]


def test_experts_import_their_own_ratings_only(draft_2025, chair_2025, expert, other_expert):
    header = "process,dimension,expert,value,justification\n"
    mine = header + "jk-elections,rules,aigul,1,Art. 2\njk-elections,demand,aigul,1,\n"
    report = run(
        draft_2025, expert, mine.encode(), kind="expert-ratings", filename="e.csv", dry_run=False
    )
    assert report.written, errors(report)
    assert set(ExpertRating.objects.values_list("expert__username", "dimension__code")) == {
        ("aigul", "rules"),
        ("aigul", "demand"),
    }
    theirs = header + "jk-elections,rules,bakyt,0,\n"
    report = run(draft_2025, expert, theirs.encode(), kind="expert-ratings", filename="e.csv")
    assert errors(report) == [
        "row 2, column expert: This row is bakyt's rating; you can import only your own (aigul)."
    ]
    # An expert on no panel of the round may not rate at all.
    report = run(
        draft_2025,
        other_expert,
        (header + "jk-elections,rules,bakyt,0,\n").encode(),
        kind="expert-ratings",
        filename="e.csv",
    )
    assert errors(report) == [
        "row 2, column process: Only members of a panel covering “citizens-parliament” rate "
        "its processes."
    ]


def test_an_expert_ratings_export_reimports_unchanged(draft_2025, chair_2025, expert):
    services.record_expert_rating(
        actor=expert,
        assessment=Rating.objects.filter(assessment__round=draft_2025).first().assessment,
        dimension="rules",
        value=1,
        reason="first",
    )
    data = export_xlsx("expert-ratings", draft_2025)
    report = run(draft_2025, expert, data, kind="expert-ratings")
    assert report.ok and report.counts == {"create": 0, "update": 0, "unchanged": 1}


# --- the file itself -------------------------------------------------------------------


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def openpyxl_must_not_open(monkeypatch):
    import openpyxl

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl opened an unchecked file")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_an_xlsx_bomb_is_refused_before_openpyxl_opens_it(
    draft_2025, chair_2025, openpyxl_must_not_open
):
    bomb = zip_bytes(
        {"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"\0" * (120 * 2**20)}
    )
    assert len(bomb) < 1 * 2**20  # small on disk, 120 MB unpacked
    with pytest.raises(imports.ImportFileError, match="unpacks to 120 MB"):
        run(draft_2025, chair_2025, bomb, filename="bomb.xlsx")


def test_a_small_xlsx_of_many_rows_is_refused_before_openpyxl_reads_a_row(
    draft_2025, chair_2025, openpyxl_must_not_open
):
    # 650,000 compact rows (with and without a namespace prefix) in a few hundred KB.
    rows = b"<row/>" * 300_000 + b'<x:row r="1"></x:row>' * 350_000
    sheet = b"<worksheet><sheetData>" + rows + b"</sheetData></worksheet>"
    small = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": sheet})
    assert len(small) < 500 * 1024
    with pytest.raises(imports.ImportFileError, match=r"649,?999 rows; at most"):
        run(draft_2025, chair_2025, small, filename="many-rows.xlsx")


def test_a_csv_of_too_many_rows_is_refused_before_it_is_parsed(draft_2025, chair_2025, monkeypatch):
    monkeypatch.setattr(imports.reading, "MAX_ROWS", 100)
    data = b"process,dimension,value\n" + b'a,"two\nlines",1\n' * 101
    with pytest.raises(imports.ImportFileError, match="101 rows; at most 100"):
        run(draft_2025, chair_2025, data, filename="r.csv")
    # Line breaks inside quoted cells are not rows.
    monkeypatch.setattr(imports.reading, "MAX_ROWS", 150)
    assert imports.reading._count_csv_rows(data) == 102


def test_a_csv_line_longer_than_any_row_is_refused_by_its_number(draft_2025, chair_2025):
    data = b"process,dimension,value\njk-elections,rules,1\n" + b"x" * (200 * 1024) + b"\n"
    with pytest.raises(imports.ImportFileError, match="Line 3 of the file is 200 KB long"):
        run(draft_2025, chair_2025, data, filename="r.csv")


def test_an_xlsx_of_too_many_parts_is_refused(draft_2025, chair_2025, openpyxl_must_not_open):
    many = zip_bytes({f"xl/part{i}.xml": b"x" for i in range(imports.MAX_XLSX_MEMBERS + 1)})
    with pytest.raises(imports.ImportFileError, match="parts; at most"):
        run(draft_2025, chair_2025, many, filename="many.xlsx")


def test_a_file_over_the_size_cap_is_refused(draft_2025, chair_2025, monkeypatch):
    monkeypatch.setattr(imports.reading, "MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(imports.ImportFileError, match="at most 0 MB"):
        run(draft_2025, chair_2025, b"x" * 1001, filename="r.csv")


def test_a_zip_that_is_not_a_workbook_is_refused(draft_2025, chair_2025, openpyxl_must_not_open):
    with pytest.raises(imports.ImportFileError, match="not an XLSX workbook"):
        run(draft_2025, chair_2025, zip_bytes({"a.txt": b"a"}), filename="a.xlsx")
