"""Every address of the service × every role × a round in work and a published one.

The addresses come from the URL configuration itself, so a new address without a rule
here fails the suite (`test_every_address_has_a_rule`). A rule says what an address
needs; what each role gets follows from her row in world.ROLES:

- 302 to the login page: the admin, for whoever may not open it;
- 404: a row she may not see (never a 403 that would confirm it exists);
- 403: a row she sees, on a page her role may not use;
- otherwise the page's own answer (200, or 302/404/405 where the page always gives it).
"""

from __future__ import annotations

import re
import uuid
import zlib
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern

from .world import DRAFT, PUBLISHED, ROLES, STATES, Role, World

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Rule:
    """What an address needs.

    gate: "site" (anyone), "api" (anyone; a token for some), "admin" (the admin's login),
    or "login" (the admin's login page itself). scope: the kind of row the address shows
    (see world.Role), or "published" for the public site, which shows published rounds
    only, whoever asks. needs: what the role must be allowed (world.Role.may); denied:
    the answer when she is not. frozen: refused once the round is published.
    """

    gate: str
    scope: str | None = None
    needs: str | None = None
    ok: int = 200
    denied: int = 403
    frozen: bool = False


def expected(role: Role, state: str, rule: Rule) -> int:
    if rule.gate == "login":
        return 302 if "admin" in role.may else 200
    if rule.gate == "admin" and "admin" not in role.may:
        return 302
    if rule.scope == "published":
        if state != PUBLISHED:
            return 404
    elif rule.scope is not None and rule.scope not in role.sees[state]:
        return 404
    if rule.needs is not None and rule.needs not in role.may:
        return rule.denied
    if rule.frozen and state == PUBLISHED:
        return 403
    return rule.ok


SITE, API, ADMIN = Rule("site"), Rule("api"), Rule("admin")
SITE_ROUND = Rule("site", scope="published")
API_POST_ONLY = Rule("api", ok=405)

# Addresses by name. The admin's model pages follow from ADMIN_MODELS below.
RULES: dict[str, Rule] = {
    "healthz": SITE,
    "redoc-script": SITE,
    "set_language": Rule("site", ok=302),
    # the public site: published rounds only
    "web:home": SITE,
    "web:rounds": SITE,
    "web:round": SITE_ROUND,
    "web:pair": SITE_ROUND,
    "web:package": SITE_ROUND,
    "web:scores": SITE_ROUND,
    "web:round-chart": SITE_ROUND,
    "web:round-card": SITE_ROUND,
    "web:pair-chart": SITE_ROUND,
    "web:pair-card": SITE_ROUND,
    "web:series-chart": SITE,
    "web:embed-round-chart": SITE_ROUND,
    "web:embed-pair": SITE_ROUND,
    "web:embed-series": SITE,
    "web:compare": SITE,
    "web:methodology": SITE,
    "web:downloads": SITE,
    "web:feed": SITE,
    "web:sitemap": SITE,
    # the API
    "api:api-root": API,
    "api:schema": API,
    "api:docs": API,
    "api:redoc": API,
    "api:login": API_POST_ONLY,
    "api:logout": Rule("api", needs="token", denied=401, ok=405),
    "api:logout-all": Rule("api", needs="token", denied=401, ok=405),
    "api:methodology-list": API,
    "api:methodology-detail": API,
    "api:subject-list": API,
    "api:subject-detail": API,
    "api:pair-list": API,
    "api:pair-detail": API,
    "api:process-list": API,
    "api:process-detail": API,
    "api:legal-act-list": API,
    "api:legal-act-detail": API,
    "api:round-list": API,
    "api:round-detail": Rule("api", scope="round"),
    "api:round-errata": API_POST_ONLY,
    "api:round-publish": API_POST_ONLY,
    "api:round-start-next": API_POST_ONLY,
    "api:round-transition": API_POST_ONLY,
    "api:round-scores": Rule("api", scope="figures"),
    "api:compare": Rule("api", scope="figures"),
    "api:series": API,
    "api:assessment-list": API,
    "api:assessment-detail": Rule("api", scope="work"),
    "api:rating-list": API,
    "api:rating-detail": Rule("api", scope="work"),
    "api:citation-list": API,
    "api:citation-detail": Rule("api", scope="work"),
    "api:expert-rating-list": API,
    "api:expert-rating-detail": Rule("api", scope="internal"),
    "api:thread-list": API,
    "api:thread-detail": Rule("api", scope="internal"),
    "api:thread-comments": API_POST_ONLY,
    "api:thread-resolve": API_POST_ONLY,
    "api:comment-list": API,
    "api:comment-detail": Rule("api", scope="internal"),
    # a row's history: whoever sees the row (who made each change: the panel and staff)
    "api:round-history": Rule("api", scope="round"),
    "api:assessment-history": Rule("api", scope="work"),
    "api:rating-history": Rule("api", scope="work"),
    "api:citation-history": Rule("api", scope="work"),
    "api:expert-rating-history": Rule("api", scope="internal"),
    "api/v1/^[\\s\\S]*$": Rule("api", ok=404),
    "api-not-found": Rule("api", ok=404),  # /api/ outside v1
    # the admin site
    "admin:index": ADMIN,
    "admin:login": Rule("login"),
    "admin:logout": Rule("admin", ok=405),  # a POST; a GET is refused
    "admin:password_change": ADMIN,
    "admin:password_change_done": ADMIN,
    "admin:autocomplete": Rule("admin", needs="models"),
    "admin:jsi18n": ADMIN,
    "admin:view_on_site": Rule("admin", ok=404),  # no model here has a public page
    # assessments; auth and knox below. Without a model page of the app, there is no app page.
    "admin:app_list": Rule("admin", needs="models", denied=404),
    "admin:app_list auth": Rule("admin", needs="superuser", denied=404),
    "admin:app_list knox": Rule("admin", needs="superuser", denied=404),
    "admin/(?P<url>.*)$": Rule("admin", ok=404),
    "admin:auth_user_password_change": Rule("admin", needs="superuser"),
    "admin:assessments_round_lifecycle": Rule("admin", scope="round", needs="staff"),
    "admin:assessments_rating_restore": Rule("admin", scope="work", needs="chair", frozen=True),
    # the panel's screens: the rating sheet of a round she sees (empty without a seat);
    # one cell of it, for the panel covering the pair (its own ratings are internal);
    # evidence is added by POST only; the pickers list public reference data
    "workspace:sheet": Rule("admin", scope="round"),
    "workspace:sheet-cell": Rule("admin", scope="internal", needs="rate"),
    "workspace:sheet-evidence": Rule("admin", scope="work", ok=405),
    "workspace:acts": ADMIN,
    "workspace:editions": ADMIN,
    "workspace:articles": ADMIN,
    # the admin's tools
    "assessment_tools:index": Rule("admin", ok=302),
    "assessment_tools:compare": ADMIN,
    "assessment_tools:round-charts": Rule("admin", scope="figures"),
    "assessment_tools:round-chart": Rule("admin", scope="figures"),
    "assessment_tools:round-chart-png": Rule("admin", scope="figures"),
    "assessment_tools:series-chart": Rule("admin", scope="figures"),
    "assessment_tools:series-chart-png": Rule("admin", scope="figures"),
    "assessment_tools:import": ADMIN,
    "assessment_tools:import-confirm": Rule("admin", ok=405),
    "assessment_tools:import-status": Rule("admin", ok=404),  # no such import
    "assessment_tools:import-cancel": Rule("admin", ok=405),  # a POST; GET is refused
    "assessment_tools:export": ADMIN,
    "assessment_tools:progress": ADMIN,
    # the chair's view of a round (its POST addresses answer a GET with 405)
    "panel_chair:sheet": Rule("admin", scope="round", needs="chair"),
    "panel_chair:consensus": Rule("admin", scope="round", needs="chair", ok=405),
    "panel_chair:confirm": Rule("admin", scope="round", needs="chair", ok=405),
    "panel_chair:reply": Rule("admin", scope="round", needs="chair", ok=405),
    "panel_chair:resolve": Rule("admin", scope="round", needs="chair", ok=405),
    # staff screens
    "panel_staff:onboard": Rule("admin", scope="round", needs="staff", frozen=True),
    "assessment_tools:review": ADMIN,
    "assessment_tools:review-round": Rule("admin", scope="review-round"),
    "assessment_tools:review-pair": Rule("admin", scope="review"),
    "assessment_tools:reply": ADMIN,
    "assessment_tools:reply-round": Rule("admin", scope="reply-round"),
    "assessment_tools:reply-pair": Rule("admin", scope="reply"),
}


@dataclass(frozen=True)
class ModelRules:
    """An admin model's pages: the scope of its rows and what each page needs."""

    scope: str | None  # None: reference data, the same row in both states
    add: str
    delete: str
    view: str = "models"  # the roles that use the admin's model pages (not reviewers)
    frozen: bool = False  # deleting is refused once the round is published

    def rule(self, page: str) -> Rule:
        if page == "changelist":
            return Rule("admin", needs=self.view)
        if page == "add":
            return Rule("admin", needs=self.add)
        if page == "redirect":  # <id>/ → <id>/change/, whoever asks
            return Rule("admin", ok=302)
        if page == "delete":
            return Rule("admin", scope=self.scope, needs=self.delete, frozen=self.frozen)
        return Rule("admin", scope=self.scope, needs=self.view)  # change, history, versions


NOBODY = "nobody"  # never deleted in the admin: corrected, or removed through a service
REFERENCE = ModelRules(None, add="staff", delete="staff")
ACCOUNTS = ModelRules(None, add="superuser", delete="superuser", view="superuser")

ADMIN_MODELS: dict[str, ModelRules] = {
    "assessments.methodology": ModelRules(None, add="staff", delete="superuser"),
    "assessments.dimension": REFERENCE,
    "assessments.subject": REFERENCE,
    "assessments.pair": REFERENCE,
    "assessments.process": REFERENCE,
    "assessments.legalact": REFERENCE,
    "assessments.legalactedition": REFERENCE,
    "assessments.round": ModelRules("round", add="staff", delete="superuser", frozen=True),
    "assessments.processassessment": ModelRules("work", "staff", "staff", frozen=True),
    "assessments.rating": ModelRules("work", add="chair", delete=NOBODY),
    "assessments.citation": ModelRules("work", add="contribute", delete=NOBODY),
    "assessments.expertrating": ModelRules("internal", add="contribute", delete=NOBODY),
    "assessments.thread": ModelRules("internal", "contribute", "staff", frozen=True),
    "assessments.recommendation": ModelRules("work", "staff", "staff", frozen=True),
    "assessments.developmentinitiative": ModelRules("work", "staff", "staff", frozen=True),
    "assessments.publishedfigure": ModelRules("figures", "staff", "staff", frozen=True),
    "assessments.panel": ModelRules("panel", "staff", "staff", frozen=True),
    "assessments.passage": ModelRules("work", "staff", "staff", frozen=True),
    "assessments.printedname": ModelRules("work", "staff", "staff", frozen=True),
    "assessments.justificationflag": ModelRules("work", "staff", "staff", frozen=True),
    "assessments.processlink": REFERENCE,
    "auth.user": ACCOUNTS,
    "auth.group": ACCOUNTS,
    "knox.authtoken": ACCOUNTS,
}

ADMIN_PAGE = re.compile(
    r"^admin:(?P<app>[a-z]+)_(?P<model>[a-z]+)_"
    r"(?P<page>changelist|add|history|delete|change|simple_history)$"
)
ADMIN_REDIRECT = re.compile(r"^admin/(?P<app>[a-z]+)/(?P<model>[a-z]+)/<path:object_id>/$")


# --- the addresses --------------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    key: str  # the URL name, or the route of an unnamed pattern
    route: str
    suffix: bool  # the API's `.json` form of the same address


def addresses() -> list[Address]:
    """Every pattern of the URL configuration, with the language prefix left out."""
    found: list[Address] = []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = namespace
                if p.namespace:
                    inner = f"{namespace}:{p.namespace}" if namespace else p.namespace
                here = "" if isinstance(p.pattern, LocalePrefixPattern) else str(p.pattern)
                walk(p.url_patterns, prefix + here, inner)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                name = f"{namespace}:{p.name}" if namespace and p.name else p.name
                suffix = "format" in p.pattern.regex.groupindex
                found.append(Address(name or route, route, suffix))

    walk(get_resolver().url_patterns, "", None)
    return found


def rule_of(address: Address) -> Rule | None:
    if address.key in RULES:
        return RULES[address.key]
    page = ADMIN_PAGE.match(address.key)
    if page:
        model = ADMIN_MODELS.get(f"{page['app']}.{page['model']}")
        return model.rule(page["page"]) if model else None
    redirect = ADMIN_REDIRECT.match(address.route)
    if redirect:
        model = ADMIN_MODELS.get(f"{redirect['app']}.{redirect['model']}")
        return model.rule("redirect") if model else None
    return None


def _round_key(round_) -> str:
    return f"{round_.year}-v{round_.version}"


def concrete(address: Address, world: World, state: str) -> list[tuple[str, Rule]]:
    """The address made concrete for the state's round: [(url, rule)]."""
    round_ = world.rounds[state]
    published = world.rounds[PUBLISHED]
    key = address.key
    kwargs: dict = {}
    query: dict = {}
    args: list = []
    rule = rule_of(address)
    page = ADMIN_PAGE.match(key)
    redirect = ADMIN_REDIRECT.match(address.route)
    if key == "admin:app_list":
        return [
            (reverse(key, kwargs={"app_label": app}), RULES.get(f"{key} {app}", RULES[key]))
            for app in ("assessments", "auth", "knox")
        ]
    if page or redirect:
        match = page or redirect
        row = world.rows[f"{match['app']}.{match['model']}"][state]
        if redirect:
            prefix = reverse(f"admin:{match['app']}_{match['model']}_changelist")
            return [(f"{prefix}{row.pk}/", rule)]
        if page["page"] in ("history", "delete", "change"):
            args = [row.pk]
        elif page["page"] == "simple_history":
            args = [row.pk, row.history.order_by("-history_date").first().history_id]
    elif key == "admin:autocomplete":
        query = {"app_label": "assessments", "model_name": "citation", "field_name": "assessment"}
    elif key == "admin:view_on_site":
        kwargs = {
            "content_type_id": ContentType.objects.get_for_model(round_).pk,
            "object_id": round_.pk,
        }
    elif key == "admin:auth_user_password_change":
        args = [world.users["expert_a"].pk]
    elif key == "admin:assessments_round_lifecycle":
        kwargs = {"object_id": round_.pk}
        query = {"action": "review" if state == DRAFT else "errata"}
    elif key == "admin:assessments_rating_restore":
        rating = world.rows["assessments.rating"][state]
        kwargs = {
            "object_id": rating.pk,
            "history_id": rating.history.order_by("history_date").first().history_id,
        }
    elif key == "workspace:sheet":
        kwargs = {"round_id": round_.pk}
    elif key in ("workspace:sheet-cell", "workspace:sheet-evidence"):
        assessment = world.rows["assessments.processassessment"][state]
        kwargs = {"round_id": round_.pk, "assessment_id": assessment.pk}
        if key == "workspace:sheet-cell":
            kwargs["dimension_id"] = round_.methodology.dimensions.order_by("position")[0].pk
    elif key == "workspace:editions":
        query = {"act": world.rows["assessments.legalact"][state].pk}
    elif key == "workspace:articles":
        act = world.rows["assessments.legalact"][state]
        edition = act.editions.first()
        query = {"edition": edition.pk if edition else 0}
    elif key in ("panel_chair:sheet", "panel_chair:confirm", "panel_staff:onboard"):
        kwargs = {"round_id": round_.pk}
    elif key == "panel_chair:consensus":
        rating = world.rows["assessments.rating"][state]
        kwargs = {
            "round_id": round_.pk,
            "assessment_id": rating.assessment_id,
            "dimension_id": rating.dimension_id,
        }
    elif key in ("panel_chair:reply", "panel_chair:resolve"):
        kwargs = {"round_id": round_.pk, "thread_id": world.rows["assessments.thread"][state].pk}
    elif key == "assessment_tools:compare":
        query = {"before": _round_key(published), "after": _round_key(round_)}
    elif key == "assessment_tools:round-charts":
        kwargs = {"key": _round_key(round_)}
    elif key in ("assessment_tools:round-chart", "assessment_tools:round-chart-png"):
        kwargs = {"key": _round_key(round_), "chart": "pairs"}
    elif key in ("assessment_tools:series-chart", "assessment_tools:series-chart-png"):
        query = {"rounds": f"{_round_key(published)},{_round_key(round_)}"}
    elif key == "assessment_tools:export":
        query = {"round": _round_key(round_), "kind": "ratings", "file_format": "csv"}
    elif key in ("assessment_tools:review-round", "assessment_tools:reply-round"):
        args = [_round_key(round_)]
    elif key in ("assessment_tools:review-pair", "assessment_tools:reply-pair"):
        args = [_round_key(round_), world.pairs["A"].code]
    elif key in (
        "assessment_tools:import-status",
        "assessment_tools:import-cancel",
        "assessment_tools:progress",
    ):
        kwargs = {"token": uuid.UUID(int=1)}
    elif key in ("web:round", "web:package", "web:scores", "web:round-card"):
        kwargs = {"ref": _web_ref(round_)}
    elif key in ("web:pair", "web:pair-card", "web:embed-pair"):
        kwargs = {"ref": _web_ref(round_), "pair": world.pairs["A"].code}
    elif key == "web:pair-chart":
        kwargs = {"ref": _web_ref(round_), "pair": world.pairs["A"].code, "fmt": "svg"}
    elif key == "web:round-chart":
        kwargs = {"ref": _web_ref(round_), "chart": "pairs", "fmt": "svg"}
    elif key == "web:embed-round-chart":
        kwargs = {"ref": _web_ref(round_), "chart": "pairs"}
    elif key == "web:series-chart":
        kwargs = {"fmt": "svg"}
    elif key == "api:methodology-detail":
        kwargs = {"label": world.rows["assessments.methodology"][state].label}
    elif key in ("api:subject-detail", "api:pair-detail", "api:process-detail"):
        model = key.split(":")[1].removesuffix("-detail")
        kwargs = {"code": world.rows[f"assessments.{model}"][state].code}
    elif key == "api:legal-act-detail":
        kwargs = {"code": world.rows["assessments.legalact"][state].code}
    elif key.startswith("api:round-") and key != "api:round-list":
        kwargs = {"round": _round_key(round_)}
    elif key == "api:compare":
        query = {"a": published.year, "b": round_.year}
    elif key in API_ROWS:
        kwargs = {"pk": world.rows[API_ROWS[key]][state].pk}
    elif key in ("api:thread-comments", "api:thread-resolve"):
        kwargs = {"pk": world.rows["assessments.thread"][state].pk}
    elif key == "api/v1/^[\\s\\S]*$":
        return [("/api/v1/nowhere/", rule), ("/api/v1/pairs/%0A/", rule)]
    elif key == "api-not-found":
        return [("/api/v2/pairs/", rule), ("/api/%0A", rule)]
    elif key == "admin/(?P<url>.*)$":
        return [(reverse("admin:index") + "nowhere/", rule)]
    if address.suffix:
        kwargs["format"] = "json"
    url = reverse(key, args=args or None, kwargs=kwargs or None)
    return [(f"{url}?{urlencode(query)}" if query else url, rule)]


def _web_ref(round_):
    from assessments.web.converters import RoundRef

    return RoundRef(round_.year, round_.version)


API_ROWS = {
    "api:assessment-detail": "assessments.processassessment",
    "api:rating-detail": "assessments.rating",
    "api:citation-detail": "assessments.citation",
    "api:expert-rating-detail": "assessments.expertrating",
    "api:assessment-history": "assessments.processassessment",
    "api:rating-history": "assessments.rating",
    "api:citation-history": "assessments.citation",
    "api:expert-rating-history": "assessments.expertrating",
    "api:thread-detail": "assessments.thread",
    "api:comment-detail": "assessments.comment",
}


def _depends_on_state(address: Address, world: World) -> bool:
    """Whether the address names a round's row, so that it differs between the states."""
    urls = {url for state in STATES for url, _rule in concrete(address, world, state)}
    return len(urls) > 1


# --- the tests ---------------------------------------------------------------------------------


def test_every_address_has_a_rule():
    missing = [a.key for a in addresses() if rule_of(a) is None]
    assert not missing, f"Addresses without a rule in tests/permissions/test_matrix.py: {missing}"


def test_every_rule_names_an_address():
    keys = {a.key for a in addresses()}
    names = {k.split(" ")[0] for k in RULES}
    assert names - keys == set(), "Rules for addresses that no longer exist"


def test_every_model_of_the_admin_has_page_rules():
    from django.contrib import admin

    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    assert registered == set(ADMIN_MODELS)


def test_the_matrix(world, as_role, plain_rendering):
    """Each address, each role, each state: the answer her row of ROLES says.

    Every address that shows a round's row in the admin or the API is asked by every
    role. An address that shows none (a list, an add form, reference data), and the
    public site, which shows published rounds to all alike, answer by what a role may
    do alone: each is asked once for each different answer, by one of the roles that
    get it, a different one from address to address.
    """
    cases: list[tuple[str, str, Rule]] = []  # (state, url, rule)
    for address in addresses():
        states = STATES if _depends_on_state(address, world) else (DRAFT,)
        for state in states:
            for url, rule in concrete(address, world, state):
                cases.append((state, url, rule))
    asked, wrong = 0, []
    for role in ROLES:
        client = as_role(role.name)
        cache.clear()  # throttle counters: the matrix asks more than a client would
        for state, url, rule in cases:
            if rule.scope in (None, "published") and _asker(url, rule, role) is not role:
                continue
            want = expected(role, state, rule)
            got = client.get(url).status_code
            asked += 1
            if got != want:
                wrong.append(f"{role.name:10} {state:9} {url}: {got}, expected {want}")
    assert not wrong, f"{len(wrong)} of {asked} answers differ:\n" + "\n".join(wrong)


def _asker(url: str, rule: Rule, role: Role) -> Role:
    """Which of the roles that get the same answer as `role` asks this address."""
    same = [other for other in ROLES if _answer_of(other, rule) == _answer_of(role, rule)]
    return same[zlib.crc32(url.encode()) % len(same)]


def _answer_of(role: Role, rule: Rule) -> tuple:
    # What decides the answer of an address that shows no round's row (see expected()).
    return ("admin" in role.may, rule.needs in role.may, "token" in role.may)
