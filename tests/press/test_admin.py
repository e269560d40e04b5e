"""Press distribution in the admin: campaign managers only; sending from a statement's page."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from campaigns.publishing import Status
from press.models import Delivery, PressSend
from tests.press.conftest import BEFORE
from tests.press.factories import ContactFactory, ContactListFactory
from tests.regions.factories import OrganisationFactory, data_officer
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

PRESS_PAGES = [
    "admin:press_contact_changelist",
    "admin:press_contact_add",
    "admin:press_contactlist_changelist",
    "admin:press_presssend_changelist",
]


@pytest.fixture
def officer_client(client):
    sign_in(client, data_officer(OrganisationFactory()))
    return client


@pytest.mark.parametrize("name", PRESS_PAGES)
def test_managers_open_the_press_pages(manager_client, name):
    assert manager_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PRESS_PAGES)
def test_partner_data_officers_are_refused_the_press_pages(officer_client, name):
    assert officer_client.get(reverse(name)).status_code == 403


def test_partner_data_officers_see_no_press_menu(officer_client, manager):
    assert "Press distribution" not in officer_client.get(reverse("admin:index")).text
    managers = Client()
    sign_in(managers, manager)
    assert "Press distribution" in managers.get(reverse("admin:index")).text


def test_partner_data_officers_cannot_send_or_see_sends(officer_client, statement, press_list):
    send = PressSend.objects.create(
        statement=statement, kind="embargo", statement_digest="x", statement_version=1
    )
    url = reverse("admin:press_presssend_send", args=[statement.pk])
    assert officer_client.get(url).status_code == 403
    form = {"lists": [press_list.pk], "kind": "embargo", "confirm": "Send"}
    assert officer_client.post(url, form).status_code == 403
    progress = reverse("admin:press_presssend_change", args=[send.pk])
    assert officer_client.get(progress).status_code == 403
    assert not Delivery.objects.exists()


def test_the_contacts_list_filters_by_list_language_and_subscription(manager_client, contacts):
    url = reverse("admin:press_contact_changelist")
    assert "Bryn Cymraeg" in manager_client.get(url, {"language": "cy"}).text
    assert "Ann English" not in manager_client.get(url, {"language": "cy"}).text
    assert "Ann English" in manager_client.get(url, {"q": "ann@example"}).text
    assert "Ann English" in manager_client.get(url, {"subscribed": "yes"}).text
    assert "Ann English" not in manager_client.get(url, {"subscribed": "no"}).text


def test_one_contact_per_address_whatever_its_case(manager_client, contacts, press_list):
    response = manager_client.post(
        reverse("admin:press_contact_add"),
        {
            "name": "Ann again",
            "email": "ANN@example.org",
            "language": "en-gb",
            "lists": [press_list.pk],
            "lawful_basis": "consent",
            "basis_recorded_on": "2018-05-25",
        },
    )
    assert response.status_code == 200
    assert "There is already a contact with this email address." in response.text


@time_machine.travel(BEFORE, tick=False)
def test_a_scheduled_statement_offers_send_to_the_press(manager_client, statement):
    page = manager_client.get(reverse("admin:campaigns_pressstatement_change", args=[statement.pk]))
    assert reverse("admin:press_presssend_send", args=[statement.pk]) in page.text
    assert "Send to the press" in page.text


@time_machine.travel(BEFORE, tick=False)
def test_a_draft_does_not_offer_it(manager_client, statement):
    statement.status = Status.DRAFT
    statement.save()
    page = manager_client.get(reverse("admin:campaigns_pressstatement_change", args=[statement.pk]))
    assert "Send to the press" not in page.text


@time_machine.travel(BEFORE, tick=False)
def test_sending_shows_who_it_reaches_then_queues_it(
    manager_client, statement, press_list, contacts, django_capture_on_commit_callbacks
):
    welsh_media = ContactListFactory(name="Welsh-language media")
    contacts[1].lists.add(welsh_media)
    ContactFactory(email="gone@example.org", lists=[press_list], unsubscribed_at=BEFORE)
    url = reverse("admin:press_presssend_send", args=[statement.pk])
    form = {"lists": [press_list.pk, welsh_media.pk], "kind": "embargo"}

    check = manager_client.post(url, form)

    assert "It goes to 2 addresses." in check.text
    assert "1 of them in Welsh." in check.text
    assert "1 contact on these lists has unsubscribed and is left out." in check.text
    assert "EMBARGOED UNTIL 00:01 Tuesday 3 July 2018: Calls to the helpline doubled" in check.text
    assert not PressSend.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        sent = manager_client.post(url, {**form, "confirm": "Send"})

    send = PressSend.objects.get()
    assert sent.status_code == 302
    assert sent.url == reverse("admin:press_presssend_change", args=[send.pk])
    assert sorted(send.deliveries.values_list("email", flat=True)) == [
        "ann@example.org",
        "bryn@example.com",
    ]
    assert DBTaskResult.objects.count() == 1
    progress = manager_client.get(sent.url)
    assert '<td id="count-queued">2</td>' in progress.text
    assert 'http-equiv="refresh"' in progress.text


@time_machine.travel(BEFORE, tick=False)
def test_a_send_refused_changes_nothing(manager_client, statement, press_list, contacts):
    statement.status = Status.APPROVED
    statement.save()
    url = reverse("admin:press_presssend_send", args=[statement.pk])
    page = manager_client.post(url, {"lists": [press_list.pk], "kind": "embargo", "confirm": "1"})
    assert "Schedule it (for an embargo) or publish it first" in page.text
    page = manager_client.post(url, {"kind": "publication", "confirm": "1"})
    assert not PressSend.objects.exists()


@time_machine.travel(BEFORE, tick=False)
def test_the_progress_page_shows_each_failure_with_the_servers_answer(
    manager_client, statement, press_list, contacts
):
    from press import delivery

    send = delivery.send_create(statement=statement, lists=[press_list], kind="embargo", user=None)
    send.deliveries.filter(email="ann@example.org").update(
        status=Delivery.Status.FAILED, answer="550 5.1.1 No such user here", attempts=1
    )
    send.deliveries.filter(email="bryn@example.com").update(status=Delivery.Status.SENT)

    page = manager_client.get(reverse("admin:press_presssend_change", args=[send.pk]))

    assert "ann@example.org: 550 5.1.1 No such user here" in page.text
    assert '<td id="count-sent">1</td>' in page.text
    assert '<td id="count-failed">1</td>' in page.text
    assert 'http-equiv="refresh"' not in page.text  # finished: no more reloading


@time_machine.travel(BEFORE, tick=False)
def test_the_statement_page_links_to_its_sends(manager_client, statement, press_list, contacts):
    from press import delivery

    delivery.send_create(statement=statement, lists=[press_list], kind="embargo", user=None)
    page = manager_client.get(reverse("admin:campaigns_pressstatement_change", args=[statement.pk]))
    url = reverse("admin:press_presssend_changelist") + f"?statement__id__exact={statement.pk}"
    assert f'href="{url}"' in page.text.replace("&amp;", "&")
    sends = manager_client.get(url)
    assert sends.status_code == 200
    assert "Calls to the helpline doubled" in sends.text
