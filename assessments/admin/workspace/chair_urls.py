"""The chair's view of a round (workspace/chair.py), under the admin site's login."""

from django.contrib import admin
from django.urls import path

from . import chair

app_name = "panel_chair"

view = admin.site.admin_view

urlpatterns = [
    path("<int:round_id>/", view(chair.sheet), name="sheet"),
    path(
        "<int:round_id>/consensus/<int:assessment_id>/<int:dimension_id>/",
        view(chair.consensus),
        name="consensus",
    ),
    path("<int:round_id>/confirm/", view(chair.confirm), name="confirm"),
    path("<int:round_id>/threads/<int:thread_id>/reply/", view(chair.reply), name="reply"),
    path("<int:round_id>/threads/<int:thread_id>/resolve/", view(chair.resolve), name="resolve"),
]
