"""Entity tags of the rows that change through a service, and the If-Match that names them.

A row's ETag is `"<revision>-<language>-<digest>"`: its revision (what the services
compare before a write), the language of the representation (the texts differ per
language, so each language is its own representation), and a digest of the JSON
served (which also moves when something shown with the row changes, e.g. its round
is published). The ETag a GET, a POST or a PATCH answers is the one a later write
sends back in If-Match, and If-Match compares strongly (RFC 9110 §13.1.1): a tag
matches only when it equals a current ETag of the row, in the language it names;
a weak tag (`W/"…"`) never does. `*` matches any current row, and no row at all
matches nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import translation
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer

from .i18n import LANGUAGES

ROW_ETAG = re.compile(
    r'^"(?P<revision>[0-9]{1,10})-(?P<language>[a-z]{2})-(?P<digest>[0-9a-f]{16})"$'
)
NO_MATCH = 0  # no row has revision 0: the services answer it with 412 and the current row
_renderer = JSONRenderer()


def row_etag(revision: int, language: str, data: Any) -> str:
    """The ETag of a row's representation `data` (as the API serves it) in `language`."""
    digest = hashlib.sha256(_renderer.render(data)).hexdigest()[:16]
    return f'"{revision}-{language}-{digest}"'


def if_match_header(request: HttpRequest) -> str | None:
    return request.headers.get("If-Match")


def expected_revision(
    request: HttpRequest, revision: int | None, represent: Callable[[], Any]
) -> int | None:
    """The revision the client's If-Match vouches for, to hand to the service.

    None: no If-Match (the service answers 428 to a change of an existing row).
    `revision` (the row's, as read before the service locks it): `*`, or a tag equal
    to a current ETag of the row. NO_MATCH otherwise, which the service turns into
    412 with the row as it is now. `represent()` gives the row's data in the active
    language; `revision` None means there is no row.
    """
    header = if_match_header(request)
    if header is None:
        return None
    if header.strip() == "*":
        return revision if revision is not None else NO_MATCH
    tags = parse_etags(header)
    if not tags or "*" in tags:
        raise ValidationError(
            {
                "If-Match": [
                    _("Send back the ETag a GET of the row gave, e.g. If-Match: %(tag)s.")
                    % {"tag": '"3-en-5d41402abc4b2a76"'}
                ]
            }
        )
    if revision is None:
        return NO_MATCH
    languages = {
        match["language"]
        for tag in tags
        if (match := ROW_ETAG.match(tag)) and match["language"] in LANGUAGES
    }
    current = set()
    for language in languages:
        with translation.override(language):
            current.add(row_etag(revision, language, represent()))
    return revision if current & set(tags) else NO_MATCH
