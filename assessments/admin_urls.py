"""The admin's tools: compare rounds, charts, import and export.

Included in accountability/urls.py at admin/assessments/tools/, before the
admin's own URLs (whose admin/<app>/<model>/ pattern would otherwise take them).
"""

from django.contrib import admin
from django.urls import path

from . import admin_views

app_name = "assessment_tools"

view = admin.site.admin_view

urlpatterns = [
    path("", view(admin_views.tools_index), name="index"),
    path("compare/", view(admin_views.compare), name="compare"),
    path("charts/<str:key>/<slug:chart>.svg", view(admin_views.round_chart), name="round-chart"),
    path("charts/series.svg", view(admin_views.series_chart_svg), name="series-chart"),
    path("import/", view(admin_views.import_rows), name="import"),
    path("import/confirm/", view(admin_views.import_confirm), name="import-confirm"),
    path("import/<uuid:token>/", view(admin_views.import_status), name="import-status"),
    path("export/", view(admin_views.export_rows), name="export"),
    path("progress/<uuid:token>/", view(admin_views.progress), name="progress"),
]
