"""The admin site: model pages, and the tools beside them.

- `reference`: the accountability system and its evidence (methodology, subjects,
  pairs, processes, legal acts);
- `rounds`: rounds and their lifecycle, panels, what a round concludes;
- `ratings`: process assessments, consensus and expert ratings, citations;
- `discussion`: threads and their comments;
- `publication`: passages and names as printed, links between processes, justification flags;
- `tools/`: compare rounds, charts, import and export (mounted in accountability/urls.py).

Every save calls a function of services/; what a user may see comes from permissions.py.
"""

from django.contrib import admin as _django_admin
from django.utils.translation import gettext_lazy as _

from . import (  # noqa: F401  (registers the model admins)
    discussion,
    publication,
    ratings,
    reference,
    rounds,
)

# The product's name, not "Django administration", in every language.
_django_admin.site.site_header = _("Accountability assessments")
_django_admin.site.site_title = _("Accountability assessments")
_django_admin.site.index_title = _("Rounds, panels and evidence")

# The task queue's own admin page lists every import job with its arguments (other users'
# files and reasons) to whoever has the model's permissions: nobody needs it, since each
# user follows her imports on their status page, and it would be a second rule of who sees
# what (permissions.py). Its admin module is discovered before this one.
from django_tasks_db.models import DBTaskResult  # noqa: E402

if _django_admin.site.is_registered(DBTaskResult):
    _django_admin.site.unregister(DBTaskResult)
