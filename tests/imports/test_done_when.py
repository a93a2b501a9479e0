"""Issue 5, done when: 2016 → XLSX → edited as draft 2025 → imported → published → compared."""

from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import translation

from assessments import services
from assessments.comparison import CHANGED, compare_rounds
from assessments.exchange import imports
from assessments.models import Rating, Round

from .conftest import edit_xlsx
from .scenario import EDITS, confirm_carried_over, edited_2016_ratings

pytestmark = pytest.mark.django_db


def test_2016_exported_edited_as_2025_imported_published_and_compared(
    study_round, staff, draft_2025, chair_2025, client
):
    chair = chair_2025

    def add_bad_row(header, rows):
        bad = list(rows[0])
        bad[header.index("process")] = "no-such-process"
        bad[header.index("value")] = 7
        rows.append(bad)

    edited = edit_xlsx(edited_2016_ratings(study_round), add_bad_row)
    bad_row = 1 + 76 + 1  # the header, 76 ratings, then the added row
    run = {
        "kind": "ratings",
        "filename": "ratings-2025.xlsx",
        "actor": chair,
        "round_": draft_2025,
        "reason": "Panel meeting of 3 March 2025",
    }

    preview = imports.run_import(data=edited, dry_run=True, **run)
    assert not preview.ok
    messages = [str(e) for e in preview.errors]
    assert f"row {bad_row}, column process: Unknown process “no-such-process”." in messages
    assert any(
        m.startswith(f"row {bad_row}, column value: 7 is outside the scale") for m in messages
    )
    assert preview.counts == {"create": 0, "update": 3, "unchanged": 73}

    # The same file for real is refused as a whole: nothing is written.
    refused = imports.run_import(data=edited, dry_run=False, **run)
    assert not refused.written
    assert not Rating.objects.filter(assessment__round=draft_2025, carried_over=False).exists()

    fixed = edit_xlsx(edited, lambda header, rows: rows.pop())
    done = imports.run_import(data=fixed, dry_run=False, **run)
    assert done.ok and done.written, [str(e) for e in done.errors]
    assert done.counts["update"] == 3

    # Publishing needs every carried-over rating re-examined: the chair confirms the rest.
    confirm_carried_over(draft_2025, chair)
    services.transition_round(actor=staff, round_=draft_2025, to="open", reason="Rating opens")
    services.transition_round(actor=staff, round_=draft_2025, to="review", reason="Review")
    published = services.publish_round(actor=staff, round_=draft_2025, reason="2025 published")
    assert published.status == Round.Status.PUBLISHED

    with translation.override("en"):
        comparison = compare_rounds(study_round, published)
    changed = {
        (p.process, r.dimension): (r.before, r.after, r.reason)
        for p in comparison.processes
        for r in p.ratings
        if r.changed
    }
    assert set(changed) == {(p, d) for p, d, _v, _r in EDITS}
    for process, dimension, value, reason in EDITS:
        before, after, recorded = changed[process, dimension]
        assert (before, after) == (1 - value, value)
        assert recorded.startswith(reason)
    assert {p.process for p in comparison.processes if p.status == CHANGED} == {
        p for p, *_ in EDITS
    }
    deltas = {d.key: d.delta for d in comparison.pairs}
    # jk-elections 2/3 → 1 over the pair's 2 included processes (recall is excluded);
    # party reporting 0 → 1/3 over 3; information transparency 1 → 2/3 over 6.
    assert deltas["citizens-parliament"] == Fraction(1, 6)
    assert deltas["citizens-parties"] == Fraction(1, 9)
    assert deltas["citizens-executive"] == Fraction(-1, 18)

    # Staff open the comparison in the admin, with its charts.
    client.force_login(staff)
    with translation.override("en"):
        url = reverse("assessment_tools:compare")
    page = client.get(url, {"before": "2016-v1", "after": "2025-v1"})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="rating changed"') == 3
    assert EDITS[0][3] in html
    assert html.count('<figure class="chart"') == 7  # three diagrams per round, the series
    assert "+17 pp" in html  # citizens → parliament, 33% → 50%
