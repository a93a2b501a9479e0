"""Content-Security-Policy: one strict policy for every page, and its two loosenings.

The policy (settings.CONTENT_SECURITY_POLICY, sent by django-csp) allows scripts, styles,
fonts and images from this site only; an inline script runs only with the request's
nonce (`nonce="{{ request.csp_nonce }}"`). The public site needs nothing more: its script
is a static file, its pages have no inline style.

- The admin and the API's documentation (Swagger UI, Redoc) set styles inline (Django's
  and our admin templates' style attributes, Redoc's generated styles) and Redoc searches
  in a worker made from a blob: those paths may use inline *styles* and blob workers,
  never inline scripts (`InlineStylesForToolsMiddleware`).
- The site's embed pages may be framed by any site (web/chart_views.py, `embeddable`).
"""

from __future__ import annotations

from collections.abc import Callable

from csp.constants import UNSAFE_INLINE
from django.http import HttpRequest, HttpResponse

TOOL_PATH_PARTS = ("/admin/", "/api/v1/docs/", "/api/v1/redoc/")


class InlineStylesForToolsMiddleware:
    """Below django-csp's middleware: marks the admin's and API docs' responses."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if any(part in request.path for part in TOOL_PATH_PARTS):
            update = dict(getattr(response, "_csp_update", None) or {})
            update["style-src"] = [*update.get("style-src", []), UNSAFE_INLINE]
            update["worker-src"] = [*update.get("worker-src", []), "'self'", "blob:"]
            response._csp_update = update  # type: ignore[attr-defined]
        return response
