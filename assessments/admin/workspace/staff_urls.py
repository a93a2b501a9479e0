"""Staff screens (workspace/staff.py), under the admin site's login."""

from django.contrib import admin
from django.urls import path

from . import staff

app_name = "panel_staff"

urlpatterns = [
    path("<int:round_id>/onboard/", admin.site.admin_view(staff.onboard), name="onboard"),
]
