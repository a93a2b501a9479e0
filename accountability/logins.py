"""Logins that resist guessing, and tokens that follow the password.

- **Lockout** (django-axes): failed logins to the admin and to the API's token login are
  counted per username *and* client address (`accountability.proxies.client_address`,
  the same trusted-proxy rule as the API throttles), so a guesser elsewhere cannot lock
  the real user out, and changing `X-Forwarded-For` changes nothing. After
  `LOGIN_FAILURE_LIMIT` failures that pair is refused, even with the right password,
  for `LOGIN_COOLOFF_MINUTES`; every failure is kept (axes' AccessFailureLog) and logged
  on the `axes` logger. Staff unlock with `manage.py axes_reset_username <name>`.
- **Tokens follow the password**: changing a user's password revokes every API token
  (knox) she holds, as it already ends her other sessions.
- **At most `API_TOKENS_PER_USER` tokens** per user: a new login removes her oldest
  tokens beyond the cap (refusing would leave a user who lost her tokens locked out
  until they expire).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .proxies import client_address


def client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the real client address (proxies.client_address), or None
    when the request names none that is an address (axes stores it in an address column)."""
    address = client_address(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def lockout_message() -> str:
    minutes = settings.LOGIN_COOLOFF_MINUTES
    return ngettext(
        "Too many failed logins to this account from your address. Try again in "
        "%(minutes)s minute, or ask institute staff to unlock the account.",
        "Too many failed logins to this account from your address. Try again in "
        "%(minutes)s minutes, or ask institute staff to unlock the account.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the API's error shape for the API, the admin's page otherwise."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    retry_after = str(settings.LOGIN_COOLOFF_MINUTES * 60)
    if request.path.startswith("/api/"):
        # The API's problem details, in the language the API answers in (English by default).
        from assessments.api.errors import problem_response

        response: HttpResponse = problem_response(
            request, status, "locked_out", lazy(lockout_message, str)()
        )
    else:
        from django.contrib import admin

        # The admin's own header and title (the product's name), as on its login page.
        context = {
            **admin.site.each_context(request),
            "title": _("Log in"),
            "message": lockout_message(),
        }
        response = render(request, "admin/locked_out.html", context, status=status)
    response["Retry-After"] = retry_after
    return response


# --- tokens ---------------------------------------------------------------------------------


def _remember_password(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    stored = sender._base_manager.filter(pk=instance.pk).values_list("password", flat=True)
    instance._password_before_save = stored.first()


def _revoke_tokens_on_new_password(sender, instance, created=False, raw=False, **kwargs) -> None:
    before = getattr(instance, "_password_before_save", None)
    if raw or created or before is None or before == instance.password:
        return
    from knox.models import AuthToken

    AuthToken.objects.filter(user=instance).delete()


def keep_token_cap(user) -> int:
    """Before a new token is issued: remove `user`'s expired tokens (authentication checks
    only the token presented: assessments/api/authentication.py), then her oldest so that,
    with the new one, she holds at most API_TOKENS_PER_USER. Returns how many were removed."""
    from django.utils import timezone
    from knox.models import AuthToken

    expired, _by_model = AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    keep = max(settings.API_TOKENS_PER_USER - 1, 0)
    newest = AuthToken.objects.filter(user=user).order_by("-created").values("pk")[:keep]
    removed, _by_model = (
        AuthToken.objects.filter(user=user)
        .exclude(pk__in=list(newest.values_list("pk", flat=True)))
        .delete()
    )
    return expired + removed


def connect() -> None:
    user = get_user_model()
    pre_save.connect(_remember_password, sender=user, dispatch_uid="logins.remember_password")
    post_save.connect(
        _revoke_tokens_on_new_password, sender=user, dispatch_uid="logins.revoke_tokens"
    )
