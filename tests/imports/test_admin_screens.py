"""The admin's import (upload → preview → confirm), export and progress screens."""

import json
import os
import stat
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.admin.tools import transfer
from assessments.exchange import imports
from assessments.models import Rating

from .conftest import edit_xlsx, export_xlsx, set_cell

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def chair_client(client, chair_2025):
    client.force_login(chair_2025)
    return client


def upload(client, data: bytes, *, round_key="2025-v1", reason="Panel meeting", token=None):
    return client.post(
        reverse("assessment_tools:import"),
        {
            "kind": "ratings",
            "round": round_key,
            "reason": reason,
            "file": SimpleUploadedFile("ratings.xlsx", data, content_type=XLSX),
            "progress": token or uuid.uuid4().hex,
        },
    )


def edited(round_, cells=None) -> bytes:
    """The round's ratings, jk-elections' enforcement changed; `cells`: {row: (column, value)}."""

    def edit(header, rows):
        set_cell(header, rows, process="jk-elections", dimension="enforcement", value=1)
        for row_index, (column, value) in (cells or {}).items():
            rows[row_index][header.index(column)] = value

    return edit_xlsx(export_xlsx("ratings", round_), edit)


def test_the_preview_lists_bad_rows_and_offers_no_confirmation(chair_client, draft_2025):
    response = upload(chair_client, edited(draft_2025, {0: ("value", 9)}))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="import-error"' in html
    assert "<td>2</td><td>value</td><td>9 is outside the scale" in html
    assert response.context["ticket"] is None
    assert 'id="confirm-form"' not in html


def test_upload_preview_confirm_writes_and_records_the_reason(chair_client, draft_2025, chair_2025):
    preview = upload(chair_client, edited(draft_2025))
    assert preview.context["report"].counts["update"] == 1
    assert "value</strong>: 0 → 1" in preview.content.decode()
    assert not Rating.objects.filter(assessment__round=draft_2025, carried_over=False).exists()
    ticket = preview.context["ticket"]
    done = chair_client.post(
        reverse("assessment_tools:import-confirm"),
        {"ticket": ticket, "progress": uuid.uuid4().hex},
        follow=True,
    )
    assert done.status_code == 200
    assert done.context["report"].written
    rating = Rating.objects.get(assessment__round=draft_2025, carried_over=False)
    assert rating.history.first().history_change_reason.startswith("Panel meeting")
    assert rating.history.first().history_user == chair_2025


@pytest.fixture
def preview_dir(tmp_path, settings):
    settings.IMPORT_PREVIEW_DIR = str(tmp_path / "previews")
    return tmp_path / "previews"


def test_a_preview_waits_in_a_private_folder_and_goes_when_used(
    chair_client, draft_2025, preview_dir
):
    preview = upload(chair_client, edited(draft_2025))
    (waiting,) = preview_dir.iterdir()
    assert stat.S_IMODE(preview_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(waiting.stat().st_mode) == 0o600
    chair_client.post(
        reverse("assessment_tools:import-confirm"),
        {"ticket": preview.context["ticket"], "progress": uuid.uuid4().hex},
    )
    assert list(preview_dir.iterdir()) == []


def test_a_preview_refused_on_confirmation_is_removed_too(chair_client, draft_2025, preview_dir):
    preview = upload(chair_client, edited(draft_2025))
    # Someone changes the rating meanwhile: the confirmation is refused as stale.
    rating = Rating.objects.get(
        assessment__round=draft_2025,
        assessment__process__code="jk-elections",
        dimension__code="enforcement",
    )
    Rating.objects.filter(pk=rating.pk).update(revision=rating.revision + 1, carried_over=False)
    done = chair_client.post(
        reverse("assessment_tools:import-confirm"),
        {"ticket": preview.context["ticket"], "progress": uuid.uuid4().hex},
        follow=True,
    )
    assert not done.context["report"].written
    assert list(preview_dir.iterdir()) == []


def test_previews_older_than_an_hour_are_removed(chair_client, draft_2025, preview_dir):
    upload(chair_client, edited(draft_2025))
    (old,) = preview_dir.iterdir()
    an_hour_ago = time.time() - transfer.PENDING_MAX_AGE - 1
    os.utime(old, (an_hour_ago, an_hour_ago))
    upload(chair_client, edited(draft_2025))
    assert old not in list(preview_dir.iterdir())
    assert len(list(preview_dir.iterdir())) == 1


def test_a_ticket_is_bound_to_its_user(chair_client, client, draft_2025, staff):
    ticket = upload(chair_client, edited(draft_2025)).context["ticket"]
    client.force_login(staff)
    response = client.post(reverse("assessment_tools:import-confirm"), {"ticket": ticket})
    assert response.status_code == 404
    forged = client.post(reverse("assessment_tools:import-confirm"), {"ticket": "x:y:z"})
    assert forged.status_code == 302
    assert not Rating.objects.filter(assessment__round=draft_2025, carried_over=False).exists()


def test_a_published_round_is_not_offered_for_import(chair_client, draft_2025):
    response = upload(chair_client, edited(draft_2025), round_key="2016-v1")
    assert "round" in response.context["form"].errors


def test_an_xlsx_bomb_is_refused_on_upload(chair_client, draft_2025, monkeypatch):
    monkeypatch.setattr(imports.reading, "MAX_XLSX_UNCOMPRESSED_BYTES", 1000)
    response = upload(chair_client, export_xlsx("ratings", draft_2025))
    assert "unpacks to" in str(response.context["form"].errors["file"])


def test_progress_is_reported_to_its_user_only(chair_client, client, draft_2025, staff):
    token = uuid.uuid4().hex
    upload(chair_client, edited(draft_2025), token=token)
    url = reverse("assessment_tools:progress", kwargs={"token": uuid.UUID(token)})
    state = json.loads(chair_client.get(url).content)
    assert state["state"] == "done" and state["done"] == state["total"] == 76
    client.force_login(staff)
    assert json.loads(client.get(url).content) == {"state": "unknown"}


def test_export_screen_serves_files_and_the_package(chair_client, draft_2025, study_round):
    url = reverse("assessment_tools:export")
    assert chair_client.get(url).status_code == 200
    response = chair_client.get(url, {"round": "2025-v1", "kind": "ratings", "file_format": "xlsx"})
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="ratings-2025-v1.xlsx"'
    package = chair_client.get(url, {"round": "2016-v1", "kind": "package", "file_format": "xlsx"})
    assert package["Content-Disposition"] == 'attachment; filename="accountability-2016-v1.zip"'
    assert package.content[:2] == b"PK"


def test_export_of_a_draft_is_refused_to_someone_not_on_its_panel(client, draft_2025, outsider):
    client.force_login(outsider)
    response = client.get(
        reverse("assessment_tools:export"),
        {"round": "2025-v1", "kind": "ratings", "file_format": "csv"},
    )
    assert response.status_code == 200 and "round" in response.context["form"].errors


def test_a_background_import_that_stopped_reporting_is_shown_as_interrupted(chair_client):
    import time

    from django.core.cache import cache

    key = "1-" + str(uuid.uuid4())
    cache.set(
        imports.PROGRESS_KEY.format(token=key),
        {"state": "running", "done": 5, "total": 9, "updated": time.time() - 3600},
    )
    assert imports.read_progress(key)["state"] == "interrupted"


def test_the_status_page_of_a_running_import_shows_its_progress(chair_client, chair_2025):
    token = uuid.uuid4()
    imports.CacheProgress(f"{chair_2025.pk}-{token}")("write", 3, 10)
    page = chair_client.get(reverse("assessment_tools:import-status", kwargs={"token": token}))
    assert page.context["running"]["done"] == 3
    assert 'id="import-running"' in page.content.decode()


def test_a_failed_import_says_nothing_was_written_and_offers_the_form(chair_client, chair_2025):
    token = uuid.uuid4()
    imports.CacheProgress(f"{chair_2025.pk}-{token}").finish(failed=True)
    page = chair_client.get(reverse("assessment_tools:import-status", kwargs={"token": token}))
    html = page.content.decode()
    assert 'id="import-stopped"' in html and "nothing was written" in html
    assert 'id="import-running"' not in html  # no page that reloads itself for ever
    assert 'id="import-form"' in html
