"""A newcomer's first hour: settings, `.env.example`, the commands' language, the image's shape.

Settings are read once per process, so what depends on the environment runs in a
fresh `python` with only the variables a new user would have.
"""

import os
import re
import secrets
import string
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from assessments import permissions

ROOT = Path(__file__).resolve().parent.parent
ENV_EXAMPLE = ROOT / ".env.example"


def fresh_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run `code` after django.setup() in a new interpreter, with nothing but `env` set."""
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/tmp", **env}
    script = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'accountability.settings'; "
        "django.setup(); " + code
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def example_variables(*, production: bool = False) -> dict[str, str]:
    """The variables `.env.example` sets; with `production`, its commented section applied."""
    active, commented = {}, {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if m := re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line):
            active[m[1]] = m[2]
        elif m := re.fullmatch(r"# ([A-Z][A-Z0-9_]*)=(.*)", line):
            commented[m[1]] = m[2]
    return {**active, **commented} if production else active


def test_with_no_environment_the_settings_are_developments():
    result = fresh_python(
        "from django.conf import settings as s; "
        "print(s.ENVIRONMENT, s.DEBUG, s.SECURE_SSL_REDIRECT, s.DATABASES['default']['ENGINE'])"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["development", "True", "False", "django.db.backends.sqlite3"]


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = fresh_python("print('started')", DJANGO_ENV="production")
    assert result.returncode != 0
    assert "DJANGO_ENV=production needs DJANGO_SECRET_KEY" in result.stderr
    assert "started" not in result.stdout


def test_production_refuses_debug_and_an_unknown_environment_is_named():
    debug = fresh_python("", DJANGO_ENV="production", DJANGO_SECRET_KEY="x" * 50, DJANGO_DEBUG="1")
    assert "DJANGO_DEBUG=true is for development" in debug.stderr
    typo = fresh_python("", DJANGO_ENV="prod")
    assert "DJANGO_ENV is 'prod'; it must be one of development, production" in typo.stderr


def test_env_example_as_copied_runs_locally_on_sqlite_over_plain_http():
    result = fresh_python(
        "from django.conf import settings as s; from django.core.cache import caches; "
        "caches['default'].set('k', 1); "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.DATABASES['default']['ENGINE'], type(caches['default']).__name__)",
        **example_variables(),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "False",
        "False",
        "django.db.backends.sqlite3",
        "LocMemCache",
    ]


def test_env_examples_production_section_passes_the_deployment_checks():
    key = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60))
    variables = example_variables(production=True) | {"DJANGO_SECRET_KEY": key}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "HOME": "/tmp", **variables},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _variables_read_by(path: Path, pattern: str) -> set[str]:
    return set(re.findall(pattern, path.read_text(encoding="utf-8"), flags=re.S))


def test_env_example_lists_every_variable_the_service_and_its_image_read():
    read = (
        _variables_read_by(ROOT / "accountability/settings.py", r'env(?:\.\w+)?\(\s*"([A-Z_]+)"')
        | _variables_read_by(ROOT / "Dockerfile", r"\$\{([A-Z_]+)")
        | _variables_read_by(ROOT / "docker-compose.yml", r"\$\{([A-Z_]+)")
        | _variables_read_by(ROOT / "dev.sh", r"\$\{?(PORT|DJANGO_[A-Z_]+|DATABASE_URL)\b")
        | _variables_read_by(
            ROOT / "assessments/management/commands/demo.py", r'environ\.get\("([A-Z_]+)"'
        )
    )
    listed = set(example_variables(production=True))
    assert {"API_THROTTLE_ANON", "API_TOKEN_TTL_DAYS", "WEB_CONCURRENCY", "PORT"} <= read
    assert read - listed == set()


# --- Commands speak the language asked for ---------------------------------------


def test_commands_answer_in_english_by_default_and_in_the_language_asked(study_round, staff):
    out = StringIO()
    call_command("round", "next", "2016", "--to-year", "2025", user="staff", reason="x", stdout=out)
    assert "Round 2025, version 1, is now: draft." in out.getvalue()
    out = StringIO()
    call_command("round", "open", "2025", user="staff", reason="x", language="ru", stdout=out)
    assert "Раунд оценки 2025, версия 1, теперь: открыт для оценки." in out.getvalue()
    with pytest.raises(CommandError) as refused:
        call_command("round", "publish", "2025", user="staff", reason="x", language="ky")
    assert "Жарыяланган жок:" in str(refused.value)
    assert "кайра каралган эмес" in str(refused.value)


@pytest.mark.parametrize(
    ("command", "args", "english", "kyrgyz"),
    [
        ("scores", ["1999"], "No round for 1999.", "1999-жылга баалоо цикли жок."),
        ("export_round", ["1999"], "No round for 1999.", "1999-жылга баалоо цикли жок."),
        (
            "round",
            ["open", "2016", "--user", "nobody", "--reason", "x"],
            "No active user nobody.",
            "nobody деген активдүү колдонуучу жок.",
        ),
    ],
)
def test_command_errors_speak_the_language_asked(db, command, args, english, kyrgyz):
    with pytest.raises(CommandError, match=re.escape(english)):
        call_command(command, *args)
    with pytest.raises(CommandError, match=re.escape(kyrgyz)):
        call_command(command, *args, language="ky")


def test_load_study_says_what_it_loaded_in_the_language_asked(db):
    out = StringIO()
    call_command("load_study", language="ru", stdout=out)
    assert out.getvalue().startswith("Загружено: 2016")
    out = StringIO()
    call_command("load_study", if_missing=True, stdout=out)
    assert "Round 2016 is loaded already." in out.getvalue()


@override_settings(PRODUCTION=False)
def test_demo_makes_a_staff_user_for_the_readmes_round_lifecycle_and_names_its_port(
    db, monkeypatch
):
    monkeypatch.setenv("PORT", "8123")
    out = StringIO()
    call_command("demo", stdout=out)
    assert "http://127.0.0.1:8123/en/admin/" in out.getvalue()
    staff = User.objects.get(username="staff")
    assert permissions.can_manage_rounds(staff) and not staff.is_superuser
    assert User.objects.get(username="demo").is_superuser


@override_settings(PRODUCTION=True)
def test_demo_refuses_production_settings(db):
    with pytest.raises(CommandError, match="for development only"):
        call_command("demo")


def test_dev_sh_serves_on_port_and_says_where():
    script = (ROOT / "dev.sh").read_text(encoding="utf-8")
    assert "export PORT=${PORT:-8000}" in script
    assert 'runserver "127.0.0.1:${PORT}"' in script
    assert "PORT" in (ROOT / "README.md").read_text(encoding="utf-8")


# --- The admin carries the product's name -------------------------------------------


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "Accountability assessments"),
        ("ru", "Оценка подотчётности"),
        ("ky", "Отчеттуулукту баалоо"),
    ],
)
def test_the_admin_is_titled_with_the_products_name(admin_client, language, title):
    page = admin_client.get(f"/{language}/admin/").content.decode()
    assert f"<title>{title}" in page or f"| {title}</title>" in page
    assert f">{title}</a>" in page
    assert "Django" not in page.split("<body")[1]


# --- The production shape -----------------------------------------------------------


def test_the_image_collects_static_files_under_production_settings():
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    env_at = next(i for i, line in enumerate(lines) if "DJANGO_ENV=production" in line)
    copy_at = max(i for i, line in enumerate(lines) if line.startswith("COPY . ."))
    collect_at = next(i for i, line in enumerate(lines) if "collectstatic --noinput" in line)
    assert env_at < copy_at < collect_at
    cmd = next(line for line in lines if line.startswith("CMD"))
    assert "${PORT:-8000}" in cmd and "${WEB_CONCURRENCY:-3}" in cmd


def test_docker_compose_is_the_production_shape_and_waits_for_postgresql():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    web = services["web"]
    assert web["build"] == "."
    assert web["depends_on"]["db"] == {"condition": "service_healthy"}
    environment = web["environment"]
    assert environment["DJANGO_ENV"] == "production"
    assert environment["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert "/healthz" in " ".join(web["healthcheck"]["test"])


def test_ci_builds_and_runs_the_image_when_a_docker_engine_answers_and_says_so_when_not():
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "docker info" in ci
    assert "scripts/compose_smoke.sh" in ci
    assert "skipped" in ci
    smoke = (ROOT / "scripts/compose_smoke.sh").read_text(encoding="utf-8")
    assert "docker compose" in smoke and "--build" in smoke and "/healthz" in smoke


def test_public_pages_need_the_collected_manifest_under_production_storage(
    study_round, client, tmp_path, settings
):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    missing = re.escape("Missing staticfiles manifest entry for 'web/site.css'")
    with pytest.raises(ValueError, match=missing):
        client.get("/en/")
    call_command("collectstatic", interactive=False, verbosity=0)
    page = client.get("/en/")
    assert page.status_code == 200
    assert re.search(r"/static/web/site\.[0-9a-f]{12}\.css", page.content.decode())


# --- Nothing points outside the repository ---------------------------------------------

# Written in pieces so that this file does not match itself.
OUTSIDE = [
    "../" + "shared",
    "shared" + "/study",
    "STACK" + ".md",
    "METHOD" + ".md",
    "STYLE" + ".md",
]


def test_nothing_tracked_points_to_files_a_user_of_the_repository_does_not_have():
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    offenders = []
    for name in listed.stdout.splitlines():
        path = ROOT / name
        if path.suffix in {".mo", ".png", ".xlsx", ".zip"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{name}: {word}" for word in OUTSIDE if word in text]
    assert offenders == []
