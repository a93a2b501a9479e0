"""Confirmed imports go through the durable task queue: the database backend stores the job,
the package's own worker (`manage.py db_worker`) runs it, the status page follows it, and a
cancel leaves nothing written. No mock: real rows, a real queue table, a real worker."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from assessments.exchange import imports
from assessments.models import Rating

from .test_admin_screens import edited, upload

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queue(settings, tmp_path):
    """The production shape: jobs wait in the database until a worker takes them."""
    settings.TASKS = DATABASE_TASKS
    settings.IMPORT_PREVIEW_DIR = str(tmp_path / "previews")
    return tmp_path / "previews"


def run_worker() -> None:
    """The worker of docker-compose.yml, until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


def preview(client, draft):
    """Upload: the check waits in the queue too; the worker runs it; its page is the preview."""
    token = uuid.uuid4()
    response = upload(client, edited(draft), token=token.hex)
    status_url = reverse("assessment_tools:import-status", kwargs={"token": token})
    assert response.status_code == 302 and response["Location"] == status_url
    waiting = client.get(status_url)
    assert waiting.context["running"]["state"] == "queued" and waiting.context["previewing"]
    run_worker()
    return client.get(status_url)


def confirm(client, draft, token):
    ticket = preview(client, draft).context["ticket"]
    assert ticket
    return client.post(
        reverse("assessment_tools:import-confirm"), {"ticket": ticket, "progress": token.hex}
    )


def changed(draft):
    return Rating.objects.filter(assessment__round=draft, carried_over=False)


@pytest.mark.django_db(transaction=True)
def test_a_confirmed_import_waits_in_the_queue_until_the_worker_writes_it(
    client, draft_2025, chair_2025, queue
):
    client.force_login(chair_2025)
    token = uuid.uuid4()
    response = confirm(client, draft_2025, token)
    status_url = reverse("assessment_tools:import-status", kwargs={"token": token})
    assert response.status_code == 302 and response["Location"] == status_url
    # The request wrote nothing: the job is a row of the queue, waiting.
    (job,) = DBTaskResult.objects.filter(status="READY")
    assert not changed(draft_2025).exists()
    waiting = client.get(status_url)
    assert waiting.context["running"]["state"] == "queued"
    assert 'id="cancel-import"' in waiting.content.decode()

    run_worker()

    job.refresh_from_db()
    assert job.status == "SUCCESSFUL" and job.return_value["written"] is True
    page = client.get(status_url)
    assert page.context["report"].written
    rating = changed(draft_2025).get()
    record = rating.history.first()
    assert record.history_user == chair_2025
    assert record.history_change_reason.startswith("Panel meeting")
    assert list(queue.iterdir()) == []  # the kept file went once used


@pytest.mark.django_db(transaction=True)
def test_a_cancelled_import_writes_nothing_and_says_so(client, draft_2025, chair_2025, queue):
    client.force_login(chair_2025)
    token = uuid.uuid4()
    confirm(client, draft_2025, token)
    status_url = reverse("assessment_tools:import-status", kwargs={"token": token})
    cancel_url = reverse("assessment_tools:import-cancel", kwargs={"token": token})
    answer = client.post(cancel_url)
    assert answer.status_code == 302 and answer["Location"] == status_url
    assert "Cancelling" in client.get(status_url).content.decode()

    run_worker()

    page = client.get(status_url)
    assert page.context["report"].cancelled and not page.context["report"].written
    assert "Cancelled: nothing written" in page.content.decode()
    assert not changed(draft_2025).exists()
    assert list(queue.iterdir()) == []


@pytest.mark.django_db(transaction=True)
def test_nobody_cancels_or_reads_another_users_import(client, draft_2025, chair_2025, staff, queue):
    client.force_login(chair_2025)
    token = uuid.uuid4()
    confirm(client, draft_2025, token)
    client.force_login(staff)
    assert (
        client.post(reverse("assessment_tools:import-cancel", kwargs={"token": token})).status_code
        == 404
    )
    assert (
        client.get(reverse("assessment_tools:import-status", kwargs={"token": token})).status_code
        == 404
    )
    run_worker()
    assert changed(draft_2025).exists()


@pytest.mark.django_db(transaction=True)
def test_a_file_refused_by_the_worker_shows_its_error_on_the_form(
    client, draft_2025, chair_2025, queue
):
    """With the queue, no web process parses an upload: the worker refuses it, and the
    status page shows why on the form, as a preview in the request would."""
    client.force_login(chair_2025)
    token = uuid.uuid4()
    response = upload(client, b"PK\x03\x04 not really a zip", token=token.hex)
    assert response.status_code == 302
    run_worker()
    page = client.get(reverse("assessment_tools:import-status", kwargs={"token": token}))
    assert page.status_code == 200
    assert "not a zip archive" in " ".join(page.context["form"].errors["file"])
    assert page.context["form"]["reason"].value() == "Panel meeting"  # kept what was typed
    assert list(queue.iterdir()) == []


def test_a_cancel_after_rows_were_written_rolls_them_all_back(draft_2025, chair_2025):
    """Cancelled at the end of the write, after the bulk writes reached the database: the
    import's one transaction takes every row back with it."""
    token = f"{chair_2025.pk}-{uuid.uuid4()}"
    tracker = imports.CacheProgress(token, cancellable=True)
    phases = []

    def progress(phase, done, total):
        phases.append(phase)
        if phase == "write" and done == total:
            assert changed(draft_2025).exists()  # written, not yet committed
            imports.request_cancel(token)
        tracker(phase, done, total)

    report = imports.run_import(
        kind="ratings",
        data=edited(draft_2025),
        filename="ratings.xlsx",
        actor=chair_2025,
        round_=draft_2025,
        reason="Panel meeting",
        dry_run=False,
        progress=progress,
    )
    assert "write" in phases
    assert report.cancelled and not report.written
    assert not changed(draft_2025).exists()


@pytest.fixture
def service_role():
    """A login role with the service's grants (scripts/postgres_roles.sh): rows only."""
    from django.db import connection

    name = f"{connection.settings_dict['NAME']}_worker"[:63]
    database = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT")
        cursor.execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {name}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}")
        cursor.execute(f"REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {name}")
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {name}")
        cursor.execute(f"DROP ROLE {name}")


@pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""), reason="PostgreSQL's roles"
)
@pytest.mark.django_db(transaction=True)
def test_the_worker_process_needs_only_the_service_roles_rights(
    client, draft_2025, chair_2025, queue, service_role
):
    """docker-compose.yml's worker: its own process, the service role, the database queue."""
    from django.db import connection

    client.force_login(chair_2025)
    confirm(client, draft_2025, uuid.uuid4())
    settings = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{service_role}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        ),
        "DJANGO_TASKS_BACKEND": "database",
        "IMPORT_PREVIEW_DIR": str(queue),
    }
    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert worker.returncode == 0, worker.stderr[-2000:]
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
    job = DBTaskResult.objects.get(args_kwargs__kwargs__dry_run=False)
    assert job.return_value["written"] is True
    assert changed(draft_2025).get().history.first().history_user == chair_2025


def test_the_compose_worker_is_the_web_image_with_the_web_environment():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    web, worker = services["web"], services["worker"]
    assert worker["build"] == web["build"]
    assert worker["environment"] == web["environment"]
    assert "accountability_app" in worker["environment"]["DATABASE_URL"]
    assert "db_worker" in " ".join(worker["command"])
    # The preview files the web process keeps are the ones the worker reads.
    assert set(worker["volumes"]) == set(web["volumes"])
    assert worker["environment"]["IMPORT_PREVIEW_DIR"] == "/app/previews"
