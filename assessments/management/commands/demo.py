"""The quick start's data: the 2016 round and two users with known passwords (development only)."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from assessments import permissions

from ..base import LanguageCommand

# username, password, superuser, group: `demo` for the admin, `staff` for the README's
# round lifecycle (an Institute staff member, as a real one would be).
USERS = [
    ("demo", "demo", True, None),
    ("staff", "staff", False, permissions.STAFF),
]


class Command(LanguageCommand):
    help = (
        "Quick start only (development settings): load the 2016 round and create the users "
        "demo (superuser) and staff (Institute staff), each with its name as password."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                _("The demo users have known passwords: they are for development only.")
            )
        call_command(
            "load_study", if_missing=True, language=options["language"], stdout=self.stdout
        )
        User = get_user_model()
        for username, password, superuser, group in USERS:
            if User.objects.filter(username=username).exists():
                continue
            if superuser:
                User.objects.create_superuser(username, f"{username}@example.org", password)
                continue
            user = User.objects.create_user(
                username, f"{username}@example.org", password, is_staff=True
            )
            user.groups.add(Group.objects.get(name=group))
        # dev.sh serve passes its PORT on; the message must name the port it serves on.
        port = os.environ.get("PORT") or "8000"
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Demo ready: http://127.0.0.1:%(port)s/en/admin/ (user demo, password demo; "
                    "user staff, password staff); also /ky/admin/ and /ru/admin/."
                )
                % {"port": port}
            )
        )
