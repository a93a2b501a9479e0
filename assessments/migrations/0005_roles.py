"""The roles, as groups with the model permissions each needs in the admin.

Which rounds and pairs a chair or expert works on is not a permission: it comes
from PanelMembership (permissions.py), and every write re-checks it.
"""

from django.db import migrations

VIEW_ALL = [
    "methodology", "dimension", "scalelevel", "subject", "subjectname", "pair", "process",
    "round", "processassessment", "rating", "expertrating", "legalact", "legalactedition",
    "citation", "recommendation", "developmentinitiative", "publishedfigure", "panel",
    "panelmembership", "thread", "comment",
]
ROLES = {
    "Institute staff": {
        "view": VIEW_ALL,
        "add": VIEW_ALL,
        "change": VIEW_ALL,
        "delete": [m for m in VIEW_ALL if m not in ("round", "methodology")],
    },
    "Panel chairs": {
        "view": VIEW_ALL,
        "add": ["expertrating", "rating", "citation", "thread", "comment"],
        "change": ["processassessment", "rating", "expertrating", "citation", "thread"],
        "delete": ["citation"],
    },
    "Panel members": {
        "view": VIEW_ALL,
        "add": ["expertrating", "citation", "thread", "comment"],
        "change": ["expertrating", "thread"],
        "delete": [],
    },
    "API readers": {"view": [], "add": [], "change": [], "delete": []},
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; this one needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for action, models in grants.items() for model in models]
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="assessments", codename__in=codenames)
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_round_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
