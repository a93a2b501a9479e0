from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Accountability assessments")

    def ready(self) -> None:
        from accountability import logins

        from . import checks, freeze, names  # noqa: F401 (checks registers the system checks)
        from .roles import ensure_roles

        freeze.connect()
        names.connect()
        logins.connect()
        # After auth's own post_migrate handler has created the permissions.
        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="assessments.ensure_roles")
