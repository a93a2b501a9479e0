"""URLs of the admin's tools: compare rounds, charts, import and export.

Included in accountability/urls.py at admin/assessments/tools/, before the
admin's own URLs (whose admin/<app>/<model>/ pattern would otherwise take them).
"""

from django.contrib import admin
from django.urls import path

from . import charts, compare, reply, review, transfer

app_name = "assessment_tools"

view = admin.site.admin_view

urlpatterns = [
    path("", view(transfer.tools_index), name="index"),
    path("compare/", view(compare.compare), name="compare"),
    path("rounds/<str:key>/charts/", view(charts.round_charts), name="round-charts"),
    path("charts/<str:key>/<slug:chart>.svg", view(charts.round_chart), name="round-chart"),
    path(
        "charts/<str:key>/<slug:chart>.png",
        view(charts.round_chart),
        {"fmt": "png"},
        name="round-chart-png",
    ),
    path("charts/series.svg", view(charts.series_chart_file), name="series-chart"),
    path(
        "charts/series.png",
        view(charts.series_chart_file),
        {"fmt": "png"},
        name="series-chart-png",
    ),
    path("import/", view(transfer.import_rows), name="import"),
    path("import/confirm/", view(transfer.import_confirm), name="import-confirm"),
    path("import/<uuid:token>/", view(transfer.import_status), name="import-status"),
    path("import/<uuid:token>/cancel/", view(transfer.import_cancel), name="import-cancel"),
    path("export/", view(transfer.export_rows), name="export"),
    path("progress/<uuid:token>/", view(transfer.progress), name="progress"),
    path("review/", view(review.review_index), name="review"),
    path("review/<str:key>/", view(review.review_round), name="review-round"),
    path("review/<str:key>/<slug:pair>/", view(review.review_pair), name="review-pair"),
    path("reply/", view(reply.reply_index), name="reply"),
    path("reply/<str:key>/", view(reply.reply_round), name="reply-round"),
    path("reply/<str:key>/<slug:pair>/", view(reply.reply_pair), name="reply-pair"),
]
