"""The freeze holds below the application, for the role the service runs as (PostgreSQL).

Issue 11: the application's own role could switch the database's freeze off: TRUNCATE,
`ALTER TABLE … DISABLE TRIGGER`, `SET session_replication_role = replica`, dropping the
triggers (`migrate assessments 0002`), and editing or deleting the 2016 history rows
(who changed what and why). Now the service runs as a role that owns nothing and may only
read and write rows (docs/operations.md, "Database roles"); these tests take that role
with SET ROLE and try each way, and check the system check that fails when a trigger is
missing or disabled.
"""

from __future__ import annotations

import importlib
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from assessments.checks import check_freeze_triggers
from assessments.models import Rating, Round

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's roles"),
]

HISTORY = "assessments_historicalrating"


@pytest.fixture
def app_role(study_round):
    """A role with the service's grants (scripts/postgres_roles.sh): rows only, no ownership.

    Created inside the test's transaction, so it is gone with its rollback."""
    name = f"{connection.settings_dict['NAME']}_app"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} NOLOGIN")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}")
    return name


@contextmanager
def acting_as(role: str):
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def refused(sql: str, params=None, match: str | None = None) -> None:
    with (
        pytest.raises(DatabaseError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def _a_2016_history_row() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT h.history_id FROM {HISTORY} h JOIN assessments_processassessment a "
            "ON a.id = h.assessment_id JOIN assessments_round r ON r.id = a.round_id "
            "WHERE r.year = 2016 LIMIT 1"
        )
        return cursor.fetchone()[0]


def _copy_of_2016_round_history(status: str) -> str:
    table = "assessments_historicalround"
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
    values = [f"'{status}'" if c == "status" else c for c in columns if c != "history_id"]
    columns = [c for c in columns if c != "history_id"]
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {table} "
        "WHERE year = 2016 LIMIT 1"
    )


def test_the_service_role_cannot_truncate(app_role):
    with acting_as(app_role):
        for table in ("assessments_rating", "assessments_round", HISTORY):
            refused(f"TRUNCATE {table} CASCADE", match="permission denied")
    assert Rating.objects.filter(assessment__round__year=2016).exists()


def test_the_service_role_cannot_disable_or_drop_a_trigger(app_role):
    with acting_as(app_role):
        refused(
            "ALTER TABLE assessments_rating DISABLE TRIGGER assessments_rating_frozen",
            match="must be owner",
        )
        refused("ALTER TABLE assessments_rating DISABLE TRIGGER ALL", match="must be owner")
        refused(
            "DROP TRIGGER assessments_rating_frozen ON assessments_rating", match="must be owner"
        )


def test_the_service_role_cannot_turn_triggers_off_for_its_session(app_role):
    with acting_as(app_role):
        refused("SET session_replication_role = replica", match="permission denied")


def test_the_service_role_cannot_unapply_the_freeze_migrations(app_role):
    """`migrate assessments 0002` drops every trigger: as the service role it cannot."""
    with acting_as(app_role):
        for name in ("0003_freeze_published_rounds", "0060_freeze_history_and_methodology"):
            module = importlib.import_module(f"assessments.migrations.{name}")
            with (
                pytest.raises(DatabaseError, match="must be owner"),
                transaction.atomic(),
                connection.schema_editor(atomic=False) as editor,
            ):
                module.uninstall(None, editor)


def test_the_2016_history_cannot_be_rewritten_or_deleted(app_role):
    row = _a_2016_history_row()
    with acting_as(app_role):
        refused(
            f"UPDATE {HISTORY} SET history_change_reason = 'forged' WHERE history_id = %s",
            [row],
            match="published and frozen",
        )
        refused(f"DELETE FROM {HISTORY} WHERE history_id = %s", [row], match="frozen")
        refused(
            f"INSERT INTO {HISTORY} (id, value, revision, history_date, history_type, "
            "assessment_id, dimension_id, carried_over, justification) "
            f"SELECT id, 0, revision, now(), '~', assessment_id, dimension_id, carried_over, "
            f"justification FROM {HISTORY} WHERE history_id = %s",
            [row],
            match="frozen",
        )
        refused(
            "UPDATE assessments_historicalround SET history_change_reason = 'forged' "
            "WHERE year = 2016",
            match="frozen",
        )
        # Neither a second "published" record of the published round nor a "draft" one.
        for status in ("published", "draft"):
            refused(_copy_of_2016_round_history(status), match="frozen")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT history_change_reason FROM {HISTORY} WHERE history_id = %s", [row])
        assert cursor.fetchone()[0] != "forged"


def test_the_service_role_still_does_its_work(app_role, study_round):
    with acting_as(app_role):
        draft = Round.objects.create(
            year=2099, methodology=study_round.methodology, title_en="Next round"
        )
        draft.title_en = "The next round"
        draft.save()
        draft.delete()
        refused(
            "UPDATE assessments_rating SET value = 1 WHERE assessment_id IN "
            "(SELECT id FROM assessments_processassessment WHERE round_id = %s)",
            [study_round.pk],
            match="published and frozen",
        )


def test_the_methodology_of_2016_is_frozen_in_the_database(app_role, study_round):
    with acting_as(app_role):
        refused(
            "UPDATE assessments_methodology SET scale_max = 2 WHERE id = %s",
            [study_round.methodology_id],
            match="frozen",
        )
        refused(
            "UPDATE assessments_dimension SET is_scored = NOT is_scored WHERE methodology_id = %s",
            [study_round.methodology_id],
            match="frozen",
        )


def test_the_system_check_fails_when_a_freeze_trigger_is_missing_or_disabled(study_round):
    with connection.cursor() as cursor:
        # The loaded study's deferred foreign-key checks would keep ALTER TABLE waiting.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert check_freeze_triggers(databases=["default"]) == []
    for sql in (
        "ALTER TABLE assessments_rating DISABLE TRIGGER assessments_rating_frozen",
        "DROP TRIGGER assessments_historicalrating_frozen ON assessments_historicalrating",
    ):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
            (error,) = check_freeze_triggers(databases=["default"])
            assert error.id == "assessments.E001"
            assert "published rounds are writable" in error.msg
            transaction.set_rollback(True)
    assert check_freeze_triggers(databases=["default"]) == []


def test_migrating_back_below_the_freeze_fails_the_check(study_round):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "DELETE FROM django_migrations WHERE app = 'assessments' AND name >= '0003'"
            )
            for table, trigger in [("assessments_round", "assessments_round_frozen")]:
                cursor.execute(f"DROP TRIGGER {trigger} ON {table}")
        errors = check_freeze_triggers(databases=["default"])
        assert "assessments_round_frozen" in " ".join(e.msg for e in errors)
        transaction.set_rollback(True)


def test_manage_py_check_runs_it(study_round):
    call_command("check", "--database", "default")  # no error raised: every trigger is there
