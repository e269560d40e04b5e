import datetime
import html
import re

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.publishing import Status
from tests.campaigns.factories import CampaignFactory, PressStatementFactory
from tests.regions.factories import OrganisationFactory, UserFactory, data_officer
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

CALENDAR = "/admin/calendar/"
NOW = datetime.datetime(2026, 12, 9, 10, 0, tzinfo=datetime.UTC)  # Wednesday of week 50


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def weeks(page: str) -> dict[str, str]:
    """Each week's section: its ISO week -> its text."""
    sections = re.findall(r'<section class="module calendar-week"[^>]*>.*?</section>', page, re.S)
    return {re.search(r'id="week-([^"]+)"', section)[1]: text(section) for section in sections}


def calendar(client, **params) -> str:
    response = client.get(CALENDAR, params)
    assert response.status_code == 200
    return response.content.decode()


# --- What it shows --------------------------------------------------------------------------


def test_it_shows_this_week_and_the_next_five_monday_to_sunday(manager_client):
    shown = weeks(calendar(manager_client))

    assert list(shown) == ["2026-W50", "2026-W51", "2026-W52", "2026-W53", "2027-W01", "2027-W02"]
    assert shown["2026-W50"].startswith("Monday 7 December to Sunday 13 December 2026")
    assert shown["2027-W02"] == "Monday 11 January to Sunday 17 January 2027 Nothing this week."


def test_it_shows_what_goes_live_is_scheduled_ends_and_is_withdrawn(manager_client):
    published = PressStatementFactory(title="Calls doubled", publish_at=utc(2026, 12, 7, 9, 0))
    CampaignFactory(
        title="Winter campaign",
        publish_at=utc(2026, 12, 10, 7, 0),
        end_date=datetime.date(2027, 1, 4),
    )
    PressStatementFactory(
        title="Taken down",
        status=Status.WITHDRAWN,
        publish_at=utc(2026, 1, 1, 9, 0),
        withdrawn_at=utc(2026, 12, 8, 16, 45),
        withdrawal_reason="A figure was wrong.",
    )
    # Nothing for drafts, approved items, or the draft of a new edition.
    CampaignFactory(title="A draft", status=Status.DRAFT, publish_at=utc(2026, 12, 11, 9, 0))
    CampaignFactory(title="Approved", status=Status.APPROVED, end_date=datetime.date(2026, 12, 12))
    PressStatementFactory(
        title="Calls doubled, edition 2",
        slug=published.slug,
        campaign=published.campaign,
        edition_of=published,
        status=Status.IN_REVIEW,
        publish_at=None,
    )

    page = calendar(manager_client)
    shown = weeks(page)

    assert shown["2026-W50"] == (
        "Monday 7 December to Sunday 13 December 2026 "
        "Monday 7 December 09:00: Published, Calls doubled (Press statement) "
        "Tuesday 8 December 16:45: Withdrawn, Taken down (Press statement) "
        "Thursday 10 December 07:00: Scheduled, Winter campaign (Campaign)"
    )
    assert shown["2027-W01"] == (
        "Monday 4 January to Sunday 10 January 2027 "
        "Monday 4 January All day: Campaign ends, Winter campaign (Campaign)"
    )
    assert (
        f'<a href="/admin/campaigns/pressstatement/{published.pk}/change/">Calls doubled</a>'
        in (page)
    )


def test_today_is_marked_for_assistive_technology(manager_client):
    CampaignFactory(title="Launching today", publish_at=utc(2026, 12, 9, 12, 0))

    page = calendar(manager_client)

    assert '<h3 aria-current="date">Wednesday 9 December (today)</h3>' in page


# --- Summer time ----------------------------------------------------------------------------


def test_days_are_uk_days_in_summer_time(manager_client):
    # 23:30 UTC is 00:30 the next day in London (BST): Sunday 5 July, and then Monday 6 July,
    # which is in the next week.
    CampaignFactory(title="Saturday night in UTC", publish_at=utc(2026, 7, 4, 23, 30))
    CampaignFactory(title="Sunday night in UTC", publish_at=utc(2026, 7, 5, 23, 30))

    shown = weeks(calendar(manager_client, week="2026-W27"))

    assert shown["2026-W27"] == (
        "Monday 29 June to Sunday 5 July 2026 "
        "Sunday 5 July 00:30: Published, Saturday night in UTC (Campaign)"
    )
    assert shown["2026-W28"] == (
        "Monday 6 July to Sunday 12 July 2026 "
        "Monday 6 July 00:30: Published, Sunday night in UTC (Campaign)"
    )


def test_in_winter_uk_days_are_utc_days(manager_client):
    CampaignFactory(title="Late on Friday", publish_at=utc(2026, 12, 11, 23, 30))

    shown = weeks(calendar(manager_client))

    assert "Friday 11 December 23:30: Scheduled, Late on Friday (Campaign)" in shown["2026-W50"]


# --- Navigation -----------------------------------------------------------------------------


def test_a_week_is_asked_for_by_its_iso_number_with_links_to_either_side(manager_client):
    page = calendar(manager_client, week="2027-W10")

    assert list(weeks(page))[0] == "2027-W10"
    assert weeks(page)["2027-W10"].startswith("Monday 8 March to Sunday 14 March 2027")
    assert '<a href="?week=2027-W04" rel="prev">Previous 6 weeks</a>' in page
    assert '<a href="?week=2027-W16" rel="next">Next 6 weeks</a>' in page
    assert '<a href="?week=2026-W50">From this week</a>' in page


def test_a_start_date_shows_the_week_that_holds_it(manager_client):
    page = calendar(manager_client, start="2027-03-11")

    assert list(weeks(page))[0] == "2027-W10"


def test_from_this_week_there_is_no_link_back_to_it(manager_client):
    assert "From this week" not in calendar(manager_client)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"week": "2026-W60"},
            "“2026-W60” is not a week: write it as year, W and week number, such as 2026-W50. "
            "Showing this week instead.",
        ),
        (
            {"start": "11/03/2027"},
            "“11/03/2027” is not a date: write it as year-month-day, such as 2026-12-09. "
            "Showing this week instead.",
        ),
    ],
)
def test_a_week_or_day_that_is_not_one_is_named_and_this_week_shown(
    manager_client, params, message
):
    page = calendar(manager_client, **params)

    assert f'<p class="errornote">{message}</p>' in html.unescape(page)
    assert list(weeks(page))[0] == "2026-W50"


# --- Who may see it -------------------------------------------------------------------------


def test_a_partner_data_officer_may_not_open_it(client):
    sign_in(client, data_officer(OrganisationFactory()))

    assert client.get(CALENDAR).status_code == 403


def test_staff_without_view_permission_may_not_open_it(client):
    sign_in(client, UserFactory())

    assert client.get(CALENDAR).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(CALENDAR)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_user_sees_only_the_kinds_of_item_they_may_view(client):
    CampaignFactory(title="A campaign", publish_at=utc(2026, 12, 10, 9, 0))
    PressStatementFactory(title="A statement", publish_at=utc(2026, 12, 10, 9, 0))
    reader = UserFactory()
    reader.user_permissions.add(Permission.objects.get(codename="view_pressstatement"))
    sign_in(client, reader)

    page = calendar(client)

    assert "A statement" in page
    assert "A campaign" not in page


def test_the_header_links_to_it_for_those_who_may_open_it(manager_client):
    page = manager_client.get("/admin/").content.decode()
    tools = page[page.index('<div id="user-tools">') : page.index("</header>")]

    assert f'<a href="{CALENDAR}">Calendar</a>' in tools


# --- Queries --------------------------------------------------------------------------------


def make_events(count: int) -> None:
    for n in range(count):
        campaign = CampaignFactory(
            publish_at=utc(2026, 12, 10, 9, n), end_date=datetime.date(2026, 12, 20)
        )
        PressStatementFactory(campaign=campaign, publish_at=utc(2026, 12, 14, 9, n))
        PressStatementFactory(
            campaign=campaign, status=Status.WITHDRAWN, withdrawn_at=utc(2026, 12, 15, 9, n)
        )


def queries_for_calendar(client) -> int:
    client.get(CALENDAR)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(CALENDAR).status_code == 200
    return len(queries)


def test_the_calendar_asks_the_database_a_fixed_number_of_times(
    manager_client, django_assert_max_num_queries
):
    make_events(1)
    few = queries_for_calendar(manager_client)
    make_events(20)
    many = queries_for_calendar(manager_client)

    assert many == few
    # The session, the user, their two-factor device and their permissions, one query per kind
    # of item, the address of the user's calendar feed, and the session's new expiry (staff
    # sessions end after two idle hours), written in a savepoint here.
    with django_assert_max_num_queries(11):
        manager_client.get(CALENDAR)
