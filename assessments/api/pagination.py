"""Pages of at most MAX_PAGE_SIZE items: `?page=2&page_size=100`."""

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
