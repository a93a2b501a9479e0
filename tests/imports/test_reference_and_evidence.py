"""Importing citations (through the services), processes and legal acts (reference data)."""

import datetime

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry

from assessments.exchange import imports
from assessments.models import Citation, LegalAct, LegalActEdition, Process, ProcessAssessment

from .conftest import edit_xlsx, export_csv, export_xlsx

pytestmark = pytest.mark.django_db


def run(round_, actor, data, *, kind, dry_run=False, filename="f.csv", reason="Import"):
    return imports.run_import(
        kind=kind,
        data=data,
        filename=filename,
        actor=actor,
        round_=round_,
        reason=reason,
        dry_run=dry_run,
    )


def errors(report) -> list[str]:
    return [str(e) for e in report.errors]


# --- citations -------------------------------------------------------------------------


def test_a_citations_export_imports_back_unchanged(draft_2025, chair_2025):
    for export, name in ((export_xlsx, "c.xlsx"), (export_csv, "c.csv")):
        report = run(
            draft_2025,
            chair_2025,
            export("citations", draft_2025),
            kind="citations",
            filename=name,
            dry_run=True,
        )
        assert report.ok, errors(report)
        assert report.counts == {"create": 0, "update": 0, "unchanged": 56}


def test_a_panel_member_adds_a_citation_through_the_service(draft_2025, chair_2025, expert):
    data = (
        b"process,act,edition,article,part,dimension,note_en\n"
        b"jk-elections,constitution,2021,2,,rules,The 2021 text\n"
    )
    report = run(draft_2025, expert, data, kind="citations", reason="New Constitution")
    assert report.written, errors(report)
    citation = Citation.objects.get(assessment__round=draft_2025, edition__code="2021")
    assert (citation.article, citation.dimension.code, citation.note_en) == (
        "2",
        "rules",
        "The 2021 text",
    )
    record = citation.history.get()
    assert record.history_user == expert
    assert record.history_change_reason == "New Constitution (import of f.csv, row 2)"


def test_the_chair_marks_carried_over_citations_as_verified(draft_2025, chair_2025, expert):
    def verify(header, rows):
        for row in rows:
            if row[header.index("process")] == "jk-elections":
                row[header.index("needs_reverification")] = "no"

    data = edit_xlsx(export_xlsx("citations", draft_2025), verify)
    by_expert = run(draft_2025, expert, data, kind="citations", filename="c.xlsx", dry_run=True)
    assert not by_expert.ok
    assert "Only the chair" in by_expert.errors[0].message
    report = run(draft_2025, chair_2025, data, kind="citations", filename="c.xlsx")
    assert report.written, errors(report)
    checked = Citation.objects.filter(
        assessment__round=draft_2025, assessment__process__code="jk-elections"
    )
    assert checked.exists() and not checked.filter(needs_reverification=True).exists()
    assert all(c.revision == 2 for c in checked)


def test_unknown_acts_and_editions_are_named(draft_2025, chair_2025):
    data = (
        b"process,act,edition,article\n"
        b"jk-elections,constitution,1993,2\n"
        b"jk-elections,law-on-nothing,,1\n"
        b"nowhere,constitution,2010,2\n"
    )
    report = run(draft_2025, chair_2025, data, kind="citations", dry_run=True)
    assert errors(report) == [
        "row 2, column edition: constitution has no edition “1993”.",
        "row 3, column act: Unknown legal act “law-on-nothing”: import it with the legal acts "
        "first.",
        "row 4, column process: Unknown process “nowhere”.",
    ]


# --- processes ---------------------------------------------------------------------------


def test_staff_add_a_process_to_a_draft_round(draft_2025, staff):
    data = (
        "pair,process,position,name_ky,name_en,title_en\n"
        "citizens-parliament,jk-petitions,4,Петициялар,Electronic petitions,E-petitions\n"
    ).encode()
    report = run(draft_2025, staff, data, kind="processes", reason="Assessed from 2025")
    assert report.written, errors(report)
    process = Process.objects.get(code="jk-petitions")
    assessment = ProcessAssessment.objects.get(round=draft_2025, process=process)
    assert (assessment.title_en, assessment.title_ky) == ("E-petitions", "Петициялар")
    assert assessment.history.get().history_change_reason.startswith("Assessed from 2025")
    log = LogEntry.objects.get(object_id=str(process.pk))
    assert (log.action_flag, log.user, log.change_message) == (
        ADDITION,
        staff,
        "Assessed from 2025 (import of f.csv, row 2)",
    )


def test_a_chair_rewords_the_rounds_process_but_may_not_add_one(draft_2025, chair_2025):
    def reword(header, rows):
        rows[0][header.index("title_en")] = "Elections to the Jogorku Kenesh"

    data = edit_xlsx(export_xlsx("processes", draft_2025), reword)
    report = run(draft_2025, chair_2025, data, kind="processes", filename="p.xlsx")
    assert report.written, errors(report)
    assessment = ProcessAssessment.objects.get(round=draft_2025, process__code="jk-elections")
    assert (assessment.title_en, assessment.revision) == ("Elections to the Jogorku Kenesh", 2)
    new = b"pair,process,name_en\ncitizens-parliament,jk-petitions,Petitions\n"
    report = run(draft_2025, chair_2025, new, kind="processes", dry_run=True)
    assert errors(report) == [
        "row 2, column process: Only institute staff add processes to a round or rename them; "
        "panels change the round's wording (title columns)."
    ]


def test_a_process_does_not_move_between_pairs_and_codes_must_be_slugs(draft_2025, staff):
    data = (
        b"pair,process,name_en\n"
        b"citizens-parties,jk-elections,Elections\n"
        b"citizens-parties,not a slug!,Something\n"
    )
    report = run(draft_2025, staff, data, kind="processes", dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(2, "pair"), (3, "process")]
    assert "does not move between pairs" in report.errors[0].message


# --- legal acts ------------------------------------------------------------------------------


def test_legal_acts_export_imports_back_unchanged(study_round, staff):
    report = run(
        None,
        staff,
        export_xlsx("legal-acts", None),
        kind="legal-acts",
        filename="a.xlsx",
        dry_run=True,
    )
    assert report.ok, errors(report)
    assert report.counts["create"] == report.counts["update"] == 0


def test_staff_add_an_act_and_its_editions_with_full_validation(study_round, staff):
    data = (
        b"act,kind,title_en,edition,valid_from,edition_title_en\n"
        b"law-petitions,law,Law on petitions,2024,2024-03-01,As adopted\n"
        b"law-petitions,law,Law on petitions,2025,2025-06-01,As amended\n"
    )
    report = run(None, staff, data, kind="legal-acts", reason="Cited from 2025")
    assert report.written, errors(report)
    act = LegalAct.objects.get(code="law-petitions")
    assert list(act.editions.values_list("code", "valid_from")) == [
        ("2024", datetime.date(2024, 3, 1)),
        ("2025", datetime.date(2025, 6, 1)),
    ]
    assert (
        LogEntry.objects.filter(action_flag=ADDITION, change_message__startswith="Cited").count()
        == 3
    )
    retitled = data.replace(b"Law on petitions", b"Law on citizens' petitions")
    report = run(None, staff, retitled, kind="legal-acts", reason="Official title")
    assert report.written and report.counts["update"] == 1
    act.refresh_from_db()
    assert act.title_en == "Law on citizens' petitions"
    assert LogEntry.objects.filter(action_flag=CHANGE).count() == 1


def test_bad_acts_are_refused_row_by_row(study_round, staff):
    data = (
        b"act,kind,title_en,adopted_on,url,edition,valid_from\n"
        b"law-a,statute,A,,,,\n"
        b"law-b,law,B,yesterday,,,\n"
        b"law-c,law,C,,not a url,,\n"
        b"law-d,law,D,,,2020,2020-13-01\n"
        b"law-e,law,E,,,,\n"
        b"law-e,law,E2,,,x,\n"
    )
    report = run(None, staff, data, kind="legal-acts", dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "kind"),
        (3, "adopted_on"),
        (4, "url"),
        (5, "valid_from"),
        (7, "title_en"),
    ]
    assert not LegalAct.objects.filter(
        code__in=["law-a", "law-b", "law-c", "law-d", "law-e"]
    ).exists()


def test_only_staff_import_legal_acts(study_round, chair):
    report = run(None, chair, b"act,kind,title_en\nlaw-x,law,X\n", kind="legal-acts")
    assert errors(report) == [
        "file: Only institute staff import legal acts (reference data shared by every round)."
    ]
    assert not LegalActEdition.objects.filter(act__code="law-x").exists()
