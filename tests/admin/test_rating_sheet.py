"""The expert's rating sheet: her processes × the methodology's dimensions, rated in place.

Issue 10: entering a rating was generic CRUD (a raw id from a popup of identical titles,
a bare number, six clicks per rating). The sheet lists what her panels cover, shows the
scale as its labels, keeps her justification in her language, cites act → edition →
article, and answers a refused save in the cell with her text kept.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assessments import services
from assessments.models import (
    Citation,
    ExpertRating,
    LegalActEdition,
    Rating,
    Round,
    ScaleLevel,
)

from ..factories import AssessmentFactory, LegalActFactory, PairFactory, RoundFactory, rate

pytestmark = pytest.mark.django_db

LABELS = {0: ("Жок", "Нет", "Absent"), 1: ("Бар", "Есть", "Present")}
NAMES = {
    "rules": ("Эрежелер", "Правила", "Rules"),
    "demand": ("Талап", "Спрос", "Demand"),
    "motivation": ("Мотивация", "Мотивация", "Motivation"),
    "enforcement": ("Аткаруу", "Исполнение", "Enforcement"),
}


def url(name: str, *args, language: str = "en", query: str = "") -> str:
    with translation.override(language):
        return reverse(name, args=args) + query


@pytest.fixture
def world(panel_for, chair, expert, other_expert, outsider):
    """2016 published, 2017 open and started from it (its consensus carried over);
    the panel (chair, two experts) covers pair A; `outsider` sits on pair B's panel."""
    previous = RoundFactory(year=2016, status=Round.Status.DRAFT)
    methodology = previous.methodology
    for level in ScaleLevel.objects.filter(methodology=methodology):
        level.label_ky, level.label_ru, level.label_en = LABELS[level.value]
        level.save()
    for d in methodology.dimensions.all():
        d.name_ky, d.name_ru, d.name_en = NAMES[d.code]
        d.save()
    round_ = RoundFactory(
        year=2017, methodology=methodology, previous=previous, status=Round.Status.OPEN
    )
    pair_a, pair_b = (
        PairFactory(name_ky="Жарандар – Парламент", name_en="Citizens – Parliament"),
        PairFactory(),
    )
    elections = AssessmentFactory(
        round=round_,
        process__pair=pair_a,
        title_ky="Шайлоо",
        title_ru="Выборы",
        title_en="Elections",
    )
    petitions = AssessmentFactory(
        round=round_, process__pair=pair_a, title_ky="Арыздар", title_en="Petitions"
    )
    hidden = AssessmentFactory(round=round_, process__pair=pair_b, title_en="Budget hearings")
    for r in rate(elections, rules=1, demand=1):
        Rating.objects.filter(pk=r.pk).update(carried_over=True)
    panel_for(round_, chair=chair, experts=[expert, other_expert], pairs=[pair_a])
    panel_for(round_, experts=[outsider], pairs=[pair_b])
    act = LegalActFactory(title_ky="Конституция", title_ru="Конституция", title_en="Constitution")
    edition = LegalActEdition.objects.create(
        act=act, code="2010", title_en="2010 text", articles="1-114"
    )
    other = LegalActFactory(title_en="Law on elections")
    return {
        "round": round_,
        "elections": elections,
        "petitions": petitions,
        "hidden": hidden,
        "act": act,
        "edition": edition,
        "other_act": other,
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def cell_url(world, assessment, code, language="en"):
    dimension = world["round"].methodology.dimensions.get(code=code)
    return url(
        "workspace:sheet-cell", world["round"].pk, assessment.pk, dimension.pk, language=language
    )


def cell_data(world, assessment, code, **fields):
    dimension = world["round"].methodology.dimensions.get(code=code)
    prefix = f"cell-{assessment.pk}-{dimension.pk}"
    return {f"{prefix}-{name}": value for name, value in fields.items()}


FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def test_the_sheet_lists_her_processes_on_every_dimension_with_the_scale_in_words(world, expert):
    response = client_for(expert).get(url("workspace:sheet", world["round"].pk, language="ky"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Шайлоо" in html and "Арыздар" in html
    assert "Budget hearings" not in html  # another panel's pair
    assert html.count('type="radio"') == 2 * 4 * 2  # two processes, four dimensions, Бар/Жок
    assert "Бар" in html and "Жок" in html and "Эрежелер" in html
    assert "0 / 8" in html or "8" in html
    assert 'type="number"' not in html
    for code in ("rules", "demand", "idea-4d"):
        assert f">{code}<" not in html


def test_progress_reads_in_words_in_each_language(world, expert):
    client = client_for(expert)
    for language, text in (("en", "0 of 8 rated"), ("ru", "0 из 8"), ("ky", "8")):
        html = client.get(
            url("workspace:sheet", world["round"].pk, language=language)
        ).content.decode()
        assert text in html


def test_a_cell_saves_in_place_and_answers_the_cell_with_the_progress(world, expert):
    client = client_for(expert)
    elections = world["elections"]
    response = client.post(
        cell_url(world, elections, "rules"),
        cell_data(world, elections, "rules", value="1", justification_en="Art. 52 exists"),
        **FETCH,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 of 8 rated" in html and "Saved." in html
    assert "<html" not in html  # the cell only
    rating = ExpertRating.objects.get(assessment=elections, expert=expert, dimension__code="rules")
    assert (rating.value, rating.justification_en, rating.revision) == (1, "Art. 52 exists", 1)
    record = rating.history.get()
    assert (record.history_user, record.history_change_reason) == (
        expert,
        "First rating, entered on the rating sheet",
    )


def test_without_javascript_a_cell_posts_and_the_page_comes_back_at_the_cell(world, expert):
    client = client_for(expert)
    elections = world["elections"]
    response = client.post(
        cell_url(world, elections, "demand"),
        cell_data(world, elections, "demand", value="0", justification_en="No demand")
        | {"show": "unrated"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(
        f"?show=unrated#cell-{elections.pk}-{world['round'].methodology.dimensions.get(code='demand').pk}"
    )
    assert ExpertRating.objects.filter(expert=expert).count() == 1


def test_a_change_needs_a_reason_and_is_recorded_with_it(world, expert):
    client = client_for(expert)
    elections = world["elections"]
    first = cell_data(world, elections, "rules", value="1", justification_en="Exists")
    assert client.post(cell_url(world, elections, "rules"), first, **FETCH).status_code == 200
    change = cell_data(
        world, elections, "rules", value="0", justification_en="Repealed", expected_revision="1"
    )
    response = client.post(cell_url(world, elections, "rules"), change, **FETCH)
    assert response.status_code == 400
    assert "Say why you change your rating" in response.content.decode()
    assert "Repealed" in response.content.decode()
    change[next(k for k in change if k.endswith("value")).replace("value", "reason")] = (
        "read the 2017 text"
    )
    assert client.post(cell_url(world, elections, "rules"), change, **FETCH).status_code == 200
    rating = ExpertRating.objects.get(expert=expert, dimension__code="rules")
    assert (rating.value, rating.revision) == (0, 2)
    assert rating.history.latest("history_date").history_change_reason == "read the 2017 text"


@pytest.mark.parametrize(
    "language,words",
    [("en", "It now reads: Absent"), ("ru", "Сейчас здесь: Нет"), ("ky", "Азыр мындай: Жок")],
)
def test_a_stale_cell_says_whose_change_and_what_it_says_now_and_keeps_her_text(
    world, expert, language, words
):
    client = client_for(expert)
    elections = world["elections"]
    services.record_expert_rating(
        actor=expert,
        assessment=elections,
        dimension="rules",
        value=1,
        justification={"en": "Exists", "ru": "Есть", "ky": "Бар"},
        reason="first",
        expected_revision=None,
    )
    # Another session of hers changes the same rating after this page was opened at revision 1.
    services.record_expert_rating(
        actor=expert,
        assessment=elections,
        dimension="rules",
        value=0,
        justification={"en": "Gone", "ru": "Нет", "ky": "Жок"},
        reason="other tab",
        expected_revision=1,
    )
    data = cell_data(
        world,
        elections,
        "rules",
        value="1",
        expected_revision="1",
        reason="mine",
        **{f"justification_{language}": "My long careful text"},
    )
    response = client.post(cell_url(world, elections, "rules", language=language), data, **FETCH)
    assert response.status_code == 409
    html = response.content.decode()
    assert words in html and "other tab" in html and "aigul" in html
    assert "My long careful text" in html
    assert 'value="3"' not in html and 'name="cell-' in html
    assert f'name="cell-{elections.pk}-' in html and 'value="2"' in html  # saving again replaces it
    rating = ExpertRating.objects.get(expert=expert, dimension__code="rules")
    assert (rating.value, rating.revision) == (0, 2)


def test_an_out_of_scale_value_is_refused_in_the_cell(world, expert):
    elections = world["elections"]
    response = client_for(expert).post(
        cell_url(world, elections, "rules"),
        cell_data(world, elections, "rules", value="5", justification_en="Typed"),
        **FETCH,
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "5 is not on this methodology" in html and "Typed" in html
    assert not ExpertRating.objects.exists()


def test_a_published_round_is_read_only_and_a_late_save_is_refused_in_the_cell(world, expert):
    Round.objects.filter(pk=world["round"].pk).update(status=Round.Status.PUBLISHED)
    client = client_for(expert)
    html = client.get(url("workspace:sheet", world["round"].pk)).content.decode()
    assert "is published" in html and "Save this rating" not in html
    elections = world["elections"]
    response = client.post(
        cell_url(world, elections, "rules"),
        cell_data(world, elections, "rules", value="1", justification_en="Late"),
        **FETCH,
    )
    assert response.status_code == 403
    assert "is published and cannot change" in response.content.decode()
    assert not ExpertRating.objects.exists()


def test_another_panels_process_is_not_there(world, outsider, expert):
    assert client_for(outsider).get(cell_url(world, world["elections"], "rules")).status_code == 404
    assert client_for(expert).get(cell_url(world, world["hidden"], "rules")).status_code == 404


def test_carried_over_values_are_marked_and_explained(world, expert):
    html = client_for(expert).get(url("workspace:sheet", world["round"].pk)).content.decode()
    assert html.count("Carried over from 2016") == 2
    assert "the panel then rated it “Present”" in html


def test_the_filters_show_unrated_carried_over_and_disagreement(world, expert, other_expert):
    elections, petitions = world["elections"], world["petitions"]
    services.record_expert_rating(
        actor=expert,
        assessment=petitions,
        dimension="rules",
        value=1,
        justification="x",
        reason="r",
    )
    services.record_expert_rating(
        actor=other_expert,
        assessment=petitions,
        dimension="rules",
        value=0,
        justification="y",
        reason="r",
    )
    client = client_for(expert)

    def sheet(show):
        return client.get(url("workspace:sheet", world["round"].pk, query=f"?show={show}")).context[
            "sheet"
        ]

    assert sum(len(r.cells) for r in sheet("unrated").rows) == 7
    carried = sheet("carried")
    assert [(r.assessment, [c.dimension.code for c in r.cells]) for r in carried.rows] == [
        (elections, ["rules", "demand"])
    ]
    split = sheet("split")
    assert [(r.assessment, [c.split_text for c in r.cells]) for r in split.rows] == [
        (petitions, ["1 × Absent, 1 × Present"])
    ]


def test_a_citation_is_added_act_edition_article(world, expert):
    elections = world["elections"]
    prefix = f"evidence-{elections.pk}"
    response = client_for(expert).post(
        url("workspace:sheet-evidence", world["round"].pk, elections.pk),
        {
            f"{prefix}-act": world["act"].pk,
            f"{prefix}-edition": world["edition"].pk,
            f"{prefix}-article": "52",
            f"{prefix}-note": "Elections are free",
        },
        **FETCH,
    )
    assert response.status_code == 200
    assert "Constitution (2010 text), article 52" in response.content.decode()
    citation = Citation.objects.get(assessment=elections)
    assert (citation.edition, citation.article, citation.note_en) == (
        world["edition"],
        "52",
        "Elections are free",
    )


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"article": "200"}, "has no article 200"),
        ({"edition": "other"}, "belongs to another act"),
        ({"act": "999999"}, "no such legal act"),
    ],
)
def test_a_bad_citation_is_refused_with_the_reason_and_input_kept(world, expert, fields, message):
    elections = world["elections"]
    prefix = f"evidence-{elections.pk}"
    other_edition = LegalActEdition.objects.create(act=world["other_act"], code="2011")
    data = {
        "act": world["act"].pk,
        "edition": world["edition"].pk,
        "article": "52",
        "note": "Kept note",
    }
    data.update({k: (other_edition.pk if v == "other" else v) for k, v in fields.items()})
    response = client_for(expert).post(
        url("workspace:sheet-evidence", world["round"].pk, elections.pk),
        {f"{prefix}-{k}": v for k, v in data.items()},
        **FETCH,
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "Kept note" in html
    assert not Citation.objects.exists()


def test_the_pickers_search_acts_list_editions_and_articles(world, expert):
    client = client_for(expert)
    acts = client.get(url("workspace:acts", query="?q=Конст")).json()["results"]
    assert [a["id"] for a in acts] == [world["act"].pk]
    editions = client.get(url("workspace:editions", query=f"?act={world['act'].pk}")).json()[
        "results"
    ]
    assert editions == [{"id": world["edition"].pk, "text": "2010 text", "articles": "1-114"}]
    articles = client.get(
        url("workspace:articles", query=f"?edition={world['edition'].pk}&q=11")
    ).json()["results"]
    assert [a["text"] for a in articles] == ["11", "110", "111", "112", "113", "114"]


def test_the_sheet_is_built_in_a_fixed_number_of_queries(world, expert):
    client = client_for(expert)
    address = url("workspace:sheet", world["round"].pk)
    client.get(address)
    with CaptureQueriesContext(connection) as few:
        client.get(address)
    for _ in range(5):
        added = AssessmentFactory(
            round=world["round"], process__pair=world["elections"].process.pair
        )
        # Cited with an edition, which the sheet names after its act.
        Citation.objects.create(
            assessment=added, act=world["act"], edition=world["edition"], article="5"
        )
    with CaptureQueriesContext(connection) as many:
        client.get(address)
    assert len(many) == len(few) <= 20


def test_the_admin_index_and_the_round_page_lead_to_her_sheet(world, expert, staff):
    sheet = url("workspace:sheet", world["round"].pk)
    client = client_for(expert)
    index = client.get(url("admin:index")).content.decode()
    assert "My ratings" in index and sheet in index
    round_page = client.get(url("admin:assessments_round_change", world["round"].pk))
    assert sheet in round_page.content.decode()
    assert sheet not in client_for(staff).get(url("admin:index")).content.decode()


def test_without_javascript_a_refusal_comes_back_as_the_whole_page_with_her_text(world, expert):
    client = client_for(expert)
    elections = world["elections"]
    response = client.post(
        cell_url(world, elections, "rules", language="ru"),
        cell_data(world, elections, "rules", justification_ru="Мой текст без оценки"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" in html and "Мой оценочный лист" in html  # the page, not a fragment
    assert "Выберите оценку на шкале." in html and "Мой текст без оценки" in html
    prefix = f"evidence-{elections.pk}"
    added = client.post(
        url("workspace:sheet-evidence", world["round"].pk, elections.pk),
        {f"{prefix}-act": world["act"].pk, f"{prefix}-article": "3"},
    )
    assert added.status_code == 302 and added["Location"].endswith(f"#evidence-{elections.pk}")
    assert Citation.objects.filter(assessment=elections, article="3").exists()
