"""The panel's screens, under the admin site (included in accountability/urls.py at
admin/assessments/, before the admin's own URLs, whose admin/<app>/<model>/<id>/ pattern
would otherwise take them)."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "workspace"

view = admin.site.admin_view

urlpatterns = [
    path("round/<int:round_id>/sheet/", view(views.sheet_view), name="sheet"),
    path(
        "round/<int:round_id>/sheet/<int:assessment_id>/<int:dimension_id>/",
        view(views.cell_view),
        name="sheet-cell",
    ),
    path(
        "round/<int:round_id>/sheet/<int:assessment_id>/evidence/",
        view(views.evidence_view),
        name="sheet-evidence",
    ),
    path("workspace/acts/", view(views.act_lookup), name="acts"),
    path("workspace/editions/", view(views.edition_lookup), name="editions"),
    path("workspace/articles/", view(views.article_lookup), name="articles"),
]
