"""The database refuses writes to a published round's data, whatever path they come by.

The services refuse them first, with a clear message; these triggers are the last
guard for anything that bypasses them (raw SQL, QuerySet.update(), a new code path).
"""

from django.db import migrations

FROZEN = "('published', 'superseded')"

# table → how a row reaches its round
GUARDED = {
    "assessments_processassessment": "round",
    "assessments_recommendation": "round",
    "assessments_developmentinitiative": "round",
    "assessments_publishedfigure": "round",
    "assessments_panel": "round",
    "assessments_rating": "assessment",
    "assessments_expertrating": "assessment",
    "assessments_citation": "assessment",
    "assessments_thread": "assessment",
    "assessments_comment": "thread",
}

ROUND_SQL = {
    "round": "{row}.round_id",
    "assessment": "(SELECT a.round_id FROM assessments_processassessment a WHERE a.id = {row}.assessment_id)",
    "thread": (
        "(SELECT a.round_id FROM assessments_thread t "
        "JOIN assessments_processassessment a ON a.id = t.assessment_id WHERE t.id = {row}.thread_id)"
    ),
}


def _frozen(path: str, row: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM assessments_round r WHERE r.id = {ROUND_SQL[path].format(row=row)} "
        f"AND r.status IN {FROZEN})"
    )


def postgresql_sql():
    # A published round itself may only move to superseded (errata), nothing else.
    yield f"""
    CREATE OR REPLACE FUNCTION assessments_guard_round() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            IF OLD.status IN {FROZEN} THEN
                RAISE EXCEPTION USING ERRCODE = 'check_violation',
                    MESSAGE = 'round ' || OLD.year || ' is published and frozen';
            END IF;
            RETURN OLD;
        END IF;
        IF OLD.status IN {FROZEN} AND NOT (
            OLD.status = 'published' AND NEW.status = 'superseded'
            AND (to_jsonb(NEW) - 'status' - 'updated_at' - 'revision')
                = (to_jsonb(OLD) - 'status' - 'updated_at' - 'revision')
        ) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation',
                MESSAGE = 'round ' || OLD.year || ' is published and frozen';
        END IF;
        RETURN NEW;
    END $$;
    """
    yield """
    CREATE TRIGGER assessments_round_frozen BEFORE UPDATE OR DELETE ON assessments_round
        FOR EACH ROW EXECUTE FUNCTION assessments_guard_round();
    """
    for table, path in GUARDED.items():
        function = f"{table}_frozen_guard"
        yield f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') AND {_frozen(path, "OLD")} THEN
                RAISE EXCEPTION '{table}: the round of this row is published and frozen'
                    USING ERRCODE = 'check_violation';
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') AND {_frozen(path, "NEW")} THEN
                RAISE EXCEPTION '{table}: the round of this row is published and frozen'
                    USING ERRCODE = 'check_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END $$;
        """
        yield f"""
        CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {function}();
        """


def install(apps, schema_editor):
    # PostgreSQL, the production database, only. On SQLite (the quick start) the
    # services alone refuse; row triggers there would also break Django's flush,
    # which empties tables with DELETE.
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in postgresql_sql():
        schema_editor.execute(sql)


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS assessments_round_frozen ON assessments_round"
        )
        schema_editor.execute("DROP FUNCTION IF EXISTS assessments_guard_round()")
        for table in GUARDED:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_frozen_guard()")


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_workflow")]
    operations = [migrations.RunPython(install, uninstall)]
