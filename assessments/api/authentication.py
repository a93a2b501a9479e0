"""API tokens: knox's, checked with one query whose SQL is built once.

Knox reads every other token of the user on each request, to delete the expired ones
among them: a second query on every authenticated call, the larger part of what a kept
list costs a panel member (benchmarks/README.md). Here only the token presented is
checked for expiry; the user's other expired tokens are deleted when she logs in
(accountability/logins.py, keep_token_cap), and refused whenever presented, as before.

The query itself (the token by its key, with its user) is the same on every request, yet
the ORM compiled it again each time: a third of what a kept list costs a signed-in
reader. Its SQL is written once per process from the models' own columns, and the rows
are made into model instances as a queryset would (`Model.from_db`).
"""

from __future__ import annotations

import binascii
from functools import cache
from hmac import compare_digest

from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth
from knox.crypto import hash_token
from knox.models import AuthToken, get_token_model
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions


@cache
def _token_query(alias: str) -> tuple[str, list[str], list[str]]:
    """SELECT token columns, user columns ... WHERE token_key = %s, for one database."""
    token_model = get_token_model()
    user_model = token_model._meta.get_field("user").related_model
    quote = connections[alias].ops.quote_name
    token_fields = [f.attname for f in token_model._meta.concrete_fields]
    user_fields = [f.attname for f in user_model._meta.concrete_fields]
    columns = [f"t.{quote(f.column)}" for f in token_model._meta.concrete_fields] + [
        f"u.{quote(f.column)}" for f in user_model._meta.concrete_fields
    ]
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(token_model._meta.db_table)} t "
        f"INNER JOIN {quote(user_model._meta.db_table)} u "
        f"ON u.{quote(user_model._meta.pk.column)} = t.{quote('user_id')} "
        f"WHERE t.{quote('token_key')} = %s"
    )
    return sql, token_fields, user_fields


class TokenAuthentication(auth.TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        msg = _("Invalid token.")
        token = token.decode("utf-8")
        token_model = get_token_model()
        user_model = token_model._meta.get_field("user").related_model
        alias = router.db_for_read(token_model)
        sql, token_fields, user_fields = _token_query(alias)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, [token[: CONSTANTS.TOKEN_KEY_LENGTH]])
            rows = cursor.fetchall()
        for row in rows:
            auth_token = token_model.from_db(alias, token_fields, row[: len(token_fields)])
            auth_token.user = user_model.from_db(alias, user_fields, row[len(token_fields) :])
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(token)
            except (TypeError, binascii.Error) as error:
                raise exceptions.AuthenticationFailed(msg) from error
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(msg)

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        if auth_token.expiry is None or auth_token.expiry >= timezone.now():
            return False
        username = auth_token.user.get_username()
        auth_token.delete()
        token_expired.send(sender=self.__class__, username=username, source="auth_token")
        return True


class TokenScheme(KnoxTokenScheme):
    """The schema's name for it is knox's."""

    target_class = "assessments.api.authentication.TokenAuthentication"
