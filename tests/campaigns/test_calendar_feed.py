"""The calendar feed: the admin calendar in a staff member's calendar app, at a secret address
of their own that works without a session, answers only while they may see the calendar, and
stops working at once when they reset it."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client
from icalendar import Calendar

from campaigns.models import CalendarFeedToken
from campaigns.publishing import Status
from tests.campaigns.factories import CampaignFactory, PressStatementFactory
from tests.regions.factories import OrganisationFactory, UserFactory, data_officer, manager_user
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 9, 10, 0, tzinfo=datetime.UTC)
CALENDAR = "/admin/calendar/"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def feed_address(client: Client) -> str:
    """The address the signed-in user's calendar page gives, from the site's root."""
    page = client.get(CALENDAR)
    assert page.status_code == 200
    address = re.search(r'<code class="calendar-feed-address">([^<]+)</code>', page.text)[1]
    assert address.startswith("http://testserver/admin/calendar/feed/")
    return address.removeprefix("http://testserver")


def events(address: str) -> dict[str, dict]:
    """The feed's events, fetched as a calendar app does (no session): summary → properties."""
    response = Client().get(address)
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_the_calendar_page_gives_an_address_that_works_without_signing_in(manager_client, settings):
    settings.SITE_URL = "https://campaigns.example.org"
    address = feed_address(manager_client)

    response = Client().get(address)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response.cookies == {}
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Campaigns: publications"
    # The same address every time the page is opened.
    assert feed_address(manager_client) == address


def test_it_holds_the_calendars_events_from_30_days_ago_with_no_end(manager_client, settings):
    settings.SITE_URL = "https://campaigns.example.org"
    scheduled = PressStatementFactory(title="Embargoed figures", publish_at=utc(2027, 6, 1, 8, 0))
    PressStatementFactory(title="Last week", publish_at=utc(2026, 12, 1, 9, 30))
    PressStatementFactory(title="Long ago", publish_at=utc(2026, 10, 1, 9, 0))
    PressStatementFactory(title="A draft", status=Status.DRAFT, publish_at=None)
    ending = CampaignFactory(title="Winter campaign", end_date=datetime.date(2027, 2, 28))
    withdrawn = PressStatementFactory(
        title="Old claim",
        status=Status.WITHDRAWN,
        publish_at=utc(2026, 11, 1, 9, 0),
        withdrawn_at=utc(2026, 12, 8, 15, 0),
    )

    found = events(feed_address(manager_client))

    assert set(found) == {
        "Scheduled: Embargoed figures (Press statement)",
        "Published: Last week (Press statement)",
        "Campaign ends: Winter campaign (Campaign)",
        "Withdrawn: Old claim (Press statement)",
    }
    event = found["Scheduled: Embargoed figures (Press statement)"]
    assert event["DTSTART"].dt == utc(2027, 6, 1, 8, 0)
    assert event["DTSTART"].to_ical() == b"20270601T080000Z"
    assert str(event["UID"]) == f"pressstatement-{scheduled.pk}-publish@campaigns.example.org"
    admin_page = (
        f"https://campaigns.example.org/admin/campaigns/pressstatement/{scheduled.pk}/change/"
    )
    assert str(event["URL"]) == admin_page
    assert admin_page in str(event["DESCRIPTION"])
    end = found["Campaign ends: Winter campaign (Campaign)"]
    assert (end["DTSTART"].dt, end["DTEND"].dt) == (
        datetime.date(2027, 2, 28),
        datetime.date(2027, 3, 1),
    )
    assert str(end["UID"]) == f"campaign-{ending.pk}-ends@campaigns.example.org"
    gone = found["Withdrawn: Old claim (Press statement)"]
    assert gone["DTSTART"].dt == utc(2026, 12, 8, 15, 0)
    assert str(gone["UID"]) == f"pressstatement-{withdrawn.pk}-withdrawn@campaigns.example.org"


def test_an_event_keeps_its_uid_when_it_goes_from_scheduled_to_published(manager_client):
    statement = PressStatementFactory(title="Launch", publish_at=utc(2026, 12, 10, 9, 0))
    address = feed_address(manager_client)

    before = events(address)["Scheduled: Launch (Press statement)"]
    with time_machine.travel(utc(2026, 12, 10, 9, 1), tick=False):
        after = events(address)["Published: Launch (Press statement)"]

    assert (
        str(before["UID"])
        == str(after["UID"])
        == (f"pressstatement-{statement.pk}-publish@127.0.0.1")
    )


def test_it_holds_only_the_kinds_of_item_its_owner_may_view(client):
    reader = UserFactory()
    reader.user_permissions.add(Permission.objects.get(codename="view_pressstatement"))
    PressStatementFactory(title="Statement", publish_at=utc(2027, 1, 5, 9, 0))
    CampaignFactory(title="Campaign", publish_at=utc(2027, 1, 6, 9, 0))
    sign_in(client, reader)

    assert set(events(feed_address(client))) == {"Scheduled: Statement (Press statement)"}


@pytest.mark.parametrize(
    "token",
    ["nothing", "0123456789abcdef-" + "0" * 64, "-", "0123456789abcdef"],
)
def test_an_address_that_is_not_one_is_not_found(manager_client, token):
    feed_address(manager_client)

    assert Client().get(f"/admin/calendar/feed/{token}.ics").status_code == 404


def test_the_right_selector_with_a_wrong_secret_is_not_found(manager_client):
    address = feed_address(manager_client)
    wrong = address[:-5] + ("0" if address[-5] != "0" else "1") + ".ics"

    assert Client().get(wrong).status_code == 404
    assert Client().get(address).status_code == 200


def test_resetting_the_address_stops_the_old_one_at_once(manager_client):
    old = feed_address(manager_client)

    response = manager_client.post(CALENDAR, follow=True)

    new = feed_address(manager_client)
    assert new != old
    assert "the old one no longer works" in response.text
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200


def test_a_reset_needs_the_forms_csrf_token(manager):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, manager)
    address = feed_address(client)

    assert client.post(CALENDAR).status_code == 403
    assert feed_address(client) == address


def test_the_page_has_the_reset_form_with_its_csrf_token(manager_client):
    page = manager_client.get(CALENDAR).text

    form = re.search(r'<form method="post">.*?</form>', page, re.S)[0]
    assert 'name="csrfmiddlewaretoken"' in form and "Reset address" in form


@pytest.mark.parametrize(
    "lose",
    [
        lambda user: setattr(user, "is_active", False),
        lambda user: setattr(user, "is_staff", False),
        lambda user: user.groups.clear(),
    ],
    ids=["deactivated", "no longer staff", "no longer a manager"],
)
def test_the_feed_stops_when_its_owner_may_no_longer_see_the_calendar(client, lose):
    user = manager_user()
    sign_in(client, user)
    address = feed_address(client)
    assert Client().get(address).status_code == 200

    lose(user)
    user.save()

    assert Client().get(address).status_code == 404


def test_a_data_officer_has_no_calendar_and_no_feed(client):
    officer = data_officer(OrganisationFactory())
    sign_in(client, officer)
    assert client.get(CALENDAR).status_code == 403
    assert client.post(CALENDAR).status_code == 403
    # An address made for them while they could see it gives nothing now.
    token = CalendarFeedToken.objects.create(
        user=officer, selector="0123456789abcdef", verifier="f" * 64
    )
    assert Client().get(f"/admin/calendar/feed/{token.token}.ics").status_code == 404


def test_the_feed_is_read_only(manager_client):
    address = feed_address(manager_client)

    assert Client().post(address).status_code == 405
