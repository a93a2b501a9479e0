"""System checks: the database's freeze of published rounds is in place.

On PostgreSQL, triggers refuse any write to a published round's rows, its history and
the methodology it is scored by (migrations 0003, 0041, 0060). A trigger dropped or
disabled (by `migrate assessments 0002`, by hand, by a restore without them) would leave
published figures writable below the application: `manage.py check --database default`
then fails (assessments.E001), and so does `migrate`, which runs the same check.

A trigger is expected once the migration that installs it is recorded as applied. A
database with a published round migrated back below 0003 (where every trigger is gone)
fails too; `migrate --skip-checks`, as the owner role, installs them again.
"""

from __future__ import annotations

import importlib

from django.core.checks import Error, Tags, register
from django.db import connections

# migration → the (table, trigger) pairs it installs
MIGRATIONS = (
    "0003_freeze_published_rounds",
    "0041_freeze_what_the_publication_printed",
    "0060_freeze_history_and_methodology",
    "0072_freeze_peer_review_and_replies",
    "0090_names_as_published",
)


def expected_triggers() -> dict[str, list[tuple[str, str]]]:
    expected: dict[str, list[tuple[str, str]]] = {}
    for name in MIGRATIONS:
        module = importlib.import_module(f"assessments.migrations.{name}")
        triggers = getattr(module, "TRIGGERS", None)
        if triggers is None:  # 0003, 0041, 0072 and 0090 name their tables only
            triggers = [(table, f"{table}_frozen") for table in module.GUARDED]
            if name.startswith("0003"):
                triggers.append(("assessments_round", "assessments_round_frozen"))
        expected[name] = list(triggers)
    return expected


def missing_triggers(connection) -> list[tuple[str, str, str]]:
    """(migration, table, trigger) of every freeze trigger absent or disabled."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_regclass('django_migrations') IS NOT NULL "
            "AND to_regclass('assessments_round') IS NOT NULL"
        )
        if not cursor.fetchone()[0]:
            return []  # not migrated yet: nothing published to guard
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND c.relnamespace = "
            "to_regnamespace(current_schema())"
        )
        present = set(cursor.fetchall())
        cursor.execute("SELECT name FROM django_migrations WHERE app = 'assessments'")
        applied = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM assessments_round "
            "WHERE status IN ('published', 'superseded'))"
        )
        published = cursor.fetchone()[0]
    return [
        (migration, table, trigger)
        for migration, triggers in expected_triggers().items()
        if migration in applied or (published and MIGRATIONS[0] not in applied)
        for table, trigger in triggers
        if (table, trigger) not in present
    ]


@register(Tags.database)
def check_freeze_triggers(app_configs=None, databases=None, **kwargs) -> list[Error]:
    errors: list[Error] = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue  # SQLite, the quick start: the model layer alone guards (freeze.py)
        for migration, table, trigger in missing_triggers(connection):
            errors.append(
                Error(
                    f"The freeze trigger {trigger} on {table} is missing or disabled: "
                    "published rounds are writable below the application.",
                    hint=(
                        f"Apply migration assessments.{migration} as the owner role "
                        "(manage.py migrate --skip-checks), or re-enable the trigger; see "
                        "docs/operations.md, 'Database roles'."
                    ),
                    obj=alias,
                    id="assessments.E001",
                )
            )
    return errors
