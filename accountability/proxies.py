"""The client's real address, for throttles, login lockouts and logs.

`X-Forwarded-For` is written by whoever sends the request, so it is believed
only as far as the operator says proxies stand in front of the service:
with `TRUSTED_PROXY_COUNT = n`, the n-th address from the right is the client
(each trusted proxy appends the address it saw). With 0, the default, the
header is ignored and the socket's address is the client.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent `request`, as far as it can be trusted."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if trusted <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    # The last trusted proxy connected to us (REMOTE_ADDR); the ones before it
    # appended what they saw, so the client is `trusted` places from the right.
    chain = [*forwarded, remote]
    if len(chain) <= trusted:
        # Fewer hops than configured proxies: the header is missing or short,
        # so take the leftmost address we have rather than trust nothing.
        return chain[0]
    return chain[-(trusted + 1)]
