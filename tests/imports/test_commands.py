"""manage.py export_round and import_ratings."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from assessments.exchange import packages
from assessments.models import Rating

from .conftest import edit_xlsx, set_cell

pytestmark = pytest.mark.django_db


def test_export_round_writes_each_kind(study_round, tmp_path):
    call_command("export_round", "2016", "--kind", "all", "--format", "csv", "-o", str(tmp_path))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "citations-2016-v1.csv",
        "expert-ratings-2016-v1.csv",
        "legal-acts-2016-v1.csv",
        "processes-2016-v1.csv",
        "ratings-2016-v1.csv",
    ]
    ratings = (tmp_path / "ratings-2016-v1.csv").read_text(encoding="utf-8-sig").splitlines()
    assert ratings[0].startswith("year,version,pair,process,")
    assert len(ratings) == 1 + 76


def test_export_round_package_is_the_sites_data_package(study_round, tmp_path):
    call_command("export_round", "2016", "--package", "-o", str(tmp_path))
    data = (tmp_path / "accountability-2016-v1.zip").read_bytes()
    assert data == packages.build_round_package(study_round)
    assert "accountability-2016-v1/README.md" in zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_export_round_refuses_an_unknown_round(study_round):
    with pytest.raises(CommandError, match="No round for 1999"):
        call_command("export_round", "1999")


@pytest.fixture
def edited(draft_2025, tmp_path):
    call_command("export_round", "2025", "-o", str(tmp_path))
    path = tmp_path / "ratings-2025-v1.xlsx"

    def edit(header, rows):
        set_cell(header, rows, process="jk-elections", dimension="enforcement", value=1)

    path.write_bytes(edit_xlsx(path.read_bytes(), edit))
    return path


def test_import_ratings_dry_run_shows_the_change_and_writes_nothing(edited, chair_2025):
    out = io.StringIO()
    call_command(
        "import_ratings",
        str(edited),
        "--round",
        "2025",
        "--user",
        "chair",
        "--reason",
        "Panel",
        "--dry-run",
        stdout=out,
    )
    text = out.getvalue()
    assert "row 5: update jk-elections / enforcement: value: 0 → 1" in text
    assert "Dry run: nothing written" in text
    assert not Rating.objects.filter(carried_over=False, assessment__round__year=2025).exists()


def test_import_ratings_writes_as_the_user_given(edited, chair_2025):
    out = io.StringIO()
    call_command(
        "import_ratings",
        str(edited),
        "--round",
        "2025",
        "--user",
        "chair",
        "--reason",
        "Panel",
        stdout=out,
    )
    assert "Written in" in out.getvalue()
    rating = Rating.objects.get(assessment__round__year=2025, carried_over=False)
    assert rating.history.first().history_user == chair_2025


def test_import_ratings_prints_each_error_and_exits_non_zero(edited, chair_2025, expert):
    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(
            "import_ratings",
            str(edited),
            "--round",
            "2025",
            "--user",
            "aigul",
            "--reason",
            "Panel",
            stdout=out,
        )
    assert failure.value.returncode == 1
    assert "row 5, column process: Only the chair" in out.getvalue()
    assert not Rating.objects.filter(carried_over=False, assessment__round__year=2025).exists()


def test_import_ratings_refuses_an_unknown_user(edited):
    with pytest.raises(CommandError, match="No active user nobody"):
        call_command("import_ratings", str(edited), "--round", "2025", "--user", "nobody")
