"""Time a 10,000-row import of consensus ratings: the preview, the first import, a re-import.

    .venv/bin/python benchmarks/import_10k.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/acc_imp \
        .venv/bin/python benchmarks/import_10k.py

It runs in a throw-away test database (Django's test_<name>, created and dropped here;
in memory for SQLite), so it never touches the database DATABASE_URL names. The round
is synthetic: 2,500 processes in 5 pairs, rated on the study's 4 dimensions, by a
panel chair (so the role check runs as it would for a real chair). The file is CSV;
XLSX adds the time openpyxl takes to read it (printed separately).

Three timings, each through imports.run_import() exactly as the admin's import task
(imports/jobs.py) and the import_ratings command call it:
1. preview: read and check 10,000 rows, nothing written;
2. import: 10,000 new ratings through bulk.set_consensus_many (every check of
   services.set_consensus, one lock on the round, bulk inserts, a history row per
   change with its reason), in one transaction;
3. re-import: the export of (2) with every value flipped, so 10,000 updates that
   each check their revision.
Each line also gives the step's queries (they must not grow with the rows).
BENCH_SLOWEST=N prints where the database's time went, BENCH_PROFILE=N the
process's N costliest functions (cProfile; it slows the run).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountability.settings")
# Settings refuse to start without a secret outside tests; DEBUG would log every query.
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret-" + "x" * 40)
os.environ["DJANGO_DEBUG"] = "false"

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

PAIRS = 5
DIMENSIONS = [
    ("rules", True, False),
    ("demand", False, True),
    ("motivation", True, False),
    ("enforcement", True, False),
]


def build(processes: int):
    from django.contrib.auth import get_user_model

    from assessments import permissions
    from assessments.models import (
        Dimension,
        Methodology,
        Pair,
        Panel,
        PanelMembership,
        Process,
        ProcessAssessment,
        Round,
        ScaleLevel,
        Subject,
    )

    methodology = Methodology.objects.create(code="bench", version="1", title="Benchmark")
    for position, (code, scored, gating) in enumerate(DIMENSIONS, 1):
        Dimension.objects.create(
            methodology=methodology,
            code=code,
            position=position,
            name=code,
            is_scored=scored,
            is_gating=gating,
        )
    for value in (0, 1):
        ScaleLevel.objects.create(methodology=methodology, value=value, label=str(value))
    subjects = [
        Subject.objects.create(code=f"s{i}", kind="citizens", role="both", name=f"S{i}")
        for i in range(PAIRS + 1)
    ]
    pairs = [
        Pair.objects.create(
            code=f"pair-{i}",
            principal=subjects[0],
            agent=subjects[i + 1],
            position=i,
            name=f"Pair {i}",
        )
        for i in range(PAIRS)
    ]
    Process.objects.bulk_create(
        Process(code=f"p-{i:05d}", pair=pairs[i % PAIRS], position=i, name=f"Process {i}")
        for i in range(processes)
    )
    round_ = Round.objects.create(
        year=2099, title="Benchmark round", methodology=methodology, status=Round.Status.OPEN
    )
    ProcessAssessment.objects.bulk_create(
        ProcessAssessment(round=round_, process=p, position=p.position, title=p.name)
        for p in Process.objects.filter(code__startswith="p-")
    )
    chair = get_user_model().objects.create_user("bench-chair", is_staff=True)
    chair.groups.add(Group.objects.get(name=permissions.CHAIR))
    panel = Panel.objects.create(round=round_, name="Benchmark panel")
    PanelMembership.objects.create(panel=panel, user=chair, role="chair")
    return round_, chair


def csv_of(processes: int) -> bytes:
    out = io.StringIO()
    out.write("process,dimension,value,justification_en\n")
    for i in range(processes):
        for code, _scored, _gating in DIMENSIONS:
            out.write(f"p-{i:05d},{code},{(i + len(code)) % 2},Benchmark row {i}\n")
    return out.getvalue().encode()


SLOWEST = int(os.environ.get("BENCH_SLOWEST", "0"))  # print the N slowest kinds of query
PROFILE = int(os.environ.get("BENCH_PROFILE", "0"))  # print the N costliest functions


def timed(label: str, rows: int, call):
    # Wall time is what a user waits; CPU time (this process only, not the database
    # server's) tells how much of it was ours on a shared machine. Queries are counted:
    # their number must not grow with the rows (tests/imports/test_queries.py pins it).
    from django.test.utils import CaptureQueriesContext

    profiler = cProfile.Profile() if PROFILE else None
    started, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        if profiler:
            profiler.enable()
        result = call()
        if profiler:
            profiler.disable()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{label:<46} {seconds:8.2f} s  {rows / seconds:6.0f} rows/s   (CPU {cpu:7.2f} s)"
        f"  {len(queries):5d} queries",
        flush=True,
    )
    if SLOWEST:
        kinds: dict[str, float] = {}
        for query in queries.captured_queries:
            kind = " ".join(query["sql"].split()[:4])[:70]
            kinds[kind] = kinds.get(kind, 0.0) + float(query["time"])
        for kind, spent in sorted(kinds.items(), key=lambda k: -k[1])[:SLOWEST]:
            print(f"      {spent:7.2f} s  {kind}")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(PROFILE)
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    processes = args.rows // len(DIMENSIONS)
    rows = processes * len(DIMENSIONS)

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from assessments.exchange import imports, resources
        from assessments.models import Rating

        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        round_, chair = build(processes)
        data = csv_of(processes)
        print(f"file: {rows:,} rows, {len(data) / 2**20:.1f} MB CSV")

        def run(payload: bytes, name: str, dry_run: bool):
            report = imports.run_import(
                kind="ratings",
                data=payload,
                filename=name,
                actor=chair,
                round_=round_,
                reason="Benchmark",
                dry_run=dry_run,
            )
            assert report.ok, [str(e) for e in report.errors[:5]]
            return report

        timed(
            "1. preview (read + check, nothing written)", rows, lambda: run(data, "bench.csv", True)
        )
        report, _ = timed(
            "2. import: new ratings, one transaction", rows, lambda: run(data, "bench.csv", False)
        )
        assert report.written and report.counts["create"] == rows
        assert Rating.objects.filter(assessment__round=round_).count() == rows

        exported, _ = timed(
            "   export of the round's ratings (XLSX)",
            rows,
            lambda: resources.export_rows("ratings", round_, "xlsx"),
        )
        timed("   read + check of that XLSX", rows, lambda: run(exported, "bench.xlsx", True))
        flipped = resources.export_rows("ratings", round_, "csv").decode("utf-8-sig")
        lines = flipped.splitlines()
        header = lines[0].split(",")
        value = header.index("value")
        changed = [lines[0]]
        for line in lines[1:]:
            cells = line.split(",")
            cells[value] = "1" if cells[value] == "0" else "0"
            changed.append(",".join(cells))
        report, _ = timed(
            "3. re-import: every value changed (revisions)",
            rows,
            lambda: run("\n".join(changed).encode(), "flip.csv", False),
        )
        assert report.counts["update"] == rows
        history = Rating.history.filter(assessment__round=round_).count()
        print(f"history records: {history:,} (one per change, each with its reason)")
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
