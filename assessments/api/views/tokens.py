"""Tokens for tools and scripts: log in, log out."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    extend_schema,
)
from knox import views as knox_views
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from accountability import logins

from .. import serializers as s
from ..authentication import TokenAuthentication
from ..throttling import LoginRateThrottle
from .base import (
    ApiMixin,
    validated,
)

# --- tokens ------------------------------------------------------------------------------------


class LoginFailed(APIException):
    """Who may not (a wrong password) is a 401, not bad input: the request was well formed."""

    status_code = 401
    default_detail = _("Unable to log in with the username and password given.")
    default_code = "authentication_failed"
    auth_header = "Token"


class LoginView(ApiMixin, knox_views.LoginView):
    """A token for tools and scripts, in exchange for a username and password."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"

    @extend_schema(summary="Log in: get a token", request=s.LoginInput, responses=s.TokenSerializer)
    def post(self, request: Request, format: str | None = None) -> Response:
        data = validated(s.LoginInput, request.data)
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None or not user.is_active:
            # A locked-out username and address: AxesMiddleware answers 429 instead.
            raise LoginFailed()
        request.user = user
        logins.keep_token_cap(user)
        return super().post(request, format)

    def format_expiry_datetime(self, expiry: Any) -> str | None:
        return s.UTCDateTimeField().to_representation(expiry) if expiry else None


class LogoutView(ApiMixin, knox_views.LogoutView):
    authentication_classes = [TokenAuthentication]

    @extend_schema(summary="Log out: revoke this token", request=None, responses={204: None})
    def post(self, request: Request, format: str | None = None) -> Response:
        return super().post(request, format)


class LogoutAllView(ApiMixin, knox_views.LogoutAllView):
    authentication_classes = [TokenAuthentication]

    @extend_schema(summary="Revoke all your tokens", request=None, responses={204: None})
    def post(self, request: Request, format: str | None = None) -> Response:
        return super().post(request, format)
