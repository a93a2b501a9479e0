"""The product's URLs plus the benchmark's ceiling: a trivial JsonResponse on the same server."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from accountability.urls import urlpatterns as product_urlpatterns


def trivial(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


# The product's list as it is (it holds i18n_patterns, which cannot be include()d).
urlpatterns = [path("bench/trivial/", trivial), *product_urlpatterns]
