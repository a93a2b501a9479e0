"""Which language an API response speaks: `?lang=`, else Accept-Language, else English.

English by default, unlike the site (Kyrgyz first): the author of a tool expects it,
and a tool that names no language should get the same answer wherever it runs.

API addresses are not language-prefixed, and the language cookie of the web
pages is ignored on purpose: an API response then depends only on the request
line and headers named in `Vary`, so shared caches and our own response cache
can key on them.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header

LANGUAGES = [code for code, _name in settings.LANGUAGES]
DEFAULT_LANGUAGE = "en"


class UnknownLanguage(ValueError):
    pass


def requested_language(request: HttpRequest, query: Mapping[str, str] | None = None) -> str:
    """The response language; raises UnknownLanguage for a `lang` this service doesn't speak.

    `query`: the request's parameters when already read (default: `request.GET`).
    """
    asked = (request.GET if query is None else query).get("lang")
    if asked is not None and asked not in LANGUAGES:
        raise UnknownLanguage(asked)
    return asked or accepted_language(request)


def accepted_language(request: HttpRequest) -> str:
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return DEFAULT_LANGUAGE
