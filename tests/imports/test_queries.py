"""An import's queries do not grow with its rows (issue 12: batched reads, one lock per
round, bulk writes and bulk history rows). What does vary is one role query per pair the
file touches (a pair's chair may differ), so both files below touch every pair."""

import pytest
from django.db import connection

from assessments.exchange import imports
from assessments.models import ProcessAssessment, Rating

from .conftest import edit_xlsx, export_xlsx

pytestmark = [
    pytest.mark.django_db,
    # SQLite splits a bulk insert by its limit of parameters per query: one more per ~60 rows.
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query counts"),
]

# Reads of the round, its dimensions, assessments, processes and ratings; one role query per
# pair (asked again by the bulk write); the lock on the round (twice: the import's and the
# bulk write's, in one transaction); two UPDATEs (one per new value) and one INSERT of the
# history rows; savepoints. Bulk statements take 500 rows each (bulk.BATCH_SIZE), so a file
# of more rows adds one statement per 500, never one per row.
PAIRS = 5  # of the study, all rated
PREVIEW_QUERIES = 6 + PAIRS
IMPORT_QUERIES = 17 + 2 * PAIRS


def flipped(round_, every_row: bool) -> tuple[bytes, int]:
    """The round's export with values flipped: in every row, or in the first row of each pair."""
    pair_of = dict(
        ProcessAssessment.objects.filter(round=round_).values_list(
            "process__code", "process__pair__code"
        )
    )
    flips = []

    def edit(header, rows):
        value, process = header.index("value"), header.index("process")
        seen = set()
        for row in rows:
            pair = pair_of[row[process]]
            if every_row or pair not in seen:
                row[value] = 1 if row[value] == 0 else 0
                flips.append(row)
            seen.add(pair)

    data = edit_xlsx(export_xlsx("ratings", round_), edit)
    return data, len(flips)


def run(round_, actor, data, dry_run):
    report = imports.run_import(
        kind="ratings",
        data=data,
        filename="r.xlsx",
        actor=actor,
        round_=round_,
        reason="Panel",
        dry_run=dry_run,
    )
    assert report.ok, [str(e) for e in report.errors[:3]]
    return report


@pytest.mark.parametrize("every_row", [False, True], ids=["one-row-a-pair", "every-row"])
def test_the_queries_of_an_import_do_not_depend_on_its_rows(
    draft_2025, chair_2025, django_assert_num_queries, every_row
):
    data, flips = flipped(draft_2025, every_row)
    rated = Rating.objects.filter(assessment__round=draft_2025).count()
    assert flips == (rated if every_row else PAIRS) and rated > 10 * PAIRS
    with django_assert_num_queries(PREVIEW_QUERIES):
        preview = run(draft_2025, chair_2025, data, dry_run=True)
    assert preview.counts["update"] == flips
    with django_assert_num_queries(IMPORT_QUERIES):
        report = run(draft_2025, chair_2025, data, dry_run=False)
    assert report.written and report.counts["update"] == flips
    # Every change is in the history with its reason, though no rating was saved one by one.
    changed = Rating.history.filter(
        assessment__round=draft_2025, history_change_reason__startswith="Panel (import"
    )
    assert changed.count() == flips
