"""The chair's view of a round: the split, the consensus in three languages, threads inline,
the bulk confirmation of carried-over ratings, the publish checklist, a published round."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments import services
from assessments.models import Rating, Round, ScaleLevel, Thread

from ..factories import AssessmentFactory, PairFactory, ProcessFactory, RoundFactory, rate

pytestmark = pytest.mark.django_db


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(name, args=args)


@pytest.fixture
def world(panel_for, chair, expert, other_expert, staff):
    """A round started from a published one: two pairs, the chair's panel covers the first;
    every consensus carried over; the experts split on one rating and discuss it."""
    previous = RoundFactory(year=2016, status=Round.Status.PUBLISHED)
    round_ = RoundFactory(
        year=2017, status=Round.Status.OPEN, methodology=previous.methodology, previous=previous
    )
    m = round_.methodology
    ScaleLevel.objects.filter(methodology=m, value=1).update(
        label_en="Present", label_ru="Есть", label_ky="Бар"
    )
    ScaleLevel.objects.filter(methodology=m, value=0).update(
        label_en="Absent", label_ru="Нет", label_ky="Жок"
    )
    mine, other = PairFactory(name_en="Parliament – Government"), PairFactory(name_en="Others")
    recall = AssessmentFactory(
        round=round_, process=ProcessFactory(pair=mine), title_en="Recall of deputies", position=2
    )
    budget = AssessmentFactory(
        round=round_, process=ProcessFactory(pair=mine), title_en="Budget hearings", position=1
    )
    theirs = AssessmentFactory(
        round=round_, process=ProcessFactory(pair=other), title_en="Someone else's process"
    )
    for a in (recall, budget, theirs):
        rate(a, rules=1, demand=1, motivation=0, enforcement=1)
    Rating.objects.filter(assessment__round=round_).update(carried_over=True)
    panel_for(round_, chair=chair, experts=[expert, other_expert], pairs=[mine])
    for who, value in ((expert, 1), (other_expert, 0), (chair, 1)):
        services.record_expert_rating(
            actor=who,
            assessment=recall,
            dimension="rules",
            value=value,
            justification=f"{who.username} reads art. 2",
            reason="first reading",
        )
    thread = services.start_thread(
        actor=expert, assessment=recall, dimension="rules", body="Is art. 2 enough?"
    )
    return {
        "round": round_,
        "recall": recall,
        "budget": budget,
        "theirs": theirs,
        "thread": thread,
        "mine": mine,
    }


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def sheet(world, **kw):
    return url("panel_chair:sheet", world["round"].pk, **kw)


def test_the_chair_sees_each_experts_value_and_the_split_in_words(world, chair):
    html = client_for(chair).get(sheet(world)).content.decode()
    assert "2 of 3 experts say “Present”; 1 of 3 experts says “Absent”" in html
    assert "aigul</strong>: Present — aigul reads art. 2" in html
    assert "Recall of deputies" in html and "Budget hearings" in html
    assert "Someone else" not in html  # a pair her panel does not cover
    assert "carried over from 2016, not re-examined" in html
    assert 'name="value" value="1"' in html and "> Present</label>" in html


def test_the_sheet_speaks_kyrgyz_and_russian(world, chair):
    with translation.override("ky"):
        html = client_for(chair).get(sheet(world, lang="ky")).content.decode()
    assert "3 эксперттин 2 «Бар» дейт" in html
    assert "Негиздеме (Кыргызча)" in html
    with translation.override("ru"):
        html = client_for(chair).get(sheet(world, lang="ru")).content.decode()
    assert "2 из 3 экспертов считают: «Есть»" in html


def test_filters_show_where_the_panel_disagrees_and_sort_by_it(world, chair):
    client = client_for(chair)
    html = client.get(sheet(world) + "?show=disagree").content.decode()
    assert f'id="a{world["recall"].pk}"' in html
    assert f'id="a{world["budget"].pk}"' not in html
    html = client.get(sheet(world)).content.decode()
    assert html.index(f'id="a{world["recall"].pk}"') > html.index(f'id="a{world["budget"].pk}"')
    html = client.get(sheet(world) + "?sort=disagreement").content.decode()
    assert html.index(f'id="a{world["recall"].pk}"') < html.index(f'id="a{world["budget"].pk}"')


def test_the_chair_sets_the_consensus_with_justifications_in_two_languages(world, chair):
    recall = world["recall"]
    rating = Rating.objects.get(assessment=recall, dimension__code="rules")
    response = client_for(chair).post(
        url("panel_chair:consensus", world["round"].pk, recall.pk, rating.dimension_id),
        {
            "value": "0",
            "justification_en": "No procedure law",
            "justification_ru": "Нет закона о процедуре",
            "justification_ky": "",
            "reason": "panel agreed after discussion",
            "expected_revision": rating.revision,
            "show": "disagree",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?show=disagree#c{recall.pk}-{rating.dimension_id}")
    rating.refresh_from_db()
    assert (rating.value, rating.carried_over) == (0, False)
    assert (rating.justification_en, rating.justification_ru) == (
        "No procedure law",
        "Нет закона о процедуре",
    )
    last = rating.history.order_by("-history_date").first()
    assert (last.history_user, last.history_change_reason) == (
        chair,
        "panel agreed after discussion",
    )


def test_a_stale_consensus_is_refused_on_the_page_and_keeps_what_was_typed(world, chair, staff):
    recall = world["recall"]
    rating = Rating.objects.get(assessment=recall, dimension__code="rules")
    seen = rating.revision
    services.set_consensus(
        actor=staff,
        assessment=recall,
        dimension="rules",
        value=1,
        justification={"en": "Staff's wording"},
        reason="errata check",
        expected_revision=seen,
    )
    response = client_for(chair).post(
        url("panel_chair:consensus", world["round"].pk, recall.pk, rating.dimension_id),
        {
            "value": "0",
            "justification_en": "My careful text",
            "reason": "mine",
            "expected_revision": seen,
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Someone else changed this" in html
    assert "Staff&#x27;s wording" in html or "Staff's wording" in html
    assert "My careful text" in html
    rating.refresh_from_db()
    assert rating.justification_en == "Staff's wording"


def test_a_consensus_off_the_scale_or_without_justification_is_refused(world, chair):
    recall = world["recall"]
    rating = Rating.objects.get(assessment=recall, dimension__code="rules")
    target = url("panel_chair:consensus", world["round"].pk, recall.pk, rating.dimension_id)
    client = client_for(chair)
    response = client.post(
        target, {"value": "5", "justification_en": "x", "reason": "r", "expected_revision": 1}
    )
    assert response.status_code == 400
    assert "Choose one of: Absent, Present." in response.content.decode()
    response = client.post(target, {"value": "1", "reason": "r", "expected_revision": 1})
    assert "at least one language" in response.content.decode()
    assert Rating.objects.get(pk=rating.pk).revision == 1


def test_the_chair_confirms_every_carried_over_rating_in_one_action(world, chair):
    client = client_for(chair)
    page = client.get(sheet(world))
    carried = page.context["carried_ratings"]
    assert len(carried) == 8  # her two processes × four dimensions
    data = {"scope": "round", "reason": "panel re-read the 2017 acts"}
    data.update({f"rev-{r.pk}": r.revision for r in carried})
    response = client.post(url("panel_chair:confirm", world["round"].pk), data)
    assert response.status_code == 302
    mine = Rating.objects.filter(assessment__process__pair=world["mine"])
    assert not mine.filter(carried_over=True).exists()
    assert Rating.objects.get(assessment=world["theirs"], dimension__code="rules").carried_over
    for rating in mine:
        last = rating.history.order_by("-history_date").first()
        assert last.history_change_reason == "panel re-read the 2017 acts"


def test_a_selection_is_confirmed_and_a_foreign_rating_refuses_it_all(world, chair):
    client = client_for(chair)
    recall_rules = Rating.objects.get(assessment=world["recall"], dimension__code="rules")
    foreign = Rating.objects.get(assessment=world["theirs"], dimension__code="rules")
    data = {
        "scope": "selected",
        "reason": "checked",
        "rating": [recall_rules.pk, foreign.pk],
        f"rev-{recall_rules.pk}": 1,
        f"rev-{foreign.pk}": 1,
    }
    response = client.post(url("panel_chair:confirm", world["round"].pk), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Only the chair of a panel covering Someone else" in html
    assert ">checked</textarea>" in html
    assert Rating.objects.filter(carried_over=False).count() == 0
    data["rating"] = [recall_rules.pk]
    assert client.post(url("panel_chair:confirm", world["round"].pk), data).status_code == 302
    recall_rules.refresh_from_db()
    assert not recall_rules.carried_over


def test_the_checklist_names_each_blocker_in_words_and_links_to_it(world, chair):
    html = client_for(chair).get(sheet(world)).content.decode()
    assert "Recall of deputies: carried over and not re-examined on rules, demand" in html
    thread = world["thread"]
    assert f"#t{thread.pk}" in html
    assert "Open discussion on Recall of deputies: “Is art. 2 enough?”" in html


def test_the_chair_replies_and_resolves_a_thread_inline(world, chair):
    client = client_for(chair)
    thread = world["thread"]
    response = client.post(
        url("panel_chair:reply", world["round"].pk, thread.pk), {"body": "Art. 2 and the law"}
    )
    assert response.status_code == 302
    assert thread.comments.last().body == "Art. 2 and the law"
    empty = client.post(url("panel_chair:reply", world["round"].pk, thread.pk), {"body": " "})
    assert empty.status_code == 400 and "cannot be empty" in empty.content.decode()
    client.post(url("panel_chair:resolve", world["round"].pk, thread.pk), {"resolved": "1"})
    thread.refresh_from_db()
    assert thread.status == Thread.Status.RESOLVED


def test_an_expert_is_refused_and_an_outsider_does_not_see_it(world, expert, outsider):
    assert client_for(expert).get(sheet(world)).status_code == 403
    assert client_for(outsider).get(sheet(world)).status_code == 404


def test_a_published_round_says_why_it_is_read_only_and_how_errata_work(world, chair, staff):
    round_ = world["round"]
    services.resolve_thread(actor=staff, thread=world["thread"])
    services.confirm_ratings(
        actor=staff, ratings=Rating.objects.filter(assessment__round=round_), reason="ok"
    )
    services.transition_round(actor=staff, round_=round_, to=Round.Status.REVIEW, reason="r")
    services.publish_round(actor=staff, round_=round_, reason="board approved")
    html = client_for(chair).get(sheet(world)).content.decode()
    assert "This round is published: its pages are read-only" in html
    assert "Corrections are published as errata" in html
    assert "Save the consensus" not in html and "Confirm as re-examined" not in html
    rating = Rating.objects.get(assessment=world["recall"], dimension__code="rules")
    response = client_for(chair).post(
        url("panel_chair:consensus", round_.pk, world["recall"].pk, rating.dimension_id),
        {"value": "0", "justification_en": "x", "reason": "r", "expected_revision": 2},
    )
    assert response.status_code == 400
    assert "is published and cannot change" in response.content.decode()


def test_the_sheet_is_read_in_a_fixed_number_of_queries(
    world, chair, django_assert_max_num_queries
):
    client = client_for(chair)
    client.get(sheet(world))
    with django_assert_max_num_queries(30):
        client.get(sheet(world))
