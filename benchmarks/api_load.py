"""Load the API's figures endpoints under gunicorn and PostgreSQL, beside a trivial view.

    .venv/bin/python benchmarks/api_load.py          # 30 rounds x 300 processes, about 6 minutes
    .venv/bin/python benchmarks/api_load.py --passes 5 --duration 10 --workers 2

What it does, and undoes:
1. creates its own PostgreSQL database (acc_bench on 127.0.0.1:5432, user postgres),
   migrates it and fills it with bulk_create: ROUNDS published rounds of PROCESSES
   processes in 10 pairs, four consensus ratings each, ten experts' own ratings of
   every one of them, a citation per assessment and printed pair indices (some wrong);
2. starts gunicorn (sync workers, as in production) on a free loopback port, with the
   settings of benchmarks/api_load_settings.py: the product's plus a trivial
   JsonResponse view at /bench/trivial/, throttling off; and a second one with the
   product's throttling on, loaded from random client addresses (X-Forwarded-For) as
   real traffic would be. The cache is Redis at 127.0.0.1:6379 when it answers
   (production's shape), else per-process memory;
3. asks each endpoint once (cold: computed and cached), warms up, then loads each for
   a fixed time with wrk (or, without wrk, a bounded Python client), in several
   passes that interleave the endpoints, so that a machine busy with other work
   weighs on all of them alike: requests per second, latency percentiles and
   non-2xx answers, which must be 0;
4. stops gunicorn and drops the database, whatever happened.

Not collected by pytest (benchmarks/ is outside testpaths).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
# Another name (BENCH_DATABASE) keeps two engineers' runs on one server apart.
DB_NAME = os.environ.get("BENCH_DATABASE", "acc_bench")
# The panel member's API token, written by the generator for the load client.
TOKEN_FILE = Path(tempfile.gettempdir()) / f"{DB_NAME}-{os.getuid()}-token"
SERVER = "postgres://postgres@127.0.0.1:5432"


@dataclass
class Result:
    name: str
    url: str
    requests_per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    non_2xx: int
    requests: int
    cold_ms: float | None = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--processes", type=int, default=300)
    parser.add_argument("--experts", type=int, default=10)
    parser.add_argument(
        "--duration", type=int, default=5, help="seconds of load per endpoint and pass"
    )
    parser.add_argument(
        "--passes",
        type=int,
        default=3,
        help="rounds over all endpoints; interleaving them evens out a busy machine",
    )
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--no-throttled",
        action="store_true",
        help="skip the second server, the one with the product's throttling on",
    )
    parser.add_argument(
        "--no-redis", action="store_true", help="per-process memory cache even if Redis answers"
    )
    parser.add_argument("--python-client", action="store_true", help="don't use wrk")
    parser.add_argument("--only-data", action="store_true", help="generate, then stop")
    parser.add_argument(
        "--only",
        help="load only the endpoints whose name contains this (several: 'a|b')",
    )
    parser.add_argument("--no-import", action="store_true", help="skip the 10,000-row import")
    parser.add_argument(
        "--first-start",
        action="store_true",
        help="also time ./dev.sh serve on a fresh clone of this checkout to the first page",
    )
    parser.add_argument(
        "--reuse-data",
        action="store_true",
        help=f"use {DB_NAME} as a previous --keep-database run left it",
    )
    parser.add_argument(
        "--keep-database", action="store_true", help=f"leave {DB_NAME} for a look afterwards"
    )
    args = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{DB_NAME}",
        "DJANGO_SETTINGS_MODULE": "benchmarks.api_load_settings",
        "DJANGO_SECRET_KEY": "benchmark-only-not-a-secret-" + "x" * 40,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BENCH_CACHE_PREFIX": f"acc-bench-{uuid.uuid4().hex[:8]}",
        "BENCH_THROTTLE": "0",
        "PYTHONPATH": str(ROOT),
        "BENCH_TOKEN_FILE": str(TOKEN_FILE),
    }
    if not args.no_redis and _redis_answers():
        env["CACHE_URL"] = "redis://127.0.0.1:6379/0"
    cache = "Redis" if "CACHE_URL" in env else "per-process memory (no Redis)"
    client = "python" if args.python_client or not shutil.which("wrk") else "wrk"

    if not args.reuse_data:
        _create_database()
    servers: list[subprocess.Popen] = []
    try:
        started = time.monotonic()
        if not args.reuse_data:
            _run_django(env, "migrate", "--noinput", "-v0")
            _run_django(
                env,
                "generate",
                str(args.rounds),
                str(args.processes),
                str(args.experts),
                quiet=False,
            )
            print(f"database ready in {time.monotonic() - started:.0f} s")
        if args.only_data:
            return
        port = _free_port()
        servers.append(_start_gunicorn(env, port, args.workers))
        base = f"http://127.0.0.1:{port}"
        first, last = 2000 - args.rounds + 1, 2000
        scores = f"/api/v1/rounds/{last}/scores/?lang=en"
        compare = f"/api/v1/compare/?a={first}&b={last}&lang=en"
        series = "/api/v1/series/?lang=en"
        member = {"Authorization": f"Token {TOKEN_FILE.read_text().strip()}"}
        c = args.connections
        # Every browser asks for compressed answers; the cached pages and figures are kept
        # compressed too. One page is also loaded without, to show what the bytes cost.
        b = BROWSER
        # (name, url, from many client addresses, headers, connections)
        endpoints: list[tuple[str, str, bool, dict[str, str], int]] = [
            ("trivial JsonResponse", base + "/bench/trivial/", False, {}, c),
            ("scores (JSON)", base + scores, False, b, c),
            ("scores (CSV)", base + scores + "&format=csv", False, b, c),
            ("comparison", base + compare, False, b, c),
            ("time series", base + series, False, b, c),
            # The public site, anonymous: every page of a round, and the site's own.
            ("page: home", base + "/en/", False, b, c),
            ("page: rounds", base + "/en/rounds/", False, b, c),
            ("page: round", f"{base}/en/rounds/{last}/", False, b, c),
            ("page: pair", f"{base}/en/rounds/{last}/pairs/pair-0/", False, b, c),
            ("page: compare", f"{base}/en/compare/?a={first}&b={last}", False, b, c),
            ("page: methodology", base + "/en/methodology/", False, b, c),
            ("page: downloads", base + "/en/downloads/", False, b, c),
            ("page: chart (SVG)", f"{base}/en/rounds/{last}/charts/pairs.svg", False, b, c),
            ("page: embed pair", f"{base}/en/embed/rounds/{last}/pairs/pair-0/", False, b, c),
            ("page: scores.csv", f"{base}/en/rounds/{last}/scores.csv", False, b, c),
            ("uncompressed: compare page", f"{base}/en/compare/?a={first}&b={last}", False, {}, c),
            # Lists of a published round: anonymous (public rows), and a panel member's
            # (the experts' own ratings are hers to read, with her token).
            ("list: ratings", f"{base}/api/v1/ratings/?year={last}&lang=en", False, {}, c),
            ("list: assessments", f"{base}/api/v1/assessments/?year={last}&lang=en", False, {}, c),
            ("list: citations", f"{base}/api/v1/citations/?year={last}&lang=en", False, {}, c),
            (
                "list: expert ratings (member)",
                f"{base}/api/v1/expert-ratings/?year={last}&lang=en",
                False,
                member,
                c,
            ),
            # A round in work, as a panel member reads it: her browser or script, 2 connections.
            (
                "draft: ratings (member, c2)",
                f"{base}/api/v1/ratings/?year=2001&lang=en",
                False,
                member,
                2,
            ),
            (
                "draft: expert ratings (m., c2)",
                f"{base}/api/v1/expert-ratings/?year=2001&lang=en",
                False,
                member,
                2,
            ),
        ]
        if not args.no_throttled:
            # The same app beside it, throttling on, each request from a random address.
            throttled_port = _free_port()
            throttled = {**env, "BENCH_THROTTLE": "1"}
            servers.append(_start_gunicorn(throttled, throttled_port, args.workers))
            other = f"http://127.0.0.1:{throttled_port}"
            endpoints += [
                ("throttled: trivial", other + "/bench/trivial/", True, {}, c),
                ("throttled: scores (JSON)", other + scores, True, b, c),
                ("throttled: comparison", other + compare, True, b, c),
                ("throttled: time series", other + series, True, b, c),
                (
                    "throttled: ratings list",
                    f"{other}/api/v1/ratings/?year={last}&lang=en",
                    True,
                    b,
                    c,
                ),
            ]
        if args.only:
            wanted = args.only.split("|")
            endpoints = [
                e
                for e in endpoints
                if e[0] == "trivial JsonResponse" or any(w in e[0] for w in wanted)
            ]
        cold = {}
        for name, url, many, headers, connections in endpoints:
            cold[name] = _cold(url, headers)
            _load(client, url, args.warmup, connections, many, headers)
        passes: dict[str, list[Result]] = {e[0]: [] for e in endpoints}
        for i in range(args.passes):
            # Each pass starts at another endpoint: none always runs first or last.
            for name, url, many, headers, connections in endpoints[i:] + endpoints[:i]:
                passes[name].append(_load(client, url, args.duration, connections, many, headers))
        results = [_combine(e[0], passes[e[0]], cold[e[0]]) for e in endpoints]
        _report(results, args, cache, client)
        for server in servers:  # what follows has the machine to itself
            server.send_signal(signal.SIGTERM)
        renders = _cold_renders(env, first, last)
        imported = {} if args.no_import else _import()
        started_in = _first_start() if args.first_start else None
        _verdict(results, renders, imported, started_in)
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        if not args.keep_database:
            _drop_database()


# --- the database --------------------------------------------------------------------------


def _admin():
    import psycopg

    return psycopg.connect(f"{SERVER}/postgres", autocommit=True)


def _create_database() -> None:
    with _admin() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def _drop_database() -> None:
    with _admin() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    print(f"dropped database {DB_NAME}")


def _run_django(env: dict[str, str], *argv: str, quiet: bool = True) -> None:
    """Run Django work in a child process, so that this one holds no connection to the database."""
    subprocess.run(
        [PYTHON, __file__, "--django", *argv],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def _django_child(argv: list[str]) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    if argv[0] == "generate":
        _generate(int(argv[1]), int(argv[2]), int(argv[3]))
    elif argv[0] == "cold-renders":
        _measure_cold_renders(argv[1], argv[2])
    else:
        call_command(*argv)


def _generate(rounds: int, processes: int, experts: int) -> None:
    """A long synthetic history, written with bulk_create (no history rows, no signals)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from assessments import models as m

    rng = random.Random(2016)
    started = time.monotonic()
    with transaction.atomic():
        methodology = m.Methodology.objects.create(
            code="idea-4d", version="2016", title_en="Four dimensions", title_ky="Төрт өлчөм"
        )
        dimensions = m.Dimension.objects.bulk_create(
            m.Dimension(
                methodology=methodology,
                code=code,
                position=i,
                name_en=code,
                name_ky=code,
                is_scored=code != "demand",
                is_gating=code == "demand",
            )
            for i, code in enumerate(["rules", "demand", "motivation", "enforcement"], 1)
        )
        m.ScaleLevel.objects.bulk_create(
            m.ScaleLevel(methodology=methodology, value=v, label_en=label)
            for v, label in ((0, "absent"), (1, "present"))
        )
        subjects = m.Subject.objects.bulk_create(
            m.Subject(
                code=f"subject-{i}",
                kind=m.Subject.Kind.CITIZENS,
                role=m.Subject.Role.BOTH,
                position=i,
                name_en=f"Subject {i}",
                name_ky=f"Субъект {i}",
            )
            for i in range(6)
        )
        links = [(a, b) for a in range(6) for b in range(6) if a != b][:10]
        pairs = m.Pair.objects.bulk_create(
            m.Pair(
                code=f"pair-{i}",
                principal=subjects[a],
                agent=subjects[b],
                position=i,
                name_en=f"Subject {a} → Subject {b}",
                name_ky=f"Субъект {a} → Субъект {b}",
            )
            for i, (a, b) in enumerate(links)
        )
        all_processes = m.Process.objects.bulk_create(
            m.Process(
                code=f"process-{i}",
                pair=pairs[i % len(pairs)],
                position=i,
                name_en=f"Process {i}",
                name_ky=f"Процесс {i}",
            )
            for i in range(processes)
        )
        act = m.LegalAct.objects.create(
            code="constitution", kind=m.LegalAct.Kind.CONSTITUTION, title_en="Constitution"
        )
        users = get_user_model().objects.bulk_create(
            get_user_model()(username=f"expert-{i}", password="!") for i in range(experts)
        )
        years = range(2000 - rounds + 1, 2001)
        all_rounds = m.Round.objects.bulk_create(
            m.Round(
                year=year,
                methodology=methodology,
                status=m.Round.Status.DRAFT,
                title_en=f"Assessment {year}",
                title_ky=f"Баалоо {year}",
            )
            for year in years
        )
        assessments = m.ProcessAssessment.objects.bulk_create(
            m.ProcessAssessment(
                round=r, process=p, position=p.position, title_en=p.name_en, title_ky=p.name_ky
            )
            for r in all_rounds
            for p in all_processes
        )
        ratings, expert_ratings, citations = [], [], []
        for a in assessments:
            citations.append(m.Citation(assessment=a, act=act, article=str(rng.randint(1, 99))))
            for d in dimensions:
                value = 1 if d.code == "demand" and rng.random() < 0.9 else rng.randint(0, 1)
                ratings.append(m.Rating(assessment=a, dimension=d, value=value))
                expert_ratings.extend(
                    m.ExpertRating(
                        assessment=a,
                        dimension=d,
                        expert=u,
                        value=value if rng.random() < 0.8 else 1 - value,
                    )
                    for u in users
                )
        m.Rating.objects.bulk_create(ratings, batch_size=5000)
        m.Citation.objects.bulk_create(citations, batch_size=5000)
        m.ExpertRating.objects.bulk_create(expert_ratings, batch_size=10000)
        m.PublishedFigure.objects.bulk_create(
            m.PublishedFigure(
                round=r,
                kind=m.PublishedFigure.Kind.PAIR_INDEX,
                pair=p,
                value=rng.randint(0, 100),
                source="synthetic",
            )
            for r in all_rounds
            for p in pairs
        )
        # A round in work (the year after the last), as a panel is rating it: its own rows,
        # and a panel covering every pair on which expert-0 sits, with an API token.
        draft = m.Round.objects.create(
            year=2001,
            methodology=methodology,
            status=m.Round.Status.OPEN,
            title_en="Assessment 2001",
            title_ky="Баалоо 2001",
        )
        draft_assessments = m.ProcessAssessment.objects.bulk_create(
            m.ProcessAssessment(
                round=draft, process=p, position=p.position, title_en=p.name_en, title_ky=p.name_ky
            )
            for p in all_processes
        )
        m.Rating.objects.bulk_create(
            (
                m.Rating(assessment=a, dimension=d, value=rng.randint(0, 1))
                for a in draft_assessments
                for d in dimensions
            ),
            batch_size=5000,
        )
        m.ExpertRating.objects.bulk_create(
            (
                m.ExpertRating(assessment=a, dimension=d, expert=u, value=rng.randint(0, 1))
                for a in draft_assessments
                for d in dimensions
                for u in users
            ),
            batch_size=10000,
        )
        member = users[0]
        for r in (all_rounds[-1], draft):
            panel = m.Panel.objects.create(round=r, name=f"Panel {r.year}")
            m.PanelMembership.objects.create(panel=panel, user=member, role="expert")
        from django.contrib.auth.models import Group

        from assessments import permissions
        from assessments.roles import ensure_roles

        ensure_roles()
        member.groups.add(Group.objects.get(name=permissions.EXPERT))
        from knox.models import AuthToken

        _token, key = AuthToken.objects.create(member)
        Path(os.environ["BENCH_TOKEN_FILE"]).write_text(key)
        # Published last: the database refuses rows added to a published round.
        for r in all_rounds:
            m.Round.objects.filter(pk=r.pk).update(
                status=m.Round.Status.PUBLISHED,
                published_at=timezone.make_aware(datetime.datetime(r.year, 6, 1)),
            )
    # Planner statistics, as a database in service has them (autovacuum would, later).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"generated {len(all_rounds)} rounds x {processes} processes: {len(assessments)} "
        f"assessments, {len(ratings)} ratings, {len(expert_ratings)} experts' ratings, "
        f"{len(citations)} citations in {time.monotonic() - started:.0f} s"
    )


# --- the server ----------------------------------------------------------------------------


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    gunicorn = str(Path(PYTHON).parent / "gunicorn")
    server = subprocess.Popen(
        [
            gunicorn,
            "accountability.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _get(f"http://127.0.0.1:{port}/bench/trivial/")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not answer within 60 s")


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    match = re.match(r"http://([^:/]+):(\d+)(.*)", url)
    host, port, path = match[1], int(match[2]), match[3]
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _cold(url: str, headers: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    status, _body = _get(url, headers)
    if status != 200:
        raise RuntimeError(f"{url} answered {status}")
    return (time.perf_counter() - started) * 1000


# --- the load ----------------------------------------------------------------------------


LUA = Path(__file__).with_name("api_load_clients.lua")
# What a browser sends that changes the answer: it accepts compressed bodies.
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}


def _load(
    client: str,
    url: str,
    duration: int,
    connections: int,
    many: bool,
    headers: dict[str, str] | None = None,
) -> Result:
    if client == "wrk":
        return _wrk(url, duration, connections, many, headers or {})
    return _python_load(url, duration, connections, many, headers or {})


def _wrk(url: str, duration: int, connections: int, many: bool, headers: dict[str, str]) -> Result:
    threads = min(2, connections)
    script = ["-s", str(LUA)] if many else []
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            *script,
            *header_args,
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|90|99)%\s+([\d.]+\w+)", out, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    if errors:
        print(f"  wrk socket errors for {url}: {errors[1]}")
    return Result(
        name="",
        url=url,
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        p50_ms=_ms(percentiles["50"]),
        p90_ms=_ms(percentiles["90"]),
        p99_ms=_ms(percentiles["99"]),
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        requests=int(re.search(r"(\d+) requests in", out)[1]),
    )


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _python_load(
    url: str, duration: int, connections: int, many: bool, fixed: dict[str, str]
) -> Result:
    """A bounded client for machines without wrk: `connections` threads for `duration` s."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def worker() -> None:
        rng = random.Random()
        mine, bad = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            headers = dict(fixed)
            if many:
                headers["X-Forwarded-For"] = f"10.{rng.randrange(256)}.{rng.randrange(256)}.1"
            try:
                status, _body = _get(url, headers)
            except OSError:
                status = 0
            mine.append((time.perf_counter() - started) * 1000)
            bad += not 200 <= status < 300
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cuts = statistics.quantiles(latencies, n=100)
    return Result(
        "",
        url,
        len(latencies) / duration,
        cuts[49],
        cuts[89],
        cuts[98],
        failures[0],
        len(latencies),
    )


def _combine(name: str, runs: list[Result], cold_ms: float) -> Result:
    """All passes of one endpoint: total throughput, median of each percentile."""
    seconds = sum(r.requests / r.requests_per_second for r in runs if r.requests_per_second)
    return Result(
        name=name,
        url=runs[0].url,
        requests_per_second=sum(r.requests for r in runs) / seconds if seconds else 0.0,
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p90_ms=statistics.median(r.p90_ms for r in runs),
        p99_ms=statistics.median(r.p99_ms for r in runs),
        non_2xx=sum(r.non_2xx for r in runs),
        requests=sum(r.requests for r in runs),
        cold_ms=cold_ms,
    )


def _report(results: list[Result], args: argparse.Namespace, cache: str, client: str) -> None:
    ceiling = results[0].requests_per_second
    print()
    print(
        f"{args.rounds} rounds x {args.processes} processes, {args.experts} experts each; "
        f"gunicorn {args.workers} sync workers; cache: {cache}; client: {client}, "
        f"{args.connections} connections, {args.passes} passes of {args.duration} s per endpoint"
    )
    header = (
        f"{'endpoint':<32} {'req/s':>8} {'of trivial':>10} {'p50 ms':>8} {'p90 ms':>8} "
        f"{'p99 ms':>8} {'non-2xx':>8} {'cold ms':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        cold = f"{r.cold_ms:9.0f}" if r.cold_ms is not None else ""
        print(
            f"{r.name:<32} {r.requests_per_second:8.0f} {r.requests_per_second / ceiling:10.0%} "
            f"{r.p50_ms:8.2f} {r.p90_ms:8.2f} {r.p99_ms:8.2f} {r.non_2xx:8d} {cold}"
        )
    print("(% of trivial: against the trivial view of this run, on the unthrottled server)")


# --- cold renders, the import, the first start, and the verdict ---------------------------

# Pages whose first render the cold-render step times (round 2000 unless said).
COLD_PAGES = {
    "home": "/en/",
    "round": "/en/rounds/{last}/",
    "pair": "/en/rounds/{last}/pairs/pair-0/",
    "compare": "/en/compare/?a={first}&b={last}",
    "rounds": "/en/rounds/",
    "methodology": "/en/methodology/",
    "chart (SVG)": "/en/rounds/{last}/charts/pairs.svg",
}


def _cold_renders(env: dict[str, str], first: int, last: int) -> dict[str, tuple[float, float]]:
    """Each page's first render, timed in a Django process of its own (no server, no load)."""
    child = {k: v for k, v in env.items() if k != "CACHE_URL"}  # per-process memory cache
    child["DJANGO_ALLOWED_HOSTS"] = env["DJANGO_ALLOWED_HOSTS"] + ",testserver"
    out = subprocess.run(
        [PYTHON, __file__, "--django", "cold-renders", str(first), str(last)],
        env=child,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    renders = {}
    for line in out.splitlines():
        if line.startswith("cold "):
            _tag, name, render_ms, first_ms = line.rsplit(" ", 3)
            renders[name.removeprefix("cold ").replace("_", " ")] = (
                float(render_ms),
                float(first_ms),
            )
    print()
    print("cold renders, one request at a time (median of 3; page bytes dropped):")
    print(f"{'page':<16} {'render ms':>10} {'first ever ms':>14}")
    for name, (render_ms, first_ms) in renders.items():
        print(f"{name:<16} {render_ms:10.0f} {first_ms:14.0f}")
    print(
        "(render: the page built again with its round's figures known, as after any page of "
        "the round; first ever: every cache empty, the round's figures computed too)"
    )
    return renders


def _measure_cold_renders(first: str, last: str) -> None:
    import statistics

    from django.core.cache import cache
    from django.test import Client

    from assessments.api import caching

    def drop_pages() -> None:
        # The kept page bytes only: the rounds' figures (indices, intervals) stay.
        caching.clear_local()
        for key in [k for k in list(cache._cache) if ":body:" in k]:
            cache.delete(key.split(":", 2)[2])

    client = Client()
    client.get("/bench/trivial/")  # imports and the first connection are not a render
    for name, template in COLD_PAGES.items():
        url = template.format(first=first, last=last)
        cache.clear()
        caching.clear_local()
        started = time.perf_counter()
        assert client.get(url).status_code == 200, url
        first_ms = (time.perf_counter() - started) * 1000
        times = []
        for _ in range(3):
            drop_pages()
            started = time.perf_counter()
            assert client.get(url).status_code == 200, url
            times.append((time.perf_counter() - started) * 1000)
        print(f"cold {name.replace(' ', '_')} {statistics.median(times):.1f} {first_ms:.1f}")


def _import() -> dict[str, float]:
    """benchmarks/import_10k.py in its own test database; its timings by step."""
    print()
    print("import of 10,000 rows (benchmarks/import_10k.py, in test_" + DB_NAME + "):")
    out = subprocess.run(
        [PYTHON, str(ROOT / "benchmarks" / "import_10k.py")],
        env={**os.environ, "DATABASE_URL": f"{SERVER}/{DB_NAME}"},
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    print(out.stdout, end="")
    if out.returncode:
        print(out.stderr[-2000:], end="")
    steps = {}
    for number, seconds in re.findall(r"^([123])\. .*?([\d.]+) s ", out.stdout, re.MULTILINE):
        steps[{"1": "preview", "2": "import", "3": "re-import"}[number]] = float(seconds)
    return steps


def _first_start() -> float | None:
    """./dev.sh serve on a fresh clone of this checkout's HEAD: seconds to the first 200 of /en/."""
    clone = Path(tempfile.mkdtemp(prefix="first-start-"))
    port = _free_port()
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    started = time.monotonic()
    server = subprocess.Popen(
        ["./dev.sh", "serve"],
        cwd=clone,
        env={**os.environ, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    seconds = None
    try:
        while time.monotonic() - started < 600 and server.poll() is None:
            try:
                if _get(f"http://127.0.0.1:{port}/en/")[0] == 200:
                    seconds = time.monotonic() - started
                    break
            except OSError:
                pass
            time.sleep(0.5)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        shutil.rmtree(clone, ignore_errors=True)
    print()
    print(f"first start (./dev.sh serve on a fresh clone): {seconds or 0:.0f} s to the first page")
    return seconds


def _verdict(
    results: list[Result],
    renders: dict[str, tuple[float, float]],
    imported: dict[str, float],
    started_in: float | None,
) -> None:
    ceiling = results[0].requests_per_second
    throttled_trivial = next(
        (r.requests_per_second for r in results if r.name == "throttled: trivial"), None
    )
    print()
    print(f"targets (issue 12), load average now {os.getloadavg()[0]:.1f}:")

    def line(what: str, measured: str, goal: str, met: bool | None) -> None:
        verdict = "not measured" if met is None else "meets" if met else "MISSES"
        print(f"  {what:<34} {measured:<44} {verdict} {goal}")

    for r in results:
        share = r.requests_per_second / ceiling
        measured = f"{share:4.0%} of trivial, p99 {r.p99_ms:6.1f} ms"
        if r.name.startswith("page:"):
            line(r.name, measured, "80% of trivial, p99 < 100 ms", share >= 0.8 and r.p99_ms < 100)
        elif r.name.startswith(("throttled: scores", "throttled: comparison", "throttled: time")):
            own = r.requests_per_second / throttled_trivial if throttled_trivial else 0
            line(
                r.name,
                f"{measured} ({own:.0%} of its server's)",
                "80% of trivial",
                share >= 0.8,
            )
        elif r.name.startswith("list:"):
            line(r.name, measured, "30% of trivial", share >= 0.3)
        elif r.name.startswith("draft:"):
            line(r.name, f"p99 {r.p99_ms:.1f} ms", "p99 < 100 ms", r.p99_ms < 100)
    for name, (render_ms, first_ms) in renders.items():
        line(
            f"cold render: {name}",
            f"{render_ms:.0f} ms (first ever {first_ms:.0f} ms)",
            "under 300 ms",
            render_ms < 300,
        )
    if imported:
        total = imported.get("preview", 0) + imported.get("import", 0)
        line(
            "import 10,000 rows with preview",
            f"{total:.1f} s (preview + import)",
            "under 10 s",
            total < 10 and "import" in imported,
        )
    else:
        line("import 10,000 rows with preview", "", "(--no-import)", None)
    if started_in is not None:
        line("./dev.sh serve, fresh clone", f"{started_in:.0f} s", "under 60 s", started_in < 60)
    else:
        line("./dev.sh serve, fresh clone", "", "(run with --first-start)", None)
    line("CI on a clean clone", "", "(.ci/run; see benchmarks/README.md)", None)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--django":
        sys.path.insert(0, str(ROOT))
        _django_child(sys.argv[2:])
    else:
        main()
