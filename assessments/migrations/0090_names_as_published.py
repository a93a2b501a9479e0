"""Names as a published round printed them (assessments/names.py): a table of them per round,
filled for the rounds published already (the 2016 study) with the names as they read now,
and frozen with its round by the database, as 0003, 0041 and 0072 freeze the round's rows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import assessments.freeze

FROZEN = "('published', 'superseded')"
GUARDED = {"assessments_nameaspublished": "{row}.round_id"}
# What names.NAMED says at this migration: a model's texts a published round prints.
NAMED = {
    "subject": ("name", "description"),
    "pair": ("name",),
    "process": ("name", "description"),
    "legalact": ("title",),
    "legalactedition": ("title", "note"),
}


def capture_published(apps, schema_editor):
    Round = apps.get_model("assessments", "Round")
    NameAsPublished = apps.get_model("assessments", "NameAsPublished")
    published = list(Round.objects.filter(status__in=("published", "superseded")))
    if not published:
        return
    languages = [code for code, _name in settings.LANGUAGES]
    texts = {}
    for kind, fields in NAMED.items():
        columns = [f"{field}_{lang}" for field in fields for lang in languages]
        model = apps.get_model("assessments", kind)
        for pk, *values in model.objects.order_by("pk").values_list("pk", *columns):
            texts[kind, pk] = dict(zip(columns, values, strict=True))
    NameAsPublished.objects.bulk_create(
        NameAsPublished(round=r, kind=kind, object_id=pk, texts=row)
        for r in published
        for (kind, pk), row in texts.items()
    )


def _frozen(row: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM assessments_round r WHERE r.id = "
        f"{GUARDED['assessments_nameaspublished'].format(row=row)} AND r.status IN {FROZEN})"
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
                IF TG_OP IN ('UPDATE', 'DELETE') AND {_frozen("OLD")} THEN
                    RAISE EXCEPTION '{table}: the round of this row is published and frozen'
                        USING ERRCODE = 'check_violation';
                END IF;
                IF TG_OP IN ('INSERT', 'UPDATE') AND {_frozen("NEW")} THEN
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
    dependencies = [("assessments", "0072_freeze_peer_review_and_replies")]

    operations = [
        migrations.CreateModel(
            name="NameAsPublished",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("subject", "subject"),
                            ("pair", "pair"),
                            ("process", "process"),
                            ("legalact", "legal act"),
                            ("legalactedition", "edition"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("object_id", models.PositiveIntegerField(verbose_name="row")),
                ("texts", models.JSONField(verbose_name="texts")),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="names_as_published",
                        to="assessments.round",
                        verbose_name="round",
                    ),
                ),
            ],
            options={
                "verbose_name": "name as published",
                "verbose_name_plural": "names as published",
                "ordering": ["round", "kind", "object_id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("round", "kind", "object_id"), name="name_as_published_once"
                    )
                ],
            },
            bases=(assessments.freeze.FrozenWithItsRound, models.Model),
        ),
        # The rounds published before this table: their names as they read now.
        migrations.RunPython(capture_published, migrations.RunPython.noop),
        migrations.RunPython(install, uninstall),
    ]
