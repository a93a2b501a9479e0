from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Quick start only (DEBUG): load the 2016 round and create the demo staff user."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo data and its known password are for DEBUG only.")
        call_command("load_study", if_missing=True, stdout=self.stdout)
        User = get_user_model()
        if not User.objects.filter(username="demo").exists():
            User.objects.create_superuser("demo", "demo@example.org", "demo")
        self.stdout.write(
            self.style.SUCCESS(
                "Demo ready: http://127.0.0.1:8000/en/admin/ (user demo, password demo); "
                "also /ky/admin/ and /ru/admin/."
            )
        )
