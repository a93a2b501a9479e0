"""Pages of at most MAX_PAGE_SIZE items: `?page=2&page_size=100`.

A `page_size` that is not a whole number from 1 to 200 is a 400 naming it, not
silently the default or the maximum: a tool asking for 500 rows a page must learn
that it gets 200. So is a `page` that is not a whole number from 1. A page past
the last is a 404 (that page does not exist) naming `page` and how many there are.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    last_page_strings = ()  # the schema says a page is a number: "last" is not one
    max_page_size = 200

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Any] | None:
        value = request.query_params.get(self.page_query_param)
        if value is not None and not (value.isascii() and value.isdigit() and int(value) >= 1):
            raise ValidationError({self.page_query_param: [_("A page is a whole number from 1.")]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            # DRF's bare "Invalid page." says neither which parameter nor what would do.
            pages = self.django_paginator_class(queryset, self.get_page_size(request)).num_pages
            raise NotFound(
                {
                    self.page_query_param: [
                        _("There are %(pages)s pages: ask for a page from 1 to %(pages)s.")
                        % {"pages": pages}
                    ]
                }
            ) from None

    def get_page_size(self, request: Request) -> int:
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("A page holds 1 to %(max)s items.") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(value)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
            elif parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters
