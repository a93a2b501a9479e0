"""Every admin change form with inlines, saved the way a browser saves it.

Issue 10: the process assessment's page and a thread's page answered 500 on every save
(`save_formset` never called `formset.save()`, and Django's change message reads the
lists it fills); the chair's justifications on the rating page were dropped silently.
Each test opens the page, takes every input of the rendered form (management forms,
hidden revisions and all, see browser_form.py), changes what a user would change, and
sends it back, as each role that may save it.
"""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments import services
from assessments.models import Citation, Comment, ProcessAssessment, Rating, Round, ScaleLevel

from ..factories import AssessmentFactory, LegalActFactory, RoundFactory, rate
from .browser_form import filled, form_data

pytestmark = pytest.mark.django_db

LABELS = {0: ("Жок", "Нет", "Absent"), 1: ("Бар", "Есть", "Present")}


def url(name: str, *args, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def work(panel_for, chair, expert):
    """An open round with one process rated on two dimensions, its panel a chair and an expert."""
    round_ = RoundFactory(status=Round.Status.OPEN)
    methodology = round_.methodology
    for level in ScaleLevel.objects.filter(methodology=methodology):
        level.label_ky, level.label_ru, level.label_en = LABELS[level.value]
        level.save()
    rules = methodology.dimensions.get(code="rules")
    rules.name_ky, rules.name_ru, rules.name_en = "Эрежелер", "Правила", "Rules"
    rules.save()
    assessment = AssessmentFactory(round=round_, title_ky="Шайлоо", title_en="Elections")
    rate(assessment, rules=1, demand=1)
    panel_for(round_, chair=chair, experts=[expert])
    return assessment


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_form(client: Client, address: str, form_id: str) -> dict[str, list[str]]:
    response = client.get(address)
    assert response.status_code == 200
    return form_data(response.content.decode(), form_id)


def row_of(data: dict, prefix: str, field: str, value: str) -> str:
    """The inline row (`ratings-1`) whose `field` holds `value`."""
    for name, values in data.items():
        if name.startswith(prefix + "-") and name.endswith("-" + field) and values == [value]:
            row = name[: -len(field) - 1]
            if "__prefix__" not in row:
                return row
    raise AssertionError(f"no {prefix} row with {field}={value}")


def new_row(data: dict, prefix: str) -> str:
    """The first empty row the page offers for a new inline object (`comments-1`)."""
    row = f"{prefix}-{data[f'{prefix}-INITIAL_FORMS'][0]}"
    assert f"{row}-id" in data, f"the page offers no new {prefix} row"
    return row


def change_message(obj) -> str:
    entry = LogEntry.objects.filter(object_id=str(obj.pk)).order_by("-action_time").first()
    with translation.override("en"):
        return entry.get_change_message()


# --- the process assessment's page --------------------------------------------------


@pytest.mark.parametrize("role", ["chair", "staff"])
def test_the_process_page_saves_verdict_ratings_and_a_new_citation(work, role, request):
    user = request.getfixturevalue(role)
    act = LegalActFactory(title_ky="Конституция", title_en="Constitution")
    client = client_for(user)
    address = url("admin:assessments_processassessment_change", work.pk)
    data = page_form(client, address, "processassessment_form")
    rules = Rating.objects.get(assessment=work, dimension__code="rules")
    row = row_of(data, "ratings", "id", str(rules.pk))
    data = filled(
        data,
        verdict="partial",
        justification_en="Rules exist; practice lags.",
        reason="panel meeting of 3 March",
        **{
            f"{row}-value": "0",
            f"{row}-justification_ky": "Эреже жок",
            f"{row}-justification_ru": "Правил нет",
            f"{row}-justification_en": "No rules",
            "citations-TOTAL_FORMS": "1",
            "citations-0-act": str(act.pk),
            "citations-0-article": "52",
            "citations-0-position": "1",
            "citations-0-assessment": str(work.pk),
        },
    )
    response = client.post(address, data)
    assert response.status_code == 302, _errors(response)

    work.refresh_from_db()
    rules.refresh_from_db()
    assert (work.verdict, work.justification_en, work.revision) == (
        "partial",
        "Rules exist; practice lags.",
        2,
    )
    assert (rules.value, rules.revision, rules.carried_over) == (0, 2, False)
    assert (rules.justification_ky, rules.justification_ru, rules.justification_en) == (
        "Эреже жок",
        "Правил нет",
        "No rules",
    )
    (citation,) = Citation.objects.filter(assessment=work)
    assert (citation.act, citation.article) == (act, "52")
    for row_ in (work, rules, citation):
        record = row_.history.order_by("-history_date").first()
        assert (record.history_user, record.history_change_reason) == (
            user,
            "panel meeting of 3 March",
        )
    message = change_message(work)
    # Django keeps the objects' names as they read when saved (in the site's language).
    assert "Эрежелер" in message and "Конституция, 52" in message
    assert "rules =" not in message and "Reason" not in message


def test_an_unchanged_rating_row_is_not_rewritten(work, chair):
    client = client_for(chair)
    address = url("admin:assessments_processassessment_change", work.pk)
    data = filled(page_form(client, address, "processassessment_form"), verdict="works")
    data = filled(data, reason="verdict only")
    assert client.post(address, data).status_code == 302
    assert set(Rating.objects.filter(assessment=work).values_list("revision", flat=True)) == {1}


def test_a_stale_rating_row_is_refused_on_the_page_with_the_text_kept(work, chair, staff):
    client = client_for(chair)
    address = url("admin:assessments_processassessment_change", work.pk)
    data = page_form(client, address, "processassessment_form")
    rules = Rating.objects.get(assessment=work, dimension__code="rules")
    # Another session changes the same rating while the chair's page is open.
    services.set_consensus(
        actor=staff,
        assessment=work,
        dimension="rules",
        value=0,
        justification={"en": "Repealed in May"},
        reason="staff correction",
        expected_revision=1,
    )
    row = row_of(data, "ratings", "id", str(rules.pk))
    data = filled(
        data,
        verdict="partial",
        reason="my review",
        **{f"{row}-justification_en": "My careful text"},
    )
    response = client.post(address, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "staff correction" in html and "staff" in html
    assert "Absent" in html  # what it says now, as the scale names it
    assert "My careful text" in html  # her text is still in the form
    work.refresh_from_db()
    rules.refresh_from_db()
    assert (work.verdict, work.revision) == ("", 1)  # nothing written, the verdict neither
    assert (rules.justification_en, rules.revision) == ("Repealed in May", 2)


def test_a_save_into_a_round_published_meanwhile_is_answered_on_the_page(work, chair):
    client = client_for(chair)
    address = url("admin:assessments_processassessment_change", work.pk, language="ru")
    data = page_form(client, address, "processassessment_form")
    Round.objects.filter(pk=work.round_id).update(status=Round.Status.PUBLISHED)
    data = filled(data, justification_ru="Мой текст", reason="итог")
    response = client.post(address, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "опубликован" in html  # why, in her language
    assert "Мой текст" in html
    assert ProcessAssessment.objects.get(pk=work.pk).revision == 1


def test_an_expert_cannot_save_the_process_page(work, expert):
    client = client_for(expert)
    address = url("admin:assessments_processassessment_change", work.pk)
    response = client.get(address)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()  # read-only for her
    assert client.post(address, {"verdict": "works", "reason": "x"}).status_code == 403


# --- the consensus rating's page ---------------------------------------------------


def test_the_chairs_justifications_in_every_language_are_kept_and_recorded(work, chair):
    rating = Rating.objects.get(assessment=work, dimension__code="rules")
    client = client_for(chair)
    address = url("admin:assessments_rating_change", rating.pk)
    data = filled(
        page_form(client, address, "rating_form"),
        value="0",
        justification_ru="Закон отменён",
        justification_en="The law was repealed",
        reason="re-examined",
    )
    assert client.post(address, data).status_code == 302
    rating.refresh_from_db()
    assert (rating.justification_ru, rating.justification_en) == (
        "Закон отменён",
        "The law was repealed",
    )
    html = client.get(url("admin:assessments_rating_history", rating.pk)).content.decode()
    assert "The law was repealed" in html and "Закон отменён" in html
    assert "Present → Absent" in html
    assert "carried_over" not in html and "True" not in html


# --- a thread's page -------------------------------------------------------------------


@pytest.fixture
def thread(work, expert):
    return services.start_thread(actor=expert, assessment=work, body="Is art. 52 in force?")


@pytest.mark.parametrize("role", ["expert", "chair", "staff"])
def test_a_reply_to_a_thread_is_saved(thread, role, request):
    user = request.getfixturevalue(role)
    client = client_for(user)
    address = url("admin:assessments_thread_change", thread.pk)
    data = page_form(client, address, "thread_form")
    first = thread.comments.get()
    row = new_row(data, "comments")
    data = filled(data, **{f"{row}-body": "Yes, since 2016.", f"{row}-parent": str(first.pk)})
    response = client.post(address, data)
    assert response.status_code == 302, _errors(response)
    reply = Comment.objects.get(thread=thread, body="Yes, since 2016.")
    assert (reply.author, reply.parent) == (user, first)
    assert "Yes, since 2016." in change_message(thread)


def test_a_reply_to_a_published_rounds_thread_is_refused_with_the_text_kept(thread, expert):
    client = client_for(expert)
    address = url("admin:assessments_thread_change", thread.pk, language="ky")
    data = page_form(client, address, "thread_form")
    data = filled(data, **{f"{new_row(data, 'comments')}-body": "Менин жообум"})
    Round.objects.filter(pk=thread.assessment.round_id).update(status=Round.Status.PUBLISHED)
    response = client.post(address, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Менин жообум" in html
    assert thread.comments.count() == 1


def _errors(response) -> str:
    context = response.context
    if not context or "adminform" not in context:
        return response.content.decode()[:500]
    return str(
        [
            context["adminform"].form.errors,
            *[f.formset.errors for f in context["inline_admin_formsets"]],
            *[f.formset.non_form_errors() for f in context["inline_admin_formsets"]],
        ]
    )


# --- reference data and panels (staff) ---------------------------------------------


def _reference_rows(work):
    from assessments.models import LegalActEdition, Panel

    act = LegalActFactory(title_ky="Конституция", title_en="Constitution")
    LegalActEdition.objects.create(act=act, code="2010", title_ky="2010")
    pair = work.process.pair
    subject = pair.principal
    subject.name_ky = subject.name_ky or "Жарандар"
    subject.save()
    pair.name_ky = "Жарандар – Парламент"
    pair.save()
    for dimension in work.round.methodology.dimensions.all():
        dimension.name_ky = dimension.name_ky or dimension.code  # Kyrgyz is required
        dimension.save()
    process = work.process
    process.name_ky = "Шайлоо"
    process.save()
    return {
        "methodology": (work.round.methodology, "title_en"),
        "subject": (subject, "name_en"),
        "pair": (pair, "name_en"),
        "legalact": (act, "title_en"),
        "panel": (Panel.objects.get(round=work.round), "name"),
    }


@pytest.mark.parametrize("model", ["methodology", "subject", "pair", "legalact", "panel"])
def test_staff_save_every_other_page_with_inlines_as_the_browser_sends_it(work, staff, model):
    obj, field = _reference_rows(work)[model]
    client = client_for(staff)
    address = url(f"admin:assessments_{model}_change", obj.pk)
    data = page_form(client, address, f"{model}_form")
    assert any(name.endswith("-TOTAL_FORMS") for name in data)  # the inlines are there
    response = client.post(address, filled(data, **{field: "Renamed"}))
    assert response.status_code == 302, _errors(response)
    obj.refresh_from_db()
    assert getattr(obj, field) == "Renamed"
