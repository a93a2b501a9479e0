"""The database also refuses to rewrite a published round's history, or the methodology it is
scored by.

- History rows (simple-history) of a published round's assessments, ratings, experts'
  ratings and citations cannot be inserted, changed or deleted: who changed what, when and
  why cannot be forged afterwards. A published round's own history gets one row per
  status it reaches (published, then superseded): the row written when it is published.
- A methodology used by a published round, its dimensions and its scale levels cannot
  change (a change is made to a new version; assessments/versions.py).

The same last guard as 0003 and 0041: it holds for the application's role, which owns no
table and so can neither drop nor disable a trigger (docs/operations.md). TRUNCATE is
refused by that role's privileges, not by a trigger (Django's own test flush uses it).
"""

from django.db import migrations

FROZEN = "('published', 'superseded')"

_ASSESSMENT_ROUND = (
    "(SELECT a.round_id FROM assessments_processassessment a WHERE a.id = {row}.assessment_id)"
)

# history table → SQL giving the round of history row {row}
HISTORY = {
    "assessments_historicalprocessassessment": "{row}.round_id",
    "assessments_historicalrating": _ASSESSMENT_ROUND,
    "assessments_historicalexpertrating": _ASSESSMENT_ROUND,
    "assessments_historicalcitation": _ASSESSMENT_ROUND,
}

# table → SQL giving the methodology of row {row}
METHODOLOGY = {
    "assessments_methodology": "{row}.id",
    "assessments_dimension": "{row}.methodology_id",
    "assessments_scalelevel": "{row}.methodology_id",
}

# Every trigger this migration installs: (table, trigger).
TRIGGERS = [
    *((table, f"{table}_frozen") for table in HISTORY),
    ("assessments_historicalround", "assessments_historicalround_frozen"),
    *((table, f"{table}_frozen") for table in METHODOLOGY),
]


def _round_frozen(sql: str) -> str:
    return f"EXISTS (SELECT 1 FROM assessments_round r WHERE r.id = {sql} AND r.status IN {FROZEN})"


def _methodology_used(sql: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM assessments_round r WHERE r.methodology_id = {sql} "
        f"AND r.status IN {FROZEN})"
    )


def _guard(table: str, old: str, new: str, *, unchanged_passes: bool = False) -> list[str]:
    function = f"{table}_frozen_guard"
    same = "TG_OP = 'UPDATE' AND to_jsonb(NEW) = to_jsonb(OLD)" if unchanged_passes else "FALSE"
    return [
        f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF {same} THEN RETURN NEW; END IF;
            IF TG_OP IN ('UPDATE', 'DELETE') AND {old} THEN
                RAISE EXCEPTION '{table}: the round of this row is published and frozen'
                    USING ERRCODE = 'check_violation';
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') AND {new} THEN
                RAISE EXCEPTION '{table}: the round of this row is published and frozen'
                    USING ERRCODE = 'check_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END $$;
        """,
        f"CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]


def postgresql_sql() -> list[str]:
    sql: list[str] = []
    for table, round_sql in HISTORY.items():
        frozen = (
            _round_frozen(round_sql.format(row="OLD")),
            _round_frozen(round_sql.format(row="NEW")),
        )
        sql += _guard(table, *frozen)
    # A published round's own history: never changed or deleted; a new row only for a
    # status it has not recorded yet (its publication, then its superseding by errata).
    table = "assessments_historicalround"
    recorded = f"EXISTS (SELECT 1 FROM {table} h WHERE h.id = NEW.id AND h.status = NEW.status)"
    current = "(SELECT r.status FROM assessments_round r WHERE r.id = NEW.id)"
    sql += _guard(
        table,
        _round_frozen("OLD.id"),
        f"{_round_frozen('NEW.id')} AND (TG_OP = 'UPDATE' "
        f"OR NEW.status IS DISTINCT FROM {current} OR {recorded})",
    )
    for table, methodology_sql in METHODOLOGY.items():
        used = (
            _methodology_used(methodology_sql.format(row="OLD")),
            _methodology_used(methodology_sql.format(row="NEW")),
        )
        sql += _guard(table, *used, unchanged_passes=True)
    return sql


def install(apps, schema_editor):
    # PostgreSQL only, as in 0003: on SQLite the model layer (freeze.py) refuses.
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in postgresql_sql():
        schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, trigger in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_frozen_guard()")


class Migration(migrations.Migration):
    dependencies = [("assessments", "0041_freeze_what_the_publication_printed")]
    operations = [migrations.RunPython(install, uninstall)]
