"""A round's source and a printed figure's "where printed" in Kyrgyz, Russian and English.

The existing text is Kyrgyz's (the default language's), unchanged. Published rounds are
frozen by row triggers (0003, 0041, 0060): an UPDATE copying the text into its new column
would be refused for 2016, and lifting the guard for it would open the frozen rows to
whatever else the statement did. So on PostgreSQL no row is written: the column holding
the text is renamed to be the Kyrgyz one, and the columns added (the original, which
modeltranslation keeps but never reads, and Russian and English) are empty. DDL fires no
row trigger. SQLite has no such triggers (0003): there the text is copied.

Russian and English stay empty, and are read through the fallback (ky → ru → en): the
study's transcription (assessments/data/study_2016/) has the round's source as one line
and each figure's place as the Kyrgyz words printed, with no translation of either.
"""

from django.db import migrations, models

# table → the column type of `source` (as Django creates it on both databases)
TABLES = {
    "assessments_round": "text",
    "assessments_historicalround": "text",
    "assessments_publishedfigure": "varchar(300)",
}


def forwards(apps, schema_editor):
    run = schema_editor.execute
    postgresql = schema_editor.connection.vendor == "postgresql"
    for table, kind in TABLES.items():
        if postgresql:
            run(f"ALTER TABLE {table} RENAME COLUMN source TO source_ky")
            run(f"ALTER TABLE {table} ALTER COLUMN source_ky DROP NOT NULL")
            # Existing rows get '' from the catalogue (no rewrite, no trigger); the default
            # then goes, as Django's own columns have none.
            run(f"ALTER TABLE {table} ADD COLUMN source {kind} NOT NULL DEFAULT ''")
            run(f"ALTER TABLE {table} ALTER COLUMN source DROP DEFAULT")
        else:
            run(f"ALTER TABLE {table} ADD COLUMN source_ky {kind} NULL")
            run(f"UPDATE {table} SET source_ky = source")
        run(f"ALTER TABLE {table} ADD COLUMN source_ru {kind} NULL")
        run(f"ALTER TABLE {table} ADD COLUMN source_en {kind} NULL")


def backwards(apps, schema_editor):
    run = schema_editor.execute
    postgresql = schema_editor.connection.vendor == "postgresql"
    for table in TABLES:
        run(f"ALTER TABLE {table} DROP COLUMN source_ru")
        run(f"ALTER TABLE {table} DROP COLUMN source_en")
        if postgresql:
            run(f"ALTER TABLE {table} DROP COLUMN source")
            run(f"ALTER TABLE {table} RENAME COLUMN source_ky TO source")
            # Rows added since with no Kyrgyz text (a frozen one refuses: unpublish first).
            run(f"UPDATE {table} SET source = '' WHERE source IS NULL")
            run(f"ALTER TABLE {table} ALTER COLUMN source SET NOT NULL")
        else:
            run(f"UPDATE {table} SET source = COALESCE(source_ky, '')")
            run(f"ALTER TABLE {table} DROP COLUMN source_ky")


def _translated(model_name: str, field) -> list:
    return [
        migrations.AddField(model_name=model_name, name=f"source_{lang}", field=field.clone())
        for lang in ("en", "ky", "ru")
    ]


ROUND_SOURCE = models.TextField(blank=True, null=True, verbose_name="source")
FIGURE_SOURCE = models.CharField(
    blank=True, max_length=300, null=True, verbose_name="where printed"
)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0090_names_as_published")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                *_translated("historicalround", ROUND_SOURCE),
                *_translated("publishedfigure", FIGURE_SOURCE),
                *_translated("round", ROUND_SOURCE),
            ],
        )
    ]
