"""The database refuses writes to a published round's peer review and right of reply: the
reviewers assigned, their comments and the chair's answers, the reply windows and the rated
body's replies are published (or kept) as they stood, the same last guard as 0003 and 0041."""

from django.db import migrations

FROZEN = "('published', 'superseded')"

# table → SQL giving the round of row {row}
GUARDED = {
    "assessments_reviewassignment": "{row}.round_id",
    "assessments_reviewcomment": (
        "(SELECT a.round_id FROM assessments_processassessment a WHERE a.id = {row}.assessment_id)"
    ),
    "assessments_replywindow": "{row}.round_id",
    "assessments_reply": (
        "(SELECT w.round_id FROM assessments_replywindow w WHERE w.id = {row}.window_id)"
    ),
}


def _frozen(table: str, row: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM assessments_round r WHERE r.id = "
        f"{GUARDED[table].format(row=row)} AND r.status IN {FROZEN})"
    )


def install(apps, schema_editor):
    # PostgreSQL only, as in 0003: on SQLite the model layer (freeze.py) refuses.
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
    dependencies = [("assessments", "0071_right_of_reply")]
    operations = [migrations.RunPython(install, uninstall)]
