from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from assessments.api.errors import not_found

from . import redoc, views

handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Redoc's script without its badge from another host (accountability/redoc.py).
    # Outside /api/, which answers every address in its own way (problem details).
    path("api-docs/redoc.js", redoc.redoc_script, name="redoc-script"),
    path("api/v1/", include("assessments.api.urls")),
    # Any other /api/ address (another version, a typo): the API's 404, never the site's.
    re_path(r"^api/[\s\S]*$", not_found, name="api-not-found"),
]
urlpatterns += i18n_patterns(
    path("admin/assessments/tools/", include("assessments.admin.tools.urls")),
    path("admin/assessments/", include("assessments.admin.workspace.urls")),
    path("admin/assessments/chair/", include("assessments.admin.workspace.chair_urls")),
    path("admin/assessments/staff/", include("assessments.admin.workspace.staff_urls")),
    path("admin/", admin.site.urls),
    path("", include("assessments.web.urls")),
    prefix_default_language=True,
)
