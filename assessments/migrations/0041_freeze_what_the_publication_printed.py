"""The database refuses writes to a published round's passages, printed names, flags and the
observers its recommendations concern: the same last guard as 0003 gives its other rows."""

from django.db import migrations

FROZEN = "('published', 'superseded')"

# table → SQL giving the round of row {row}
GUARDED = {
    "assessments_passage": "{row}.round_id",
    "assessments_printedname": "{row}.round_id",
    "assessments_justificationflag": (
        "(SELECT a.round_id FROM assessments_processassessment a WHERE a.id = {row}.assessment_id)"
    ),
    "assessments_recommendation_subjects": (
        "(SELECT r.round_id FROM assessments_recommendation r WHERE r.id = {row}.recommendation_id)"
    ),
}


def _frozen(table: str, row: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM assessments_round r WHERE r.id = "
        f"{GUARDED[table].format(row=row)} AND r.status IN {FROZEN})"
    )


def install(apps, schema_editor):
    # PostgreSQL only, as in 0003: on SQLite the services alone refuse.
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in GUARDED:
        function = f"{table}_frozen_guard"
        schema_editor.execute(
            f"""
            CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') AND {_frozen(table, "OLD")} THEN
                    RAISE EXCEPTION '{table}: the round of this row is published and frozen'
                        USING ERRCODE = 'check_violation';
                END IF;
                IF TG_OP IN ('INSERT', 'UPDATE') AND {_frozen(table, "NEW")} THEN
                    RAISE EXCEPTION '{table}: the round of this row is published and frozen'
                        USING ERRCODE = 'check_violation';
                END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$;
            """
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in GUARDED:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_frozen_guard()")


class Migration(migrations.Migration):
    dependencies = [("assessments", "0040_reading_of_the_publication")]
    operations = [migrations.RunPython(install, uninstall)]
