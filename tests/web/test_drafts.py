"""A round that is not published does not exist on the public site: not on any page, in the
feed, the sitemap or the downloads, for anyone, staff included (they use the admin)."""

import io
import zipfile

import pytest

from assessments.models import Round

from ..factories import AssessmentFactory, PairFactory, RoundFactory, rate
from .rounds import publish

pytestmark = pytest.mark.django_db

LANGUAGES = ["ky", "ru", "en"]
HIDDEN_TITLE = "Unpublished round title"
HIDDEN_PROCESS = "Unpublished process wording"
# One hidden round per status that is not published.
HIDDEN = {2031: Round.Status.DRAFT, 2032: Round.Status.OPEN, 2033: Round.Status.REVIEW}


@pytest.fixture
def rounds():
    published = RoundFactory(year=2030, title_en="Published round")
    pair = PairFactory(code="people-parliament")
    assessment = AssessmentFactory(round=published, process__pair=pair)
    rate(assessment, rules=1, demand=1, motivation=0, enforcement=0)
    publish(published)
    for year, status in HIDDEN.items():
        hidden = RoundFactory(year=year, methodology=published.methodology, title_en=HIDDEN_TITLE)
        later = AssessmentFactory(round=hidden, process=assessment.process, title_en=HIDDEN_PROCESS)
        rate(later, rules=1, demand=1, motivation=1, enforcement=1)
        publish(hidden, status=status)
    # Errata of the published year, in the works: version 2 is not published either.
    errata = RoundFactory(
        year=2030, version=2, methodology=published.methodology, title_en=HIDDEN_TITLE
    )
    AssessmentFactory(round=errata, process=assessment.process, title_en=HIDDEN_PROCESS)
    publish(errata, status=Round.Status.REVIEW)
    return published


PUBLIC_PAGES = [
    "/{lang}/",
    "/{lang}/rounds/",
    "/{lang}/rounds/2030/",
    "/{lang}/rounds/2030/pairs/people-parliament/",
    "/{lang}/compare/",
    "/{lang}/compare/?a=2030&b=2030",
    "/{lang}/methodology/",
    "/{lang}/downloads/",
    "/{lang}/feed/",
    "/{lang}/sitemap.xml",
    "/{lang}/rounds/2030/scores.csv",
    "/{lang}/rounds/2030/charts/pairs.svg",
    "/{lang}/rounds/2030/pairs/people-parliament/chart.svg",
    "/{lang}/charts/by-year.svg",
    "/{lang}/embed/rounds/2030/dimensions/",
    "/{lang}/embed/rounds/2030/pairs/people-parliament/",
    "/{lang}/embed/by-year/",
]

HIDDEN_URLS = [
    url
    for year in HIDDEN
    for url in (
        f"/{{lang}}/rounds/{year}/",
        f"/{{lang}}/rounds/{year}-v1/",
        f"/{{lang}}/rounds/{year}/pairs/people-parliament/",
        f"/{{lang}}/rounds/{year}/package.zip",
        f"/{{lang}}/rounds/{year}/scores.csv",
        f"/{{lang}}/rounds/{year}/charts/pairs.svg",
        f"/{{lang}}/rounds/{year}/charts/principals.png",
        f"/{{lang}}/rounds/{year}/card.png",
        f"/{{lang}}/rounds/{year}/pairs/people-parliament/chart.png",
        f"/{{lang}}/rounds/{year}/pairs/people-parliament/card.png",
        f"/{{lang}}/embed/rounds/{year}/pairs/",
        f"/{{lang}}/embed/rounds/{year}/pairs/people-parliament/",
        f"/{{lang}}/compare/?a=2030&b={year}",
        f"/{{lang}}/compare/?a={year}&b=2030",
    )
] + [
    "/{lang}/rounds/2030-v2/",
    "/{lang}/rounds/2030-v2/pairs/people-parliament/",
    "/{lang}/rounds/2030-v2/package.zip",
    "/{lang}/compare/?a=2030&b=2030-v2",
]


def assert_nothing_hidden_shows(client):
    for lang in LANGUAGES:
        for url in PUBLIC_PAGES:
            response = client.get(url.format(lang=lang))
            assert response.status_code == 200, url
            content = response.content.decode()
            for year in HIDDEN:
                assert str(year) not in content, url
            assert HIDDEN_TITLE not in content, url
            assert HIDDEN_PROCESS not in content, url
            assert "2030-v2" not in content, url


def assert_every_hidden_address_is_a_404(client):
    for lang in LANGUAGES:
        for url in HIDDEN_URLS:
            response = client.get(url.format(lang=lang))
            assert response.status_code == 404, url
            assert "public" not in response.get("Cache-Control", ""), url


def test_no_page_mentions_a_round_that_is_not_published(client, rounds):
    assert_nothing_hidden_shows(client)


def test_every_address_of_a_round_that_is_not_published_is_a_404(client, rounds):
    assert_every_hidden_address_is_a_404(client)


def test_staff_do_not_see_unpublished_rounds_on_the_public_site_either(client, admin_user, rounds):
    client.force_login(admin_user)
    assert_nothing_hidden_shows(client)
    assert_every_hidden_address_is_a_404(client)


def test_the_data_package_holds_nothing_of_another_round(client, rounds):
    response = client.get("/en/rounds/2030/package.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode()
            assert HIDDEN_TITLE not in text and HIDDEN_PROCESS not in text, name


def test_the_latest_round_is_the_latest_published_one(client, rounds):
    response = client.get("/en/")
    assert response.context["round"] == rounds
