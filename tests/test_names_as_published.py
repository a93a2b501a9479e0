"""A published round prints the names it was published with (issue 11; assessments/names.py).

Renaming a subject, a pair, a process, an act or an edition used to change 2016's published
pages, API answers and package (only their ETag followed). Now every public address of the
round is fetched (and `manage.py scores --json` run), every one of those rows is renamed in
every language (a subject through the admin's own form, the rest as the admin saves them),
and every address answers the same bytes under the same ETag; errata then publish the
corrected names, say so in their changelog, and every answer that prints a name changes its
bytes and its ETag.

The addresses come from the URL configuration (the public site's namespace and the API's
round answers), so a new page of the site is fetched here without being listed.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from assessments import diagrams, names, services
from assessments.api import caching
from assessments.models import (
    LegalAct,
    LegalActEdition,
    NameAsPublished,
    Pair,
    Process,
    Round,
    Subject,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ("ky", "ru", "en")
MARK = " (renamed)"
RENAMED = {
    Subject: ("name", "description"),
    Pair: ("name",),
    Process: ("name", "description"),
    LegalAct: ("title",),
    LegalActEdition: ("title", "note"),
}
# Public addresses that are not about a published round's contents: the feed and the
# sitemap list rounds by title and address, and are fetched all the same.
API_ROUND_ANSWERS = (
    ("api:round-scores", {"round": "2016"}, {}),
    ("api:round-scores", {"round": "2016"}, {"format": "csv"}),
    ("api:round-detail", {"round": "2016"}, {}),
    ("api:assessment-list", {}, {"round": "2016"}),
    ("api:rating-list", {}, {"round": "2016"}),
    ("api:citation-list", {}, {"round": "2016"}),
    ("api:series", {}, {}),
    ("api:compare", {}, {"a": "2016-v1", "b": "2016"}),
)


# What prints no subject, pair, process, act or edition: the list of rounds and of downloads,
# the methodology, a comparison with no second year, the dimensions' chart, and the API's
# assessments and ratings, which name processes by code and by the round's own wording.
PRINT_NO_SHARED_NAME = {
    "/rounds/",
    "/downloads/",
    "/methodology/",
    "/compare/",
    "/rounds/2016/charts/dimensions.svg",
    "/embed/rounds/2016/dimensions/",
    "/api/v1/assessments/?round=2016",
    "/api/v1/ratings/?round=2016",
}


def _bare(url: str) -> str:
    """The address without its language (a prefix on the site, `lang=` in the API)."""
    if url.startswith("/api/"):
        return url.split("&lang=")[0].split("?lang=")[0]
    return url[3:]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    caching.clear_local()
    names.clear_cache()
    yield
    cache.clear()
    caching.clear_local()
    names.clear_cache()


def _web_patterns() -> list[tuple[URLPattern, list[str]]]:
    """Every pattern of the public site (the `web` namespace), from the URL configuration,
    with the arguments of its address (its own and those of the groups it is in)."""
    found = []

    def walk(patterns, namespace, arguments):
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = p.namespace or namespace
                mine = list(p.pattern.converters) if inner == "web" else []
                walk(p.url_patterns, inner, arguments + mine)
            elif namespace == "web" and p.name:
                found.append((p, arguments + list(p.pattern.converters)))

    walk(get_resolver().url_patterns, None, [])
    return found


def _values(round_: Round) -> dict[str, list[str]]:
    """Every value each URL argument of the site takes for the 2016 round."""
    return {
        "ref": [str(round_.year)],
        "pair": list(
            Pair.objects.filter(processes__assessments__round=round_)
            .distinct()
            .values_list("code", flat=True)
        ),
        "chart": list(diagrams.ROUND_DIAGRAMS),
        "fmt": ["svg", "png"],
    }


def _site_urls(round_: Round) -> list[str]:
    values = _values(round_)
    urls = []
    for pattern, arguments in _web_patterns():
        combos: list[dict[str, str]] = [{}]
        for name in arguments:
            assert name in values, f"web:{pattern.name}: no sample value for <{name}>"
            combos = [{**c, name: v} for c in combos for v in values[name]]
        for lang in LANGUAGES:
            with translation.override(lang):
                urls += [reverse(f"web:{pattern.name}", kwargs=kw) for kw in combos]
    return urls


def _api_urls() -> list[str]:
    urls = []
    for name, kwargs, query in API_ROUND_ANSWERS:
        for lang in LANGUAGES:
            params = "&".join(f"{k}={v}" for k, v in {**query, "lang": lang}.items())
            urls.append(f"{reverse(name, kwargs=kwargs)}?{params}")
    return urls


def _scores_json(lang: str) -> str:
    out = io.StringIO()
    call_command("scores", "2016", "--json", "--language", lang, stdout=out)
    return out.getvalue()


def _fetch(client, urls) -> dict[str, tuple[str, bytes]]:
    answers = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        answers[url] = (response["ETag"], response.content)
    return answers


def _rename_everything(client, staff) -> None:
    """Every subject, pair, process, act and edition, in every language: the first subject
    through the admin's change form, the rest saved as that form saves them."""
    first = Subject.objects.order_by("pk").first()
    client.force_login(staff)
    url = reverse("admin:assessments_subject_change", args=[first.pk])
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    for lang in LANGUAGES:
        data[f"name_{lang}"] = f"{getattr(first, f'name_{lang}')}{MARK}"
    data.update({"names-TOTAL_FORMS": 0, "names-INITIAL_FORMS": 0})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    for model, fields in RENAMED.items():
        for row in model.objects.all():
            for field in fields:
                for lang in LANGUAGES:
                    column = f"{field}_{lang}"
                    value = getattr(row, column) or ""
                    if not value.endswith(MARK):
                        setattr(row, column, f"{value}{MARK}")
            row.save()


def _publish_errata(staff, round_: Round) -> Round:
    errata = services.start_errata(actor=staff, round_=round_, reason="names corrected")
    services.update_round(
        actor=staff,
        round_=errata,
        texts={"changelog": {lang: "Names corrected." for lang in LANGUAGES}},
        reason="say what",
        expected_revision=errata.revision,
    )
    return services.publish_round(
        actor=staff, round_=errata, reason="names corrected", override_open_threads=True
    )


def test_publication_keeps_every_name_of_the_round(study_round):
    kept = NameAsPublished.objects.filter(round=study_round)
    assert kept.filter(kind="subject").count() == Subject.objects.count()
    assert kept.filter(kind="legalactedition").count() == LegalActEdition.objects.count()
    pair = Pair.objects.first()
    texts = kept.get(kind="pair", object_id=pair.pk).texts
    assert texts == {f"name_{lang}": getattr(pair, f"name_{lang}") for lang in LANGUAGES}


def test_renaming_everything_changes_no_byte_of_the_published_round_until_errata(
    study_round, client, staff
):
    urls = _site_urls(study_round) + _api_urls()
    before = _fetch(client, urls)
    scores_before = {lang: _scores_json(lang) for lang in LANGUAGES}

    _rename_everything(client, staff)
    assert Subject.objects.order_by("pk").first().name_en.endswith(MARK)
    after = _fetch(client, urls)
    changed = [url for url in urls if after[url] != before[url]]
    assert changed == []
    assert {lang: _scores_json(lang) for lang in LANGUAGES} == scores_before
    for url, (etag, _body) in before.items():
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304, url
    # Draft rounds and the admin read the current names.
    with names.as_published(study_round):
        assert not Subject.objects.order_by("pk").first().name_en.endswith(MARK)
    assert Subject.objects.order_by("pk").first().name_en.endswith(MARK)

    errata = _publish_errata(staff, Round.objects.get(pk=study_round.pk))
    with translation.override("en"):
        assert "Names corrected since version 1:" in errata.changelog
        assert f"{MARK}»" in errata.changelog
    assert "Names corrected since version 1:" not in errata.changelog_ky  # its own words
    fixed = _fetch(client, urls)
    moved = [url for url in urls if fixed[url][1] != before[url][1]]
    for url in moved:  # new bytes, a new ETag: an old copy is not confirmed
        assert fixed[url][0] != before[url][0], url
        assert client.get(url, HTTP_IF_NONE_MATCH=before[url][0]).status_code == 200, url
    textual = [u for u in urls if not u.endswith(".png") and "package.zip" not in u]
    printing = [u for u in textual if "/feed/" not in u and "sitemap" not in u]
    unmarked = {_bare(u) for u in printing if MARK.encode() not in fixed[u][1]}
    assert unmarked == PRINT_NO_SHARED_NAME
    for lang in LANGUAGES:
        package = fixed[f"/{lang}/rounds/2016/package.zip"][1]
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            subjects = next(n for n in archive.namelist() if n.endswith("/subjects.csv"))
            assert MARK.encode() in archive.read(subjects)
    # The version that was published first still prints its own names.
    first = client.get("/en/rounds/2016-v1/pairs/" + Pair.objects.first().code + "/")
    assert MARK.encode() not in first.content


def test_a_published_rounds_names_cannot_be_rewritten(study_round):
    kept = NameAsPublished.objects.filter(round=study_round).first()
    kept.texts = {"name_en": "forged"}
    with pytest.raises(Exception, match="published"):
        kept.save()
