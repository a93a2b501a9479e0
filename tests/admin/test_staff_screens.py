"""Staff screens: a panel onboarded in one form, roles that carry their rights, the login
that says what is missing, the panel's user picker, the next round's form."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments import permissions
from assessments.models import Panel, PanelMembership, Round

from ..factories import AssessmentFactory, PairFactory, ProcessFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "a long enough passphrase"


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(name, args=args)


@pytest.fixture
def round_(db):
    round_ = RoundFactory(status=Round.Status.OPEN)
    for name in ("Parliament – Government", "Citizens – Parliament"):
        AssessmentFactory(round=round_, process=ProcessFactory(pair=PairFactory(name_en=name)))
    return round_


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def members(*rows):
    data = {
        "members-TOTAL_FORMS": str(max(len(rows), 4)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data.update({f"members-{n}-{k}": v for k, v in row.items()})
    for n in range(len(rows), 4):
        data[f"members-{n}-role"] = "expert"
    return data


def test_staff_onboard_a_panel_of_new_and_existing_users_in_one_form(round_, staff, expert):
    pair = round_.assessments.first().process.pair
    page = client_for(staff).get(url("panel_staff:onboard", round_.pk))
    assert page.status_code == 200
    assert "Parliament – Government" in page.content.decode()  # pairs in words
    response = client_for(staff).post(
        url("panel_staff:onboard", round_.pk),
        {
            "name": "Panel 2017",
            "pairs": [pair.pk],
            **members(
                {
                    "username": "nurlan",
                    "full_name": "Nurlan Asanov",
                    "password": PASSWORD,
                    "role": "chair",
                },
                {
                    "username": "aida",
                    "full_name": "Aida Bekova",
                    "password": PASSWORD,
                    "role": "expert",
                },
                {"user": expert.pk, "role": "expert"},
            ),
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    panel = Panel.objects.get(round=round_, name="Panel 2017")
    assert list(panel.pairs.all()) == [pair]
    roles = dict(panel.memberships.values_list("user__username", "role"))
    assert roles == {"nurlan": "chair", "aida": "expert", "aigul": "expert"}
    nurlan = User.objects.get(username="nurlan")
    assert (nurlan.first_name, nurlan.last_name, nurlan.is_staff) == ("Nurlan", "Asanov", False)
    assert list(nurlan.groups.values_list("name", flat=True)) == [permissions.CHAIR]


def test_a_member_with_only_her_role_logs_in_to_the_admin(round_, staff):
    client_for(staff).post(
        url("panel_staff:onboard", round_.pk),
        {"name": "P", **members({"username": "aida", "password": PASSWORD, "role": "expert"})},
    )
    client = Client()
    response = client.post(
        url("admin:login"), {"username": "aida", "password": PASSWORD, "next": url("admin:index")}
    )
    assert response.status_code == 302
    assert client.get(url("admin:index")).status_code == 200


def test_a_login_without_a_role_says_so_instead_of_blaming_the_password(db):
    UserFactory(username="nobody", is_staff=False, password=PASSWORD)
    response = Client().post(url("admin:login"), {"username": "nobody", "password": PASSWORD})
    html = response.content.decode()
    assert "this account has no role here yet" in html
    assert "correct username and password" not in html
    with translation.override("ky"):
        response = Client().post(
            url("admin:login", lang="ky"), {"username": "nobody", "password": PASSWORD}
        )
    assert "бул аккаунттун азырынча ролу жок" in response.content.decode()


def test_a_taken_user_name_or_a_weak_password_is_refused_on_the_form(round_, staff, expert):
    response = client_for(staff).post(
        url("panel_staff:onboard", round_.pk),
        {
            "name": "Panel 2017",
            **members(
                {"username": "AIGUL", "password": PASSWORD, "role": "chair"},
                {"username": "new", "full_name": "Typed Name", "password": "123", "role": "expert"},
            ),
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "The user name AIGUL is taken" in html
    assert "This password is too short" in html
    assert 'value="Typed Name"' in html
    assert not Panel.objects.filter(name="Panel 2017").exists()
    assert not User.objects.filter(username="new").exists()


def test_experts_and_published_rounds_are_refused(round_, expert, staff, panel_for):
    panel_for(round_, experts=[expert])
    assert client_for(expert).get(url("panel_staff:onboard", round_.pk)).status_code == 403
    published = RoundFactory(status=Round.Status.PUBLISHED)
    assert client_for(staff).get(url("panel_staff:onboard", published.pk)).status_code == 403


def test_the_panels_user_picker_loads_for_staff(round_, staff, expert):
    panel = Panel.objects.create(round=round_, name="P")
    PanelMembership.objects.create(panel=panel, user=expert)
    html = client_for(staff).get(url("admin:assessments_panel_change", panel.pk)).content.decode()
    assert "autocomplete" not in html.split('name="memberships-0-user"')[0][-300:]
    assert f'<option value="{expert.pk}" selected>' in html


def test_the_next_round_form_is_pre_filled_and_says_what_comes_over(staff):
    source = RoundFactory(year=2016, status=Round.Status.PUBLISHED)
    html = (
        client_for(staff)
        .get(url("admin:assessments_round_lifecycle", source.pk) + "?action=next")
        .content.decode()
    )
    assert 'name="year" value="2017"' in html
    assert "carried over, not re-examined" in html
    assert "Not carried over: the experts' own ratings" in html
