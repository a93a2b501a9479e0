"""API tokens: knox's, checked with one query.

Knox reads every other token of the user on each request, to delete the expired ones
among them: a second query on every authenticated call, the larger part of what a kept
list costs a panel member (benchmarks/README.md). Here only the token presented is
checked for expiry; the user's other expired tokens are deleted when she logs in
(accountability/logins.py, keep_token_cap), and refused whenever presented, as before.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth
from knox.models import AuthToken
from knox.signals import token_expired


class TokenAuthentication(auth.TokenAuthentication):
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
