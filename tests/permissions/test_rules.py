"""The rules themselves: one for every model, and imports that flow one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from assessments import permissions

APP = Path(apps.get_app_config("assessments").path)


def test_every_model_of_the_domain_has_a_visibility_rule():
    models = {
        m
        for m in apps.get_app_config("assessments").get_models()
        if not m.__name__.startswith("Historical")
    }
    assert models == set(permissions.VISIBILITY)


@pytest.mark.django_db
def test_a_model_without_a_rule_is_an_error_not_everything():
    from django.contrib.auth.models import Group

    with pytest.raises(LookupError):
        permissions.visible(AnonymousUser(), Group.objects.all())


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
            found.update(f"{'.' * node.level}{node.module or ''}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


@pytest.mark.parametrize(
    "module",
    [
        *sorted(str(p.relative_to(APP)) for p in (APP / "models").glob("*.py")),
        "querysets.py",
        "names.py",
        "freeze.py",
    ],
)
def test_models_and_querysets_never_import_permissions(module):
    imported = _imports(APP / module)
    assert not {name for name in imported if "permissions" in name}, imported
