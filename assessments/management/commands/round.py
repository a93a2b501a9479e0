"""Move a round through its lifecycle from the command line, with the same rules as the admin."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from assessments import services
from assessments.models import Pair, Rating, Round

from ..base import LanguageCommand

ACTIONS = ("open", "review", "reopen", "confirm", "publish", "errata", "next")


class Command(LanguageCommand):
    help = (
        "open | review | reopen | confirm | publish | errata | next: change a round's state as "
        "USER, with a REASON (kept in the round's history). `confirm` confirms the round's "
        "carried-over ratings as re-examined (each rating's history keeps the reason)."
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
        parser.add_argument(
            "--pair",
            action="append",
            default=[],
            metavar="CODE",
            help="With `confirm`: only this pair's ratings (repeat for several pairs).",
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
        pair,
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
        if action == "confirm":
            self._confirm(actor, round_, reason, pair)
            return
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

    def _confirm(self, actor, round_, reason, pair_codes):
        ratings = Rating.objects.filter(assessment__round=round_, carried_over=True)
        if pair_codes:
            pairs = list(Pair.objects.filter(code__in=pair_codes))
            unknown = sorted(set(pair_codes) - {p.code for p in pairs})
            if unknown:
                raise CommandError(
                    _("No pair %(codes)s; the round's pairs are: %(known)s.")
                    % {
                        "codes": ", ".join(unknown),
                        "known": ", ".join(
                            Pair.objects.filter(processes__assessments__round=round_)
                            .distinct()
                            .values_list("code", flat=True)
                        ),
                    }
                )
            ratings = ratings.filter(assessment__process__pair__in=pairs)
        ratings = list(ratings)
        if not ratings:
            self.stdout.write(
                _("Round %(year)s has no carried-over ratings left to confirm.")
                % {"year": round_.year}
            )
            return
        try:
            confirmed = services.confirm_ratings(actor=actor, ratings=ratings, reason=reason)
        except services.DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Confirmed %(n)s carried-over rating(s) of round %(year)s as re-examined.")
                % {"n": len(confirmed), "year": round_.year}
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
