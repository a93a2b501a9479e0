"""The admin site (outside the admin package, which registers onto it): who may use it,
and a login that says why it refuses someone.

Django's admin lets in only users whose "Staff status" checkbox is ticked, and refuses
everyone else with "Please enter the correct username and password for a staff
account", which blames the password. Here the role gives the right: a user in one of
the roles' groups (permissions.may_use_admin) logs in; one with a correct password and
no role is told that it is the role that is missing.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import permissions


class RoleLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "no_role": _(
            "Your user name and password are right, but this account has no role here yet. "
            "Ask institute staff to add you to a panel."
        ),
    }

    def confirm_login_allowed(self, user) -> None:
        AuthenticationForm.confirm_login_allowed(self, user)  # refuses inactive accounts
        if not permissions.may_use_admin(user):
            raise ValidationError(self.error_messages["no_role"], code="no_role")


class AssessmentsAdminSite(admin.AdminSite):
    login_form = RoleLoginForm

    def has_permission(self, request) -> bool:
        return permissions.may_use_admin(request.user)

    def each_context(self, request) -> dict:
        context = super().each_context(request)
        # A peer reviewer or respondent has no model page (roles.py): no sidebar that would
        # only say she may see nothing; her screens are linked from the index.
        if not context["available_apps"]:
            context["is_nav_sidebar_enabled"] = False
        return context
