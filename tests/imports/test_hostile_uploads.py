"""Issue 11, done when: "three hostile uploads at once leave the site answering".

The production shape: gunicorn with two sync workers and its 30-second timeout, on the
test database. Three files within the upload size cap are posted at the same moment:
an XLSX of 650,000 compact rows (a few hundred KB), a zip bomb, and a CSV of one huge
line. Each is refused with its own message (the limits are checked while streaming,
before the file is parsed), and ordinary pages answer 200 all the while.
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.urls import reverse

from assessments.exchange.imports import reading

ROOT = Path(__file__).resolve().parents[2]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"/>'
)

pytestmark = pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""),
    reason="gunicorn's processes share the test database: PostgreSQL",
)


def xlsx_of(sheet: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def many_rows() -> bytes:
    header = b'<row r="1"><c t="inlineStr"><is><t>process</t></is></c></row>'
    return xlsx_of(b"<worksheet><sheetData>" + header + b"<row/>" * 650_000 + b"</sheetData>")


def zip_bomb() -> bytes:
    # Unpacks past the cap from a file of a few hundred KB.
    return xlsx_of(b"<worksheet>" + b" " * (reading.MAX_XLSX_UNCOMPRESSED_BYTES + 1))


def huge_line() -> bytes:
    return b"process,dimension,value,reason\n" + b"x" * (8 * 2**20) + b"\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(transactional_db, tmp_path):
    """gunicorn as production runs it (two sync workers), on this test's database."""
    settings = connection.settings_dict
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        ),
        "DJANGO_DEBUG": "false",
        "IMPORT_PREVIEW_DIR": str(tmp_path / "previews"),
    }
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "accountability.wsgi:application"),
            *("--workers", "2", "--timeout", "30", "--bind", f"127.0.0.1:{port}"),
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail(f"gunicorn did not start: {process.stderr.read()[-2000:]!r}")
    yield base
    process.terminate()
    process.wait(timeout=60)


def test_three_hostile_uploads_at_once_leave_the_site_answering(
    server, client, draft_2025, chair_2025
):
    client.force_login(chair_2025)
    cookies = {"sessionid": client.cookies["sessionid"].value}
    import_url = server + reverse("assessment_tools:import")
    form = requests.get(import_url, cookies=cookies, timeout=60)
    assert form.status_code == 200
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    cookies["csrftoken"] = form.cookies.get("csrftoken") or client.cookies["csrftoken"].value

    files = {
        "rows.xlsx": (many_rows(), XLSX, "The file has 650000 rows; at most"),
        "bomb.xlsx": (zip_bomb(), XLSX, "The XLSX file unpacks to"),
        "line.csv": (huge_line(), "text/csv", "Line 2 of the file is 8192 KB long"),
    }
    for data, _type, _message in files.values():
        assert len(data) < reading.MAX_UPLOAD_BYTES  # within the documented size cap
    answers: dict[str, requests.Response] = {}

    def post(name: str) -> None:
        data, content_type, _message = files[name]
        answers[name] = requests.post(
            import_url,
            data={
                "csrfmiddlewaretoken": csrf,
                "kind": "ratings",
                "round": "2025-v1",
                "reason": "Hostile",
            },
            files={"file": (name, data, content_type)},
            cookies=cookies,
            headers={"Referer": import_url},
            timeout=120,
        )

    uploads = [threading.Thread(target=post, args=(name,)) for name in files]
    for upload in uploads:
        upload.start()
    pages = []
    while any(upload.is_alive() for upload in uploads) or not pages:
        for path in ("/healthz", "/en/"):
            pages.append((path, requests.get(server + path, timeout=60).status_code))
    for upload in uploads:
        upload.join(timeout=120)

    assert pages and all(status == 200 for _path, status in pages), pages
    for name, (_data, _type, message) in files.items():
        answer = answers[name]
        assert answer.status_code == 200, (name, answer.status_code)
        text = answer.text.replace("\u202f", "").replace("\xa0", "").replace(",", "")
        assert message in text, (name, re.findall(r'class="errorlist[^>]*>(.*?)</ul>', text))
