from django.contrib.admin.apps import AdminConfig


class AccountabilityAdminConfig(AdminConfig):
    """The admin with the project's site: who may use it follows from her role (a group),
    not from the "Staff status" checkbox (assessments/admin_site.py)."""

    default_site = "assessments.admin_site.AssessmentsAdminSite"
