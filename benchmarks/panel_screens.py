"""Time the panel's screens one request at a time, beside a trivial view in the same process.

    .venv/bin/python benchmarks/panel_screens.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/acc_screens \
        .venv/bin/python benchmarks/panel_screens.py --requests 30

A panel waits on these pages one at a time, so what counts is how long one takes, not how
many a server answers: each is asked `--requests` times by Django's test client, and the
median, the 90th percentile, the queries and the size of the answer are printed beside
those of a trivial JsonResponse asked the same way (its time is the floor any page pays:
middleware, session, user).

The data is the 2016 study (19 processes in 5 pairs, 4 dimensions) and its 2017 round
started from it, open, as a panel would have it mid-round: a chair and three experts
covering every pair, each expert's own rating of every process on every dimension with a
justification, a discussion thread with a reply on each process, and two citations with
an edition on each. It runs in a throw-away test database (test_<name>, created and
dropped here; in memory for SQLite), never in the one DATABASE_URL names.

The writes (a cell saved, a consensus saved) go through the same views as the browser's,
each with the revision it read, so every one is a real change with its history row.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.api_load_settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret-" + "x" * 40)
os.environ["DJANGO_DEBUG"] = "false"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)


def build():
    """The study's round, its 2017 round open, and a panel at work on it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from assessments import permissions, services
    from assessments.models import LegalAct, ProcessAssessment, Round
    from assessments.roles import ensure_roles
    from assessments.services import onboarding
    from tests.factories import UserFactory

    call_command("load_study", verbosity=0)
    ensure_roles()
    staff = UserFactory(username="staff")
    staff.groups.add(Group.objects.get(name=permissions.STAFF))
    study = Round.objects.get(year=2016)
    round_ = services.start_next_round(actor=staff, source=study, year=2017, reason="Benchmark")
    round_ = services.transition_round(actor=staff, round_=round_, to="open", reason="Benchmark")
    members = [onboarding.Member(role="chair", username="chair", password="Chair-pass-2017!")]
    members += [
        onboarding.Member(role="expert", username=f"expert{n}", password=f"Expert-pass-{n}-2017!")
        for n in range(1, 4)
    ]
    onboarding.onboard_panel(actor=staff, round_=round_, name="Panel", members=members)
    users = {u.username: u for u in get_user_model().objects.all()}
    experts = [users[f"expert{n}"] for n in range(1, 4)]
    acts = list(LegalAct.objects.filter(editions__isnull=False).distinct()[:2])
    assessments = list(ProcessAssessment.objects.filter(round=round_).order_by("pk"))
    for a in assessments:
        for d in round_.methodology.dimensions.all():
            for n, expert in enumerate(experts):
                services.record_expert_rating(
                    actor=expert,
                    assessment=a,
                    dimension=d,
                    value=(a.pk + d.pk + n) % 2,
                    justification={"en": "As the act reads.", "ky": "Мыйзам боюнча."},
                    reason="Benchmark",
                )
        thread = services.start_thread(actor=experts[0], assessment=a, body="Why absent?")
        services.reply(actor=experts[1], thread=thread, body="No by-law sets it.")
        for act in acts:
            services.add_citation(
                actor=users["chair"],
                assessment=a,
                act=act,
                edition=act.editions.first(),
                article="12",
                reason="Benchmark",
            )
    return round_, assessments[0], round_.methodology.dimensions.order_by("position")[0], users


def measure(client: Client, method: str, url: str, data=None, requests: int = 20):
    times, queries, size, status = [], 0, 0, 0
    for i in range(requests + 1):
        payload = data(i) if callable(data) else data
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = getattr(client, method)(url, payload) if payload else client.get(url)
            spent = time.perf_counter() - start
        if i:  # the first asks for what a process caches (templates, content types)
            times.append(spent)
        queries, size, status = len(captured), len(response.content), response.status_code
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1], queries, size, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20, help="requests per screen")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.urls import reverse

        from assessments.models import ExpertRating, Rating

        print(f"database: {connection.vendor}; machine: {os.cpu_count()} CPUs, ", end="")
        print(f"load average {os.getloadavg()[0]:.1f}")
        started = time.perf_counter()
        round_, assessment, dimension, users = build()
        print(f"data: built in {time.perf_counter() - started:.1f} s\n")
        # The collector as a production worker runs it (accountability/wsgi.py).
        gc.freeze()
        gc.set_threshold(20_000, 50, 100)

        def client_of(name: str) -> Client:
            client = Client()
            client.force_login(users[name])
            return client

        def cell_post(i: int) -> dict:
            mine = ExpertRating.objects.get(
                assessment=assessment, dimension=dimension, expert=users["expert1"]
            )
            prefix = f"cell-{assessment.pk}-{dimension.pk}"
            return {
                f"{prefix}-value": str(1 - mine.value),
                f"{prefix}-justification_en": f"Read again ({i}).",
                f"{prefix}-reason": "Benchmark",
                f"{prefix}-expected_revision": str(mine.revision),
            }

        def consensus_post(i: int) -> dict:
            rating = Rating.objects.filter(assessment=assessment, dimension=dimension).first()
            return {
                "value": str(i % 2),
                "justification_en": f"The panel agrees ({i}).",
                "reason": "Benchmark",
                "expected_revision": str(rating.revision if rating else 0),
            }

        r, a, d = round_.pk, assessment.pk, dimension.pk
        process_page = f"/en/admin/assessments/processassessment/{a}/change/"
        screens = [
            ("trivial view (the floor)", "expert1", "get", "/bench/trivial/", None),
            ("admin index", "expert1", "get", "/en/admin/", None),
            ("rating sheet", "expert1", "get", f"/en/admin/assessments/round/{r}/sheet/", None),
            (
                "rating sheet, in Kyrgyz",
                "expert1",
                "get",
                f"/ky/admin/assessments/round/{r}/sheet/",
                None,
            ),
            (
                "a cell saved (fetch)",
                "expert1",
                "post",
                f"/en/admin/assessments/round/{r}/sheet/{a}/{d}/",
                cell_post,
            ),
            ("process page", "expert1", "get", process_page, None),
            ("chair's view", "chair", "get", f"/en/admin/assessments/chair/{r}/", None),
            (
                "a consensus saved",
                "chair",
                "post",
                f"/en/admin/assessments/chair/{r}/consensus/{a}/{d}/",
                consensus_post,
            ),
            ("process page", "chair", "get", process_page, None),
            (
                "round page",
                "staff",
                "get",
                reverse("admin:assessments_round_change", args=[r]),
                None,
            ),
            ("process page", "staff", "get", process_page, None),
        ]
        head = ("screen", "as", "median", "p90", "x trivial", "queries", "kB")
        print("{:28} {:8} {:>9} {:>9} {:>9} {:>8} {:>6}".format(*head))
        floor = None
        for name, who, method, url, data in screens:
            client = client_of(who)
            if "fetch" in name:
                client.defaults["HTTP_X_REQUESTED_WITH"] = "fetch"
            median, p90, queries, size, status = measure(client, method, url, data, args.requests)
            floor = floor or median
            assert status in (200, 302), (name, status)
            print(
                f"{name:28} {who:8} {median * 1000:7.1f} ms {p90 * 1000:6.1f} ms"
                f" {median / floor:9.0f} {queries:8d} {size / 1024:6.0f}"
            )
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
