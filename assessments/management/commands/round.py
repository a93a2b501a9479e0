"""Move a round through its lifecycle from the command line, with the same rules as the admin."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from assessments import services
from assessments.models import Round

from ..base import LanguageCommand

ACTIONS = ("open", "review", "reopen", "publish", "errata", "next")


class Command(LanguageCommand):
    help = (
        "open | review | reopen | publish | errata | next: change a round's state as USER, "
        "with a REASON (kept in the round's history)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument("year", type=int)
        parser.add_argument("--round-version", type=int, default=None)
        parser.add_argument("--user", required=True, help="Who does it (a staff user).")
        parser.add_argument("--reason", required=True)
        parser.add_argument("--to-year", type=int, help="With `next`: the new round's year.")
        parser.add_argument(
            "--override-open-threads",
            action="store_true",
            help="With `publish`: publish although discussion threads are open.",
        )

    def handle(
        self,
        *args,
        action,
        year,
        round_version,
        user,
        reason,
        to_year,
        override_open_threads,
        **options,
    ):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(_("No active user %(user)s.") % {"user": user})
        rounds = Round.objects.filter(year=year)
        if round_version is not None:
            rounds = rounds.filter(version=round_version)
        round_ = rounds.order_by("-version").first()
        if round_ is None:
            raise CommandError(_("No round for %(year)s.") % {"year": year})
        try:
            result = self._run(action, actor, round_, reason, to_year, override_open_threads)
        except services.PublishBlocked as exc:
            raise CommandError(
                _("Not published:") + "\n" + "\n".join(str(p) for p in exc.problems)
            ) from exc
        except services.DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Round %(year)s, version %(version)s, is now: %(status)s.")
                % {
                    "year": result.year,
                    "version": result.version,
                    "status": result.get_status_display(),
                }
            )
        )

    @staticmethod
    def _run(action, actor, round_, reason, to_year, override):
        targets = {
            "open": Round.Status.OPEN,
            "review": Round.Status.REVIEW,
            "reopen": Round.Status.OPEN,
        }
        if action in targets:
            return services.transition_round(
                actor=actor, round_=round_, to=targets[action], reason=reason
            )
        if action == "publish":
            return services.publish_round(
                actor=actor, round_=round_, reason=reason, override_open_threads=override
            )
        if action == "errata":
            return services.start_errata(actor=actor, round_=round_, reason=reason)
        if to_year is None:
            raise services.InvalidInput(_("`next` needs --to-year."))
        return services.start_next_round(actor=actor, source=round_, year=to_year, reason=reason)
