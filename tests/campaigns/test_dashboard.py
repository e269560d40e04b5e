import datetime
import html
import re

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from campaigns.dashboard import Entry, Panel
from campaigns.publishing import Status
from tests.campaigns.factories import CampaignFactory, PressStatementFactory
from tests.regions.factories import OrganisationFactory, UserFactory, data_officer, manager_user
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 29, 11, 0, tzinfo=datetime.UTC)  # 12:00 in London


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def submitter():
    return manager_user(first_name="Sam", last_name="Submitter")


@pytest.fixture
def editor():
    return manager_user(first_name="Erin", last_name="Editor")


@pytest.fixture
def reviewer():
    return manager_user(first_name="Rhys", last_name="Reviewer")


def in_review(title: str, submitter, editor=None, *, days_ago: int = 1, factory=None):
    factory = factory or PressStatementFactory
    return factory(
        title=title,
        status=Status.IN_REVIEW,
        publish_at=None,
        submitted_by=submitter,
        submitted_at=NOW - datetime.timedelta(days=days_ago),
        edited_by=editor or submitter,
    )


def home(client, user) -> str:
    sign_in(client, user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def panel(page: str, key: str) -> str | None:
    """A panel's text, in words separated by single spaces, or None if the page has none."""
    match = re.search(
        rf'<section class="module dashboard-panel" id="{key}".*?</section>', page, re.S
    )
    if match is None:
        return None
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match[0])).split())


def links(page: str) -> dict[str, str]:
    """The task buttons at the top: text -> address."""
    tasks = page[page.index("dashboard-tasks") : page.index("</section>")]
    return {
        html.unescape(text): html.unescape(href)
        for href, text in re.findall(r'<a class="button default" href="([^"]+)">([^<]+)</a>', tasks)
    }


# --- Tasks ----------------------------------------------------------------------------------


def test_a_campaign_manager_starts_from_their_tasks(client, reviewer):
    assert links(home(client, reviewer)) == {
        "Write a press statement": "/admin/campaigns/pressstatement/add/",
        "Edit a campaign": "/admin/campaigns/campaign/",
        "Review campaigns": "/admin/campaigns/campaign/?status__exact=in_review",
        "Review press statements": "/admin/campaigns/pressstatement/?status__exact=in_review",
        "Import figures": "/admin/regions/statistic/import/",
        "Calendar": "/admin/calendar/",
    }


def test_a_partner_data_officer_sees_their_import_and_no_campaign_panels(client):
    officer = data_officer(OrganisationFactory())
    in_review("Calls to the helpline doubled", manager_user())

    page = home(client, officer)

    assert links(page) == {"Import figures": "/admin/regions/statistic/import/"}
    assert "dashboard-panel" not in page
    assert "Calls to the helpline doubled" not in page
    assert "/admin/calendar/" not in page  # neither a task nor in the header
    assert "Statistics</a>" in page  # the app list stays


def test_a_reader_of_statements_sees_their_panels_but_none_to_review(client, submitter):
    reader = UserFactory()
    reader.user_permissions.add(Permission.objects.get(codename="view_pressstatement"))
    in_review("Calls to the helpline doubled", submitter)

    page = home(client, reader)

    assert links(page) == {"Calendar": "/admin/calendar/"}
    assert panel(page, "awaiting-review") is None
    assert panel(page, "going-live") is not None


# --- Awaiting your review -------------------------------------------------------------------


def test_a_reviewer_sees_what_awaits_their_review_oldest_first(client, submitter, reviewer):
    in_review("Newer statement", submitter, days_ago=1)
    in_review("Older campaign", submitter, days_ago=3, factory=CampaignFactory)
    PressStatementFactory(title="A draft", status=Status.DRAFT, publish_at=None)

    text = panel(home(client, reviewer), "awaiting-review")

    assert text == (
        "Awaiting your review "
        "Older campaign (Campaign) Submitted by Sam Submitter, 26 June 2026, 12:00 "
        "Newer statement (Press statement) Submitted by Sam Submitter, 28 June 2026, 12:00"
    )


def test_an_item_awaiting_review_links_to_its_admin_page(client, submitter, reviewer):
    statement = in_review("Calls to the helpline doubled", submitter)

    page = home(client, reviewer)

    assert f'<a href="/admin/campaigns/pressstatement/{statement.pk}/change/">' in page


def test_neither_the_submitter_nor_the_last_editor_is_asked_to_review_it(client, submitter, editor):
    in_review("Calls to the helpline doubled", submitter, editor)

    for user in (submitter, editor):
        text = panel(home(client, user), "awaiting-review")
        assert text == "Awaiting your review Nothing waits for your review."


def test_a_new_edition_in_review_says_which_edition_it_is(client, submitter, reviewer):
    live = PressStatementFactory(title="Calls to the helpline doubled")
    PressStatementFactory(
        title=live.title,
        slug=live.slug,
        campaign=live.campaign,
        edition_of=live,
        edition=2,
        status=Status.IN_REVIEW,
        publish_at=None,
        submitted_by=submitter,
        submitted_at=NOW,
    )

    text = panel(home(client, reviewer), "awaiting-review")

    assert "Calls to the helpline doubled (Press statement, edition 2)" in text


# --- Your items in review -------------------------------------------------------------------


def test_the_submitter_sees_their_items_waiting_for_someone_else(client, submitter, reviewer):
    in_review("Calls to the helpline doubled", submitter)
    in_review("Someone else's", reviewer)

    text = panel(home(client, submitter), "in-review-by-you")

    assert text == (
        "Your items in review "
        "Calls to the helpline doubled (Press statement) Submitted 28 June 2026, 12:00"
    )
    assert panel(home(client, manager_user()), "in-review-by-you") == (
        "Your items in review You have nothing in review."
    )


# --- Sent back to you -----------------------------------------------------------------------


def test_the_author_sees_what_was_sent_back_with_the_comment(client, submitter, editor, reviewer):
    PressStatementFactory(
        title="Calls to the helpline doubled",
        status=Status.DRAFT,
        publish_at=None,
        submitted_by=submitter,
        edited_by=editor,
        review_comment="Name the source of the 146%.",
        review_comment_by=reviewer,
    )
    PressStatementFactory(title="A draft never reviewed", status=Status.DRAFT, edited_by=editor)

    expected = (
        "Sent back to you for changes "
        "Calls to the helpline doubled (Press statement) "
        "Rhys Reviewer asked for changes: Name the source of the 146%."
    )
    assert panel(home(client, submitter), "sent-back") == expected
    assert panel(home(client, editor), "sent-back") == expected
    assert panel(home(client, reviewer), "sent-back") == (
        "Sent back to you for changes Nothing has been sent back to you."
    )


# --- Going live -----------------------------------------------------------------------------


def test_items_going_live_within_seven_days_show_their_uk_time_and_preview(client, reviewer):
    soon = PressStatementFactory(
        title="Going live on Wednesday",
        publish_at=datetime.datetime(2026, 7, 1, 8, 0, tzinfo=datetime.UTC),
    )
    CampaignFactory(title="Going live tomorrow", publish_at=NOW + datetime.timedelta(days=1))
    CampaignFactory(title="Too late", publish_at=NOW + datetime.timedelta(days=7, minutes=1))
    CampaignFactory(title="Already public")  # published in 2018
    CampaignFactory(
        title="Not approved yet", status=Status.DRAFT, publish_at=NOW + datetime.timedelta(days=1)
    )

    page = home(client, reviewer)

    assert panel(page, "going-live") == (
        "Going live in the next 7 days "
        "Going live tomorrow (Campaign) Goes live 30 June 2026, 12:00 (UK time) Preview "
        "Going live on Wednesday (Press statement) Goes live 1 July 2026, 09:00 (UK time) Preview"
    )
    assert f'<a href="/preview/statements/{soon.pk}/">Preview</a>' in page


def test_every_panel_says_plainly_when_it_is_empty(client, reviewer):
    page = home(client, reviewer)

    assert [panel(page, key) for key in ["awaiting-review", "sent-back", "in-review-by-you"]] == [
        "Awaiting your review Nothing waits for your review.",
        "Sent back to you for changes Nothing has been sent back to you.",
        "Your items in review You have nothing in review.",
    ]
    assert panel(page, "going-live") == (
        "Going live in the next 7 days Nothing goes live in the next 7 days."
    )


# --- The place for partners' sign-off -------------------------------------------------------


def test_the_sign_off_place_shows_nothing_until_a_panel_is_given():
    assert render_to_string("admin/dashboard/sign_off.html", {}).strip() == ""

    entry = Entry("Calls to the helpline doubled", "Quote", "/admin/")
    sign_off = Panel("sign-off", "Quotes awaiting a partner's sign-off", "None.", [entry])
    shown = render_to_string("admin/dashboard/sign_off.html", {"sign_off_panel": sign_off})

    assert "Quotes awaiting a partner&#x27;s sign-off" in shown
    assert "Calls to the helpline doubled" in shown


# --- Queries --------------------------------------------------------------------------------


def make_work(count: int, submitter, reviewer) -> None:
    """`count` items in every panel of the reviewer's home, of both kinds."""
    for n in range(count):
        for factory in (CampaignFactory, PressStatementFactory):
            in_review(f"For review {n}", submitter, factory=factory)
            in_review(f"Reviewer's own {n}", reviewer, factory=factory)
            factory(
                title=f"Sent back {n}",
                status=Status.DRAFT,
                publish_at=None,
                edited_by=reviewer,
                review_comment="Shorter, please.",
                review_comment_by=submitter,
            )
            factory(title=f"Soon {n}", publish_at=NOW + datetime.timedelta(days=2))


def queries_for_home(client, user) -> int:
    sign_in(client, user)
    client.get("/admin/")  # the first request of a process loads content types once
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/").status_code == 200
    return len(queries)


def test_the_home_asks_the_database_a_fixed_number_of_times(
    client, submitter, reviewer, django_assert_max_num_queries
):
    make_work(1, submitter, reviewer)
    few = queries_for_home(client, reviewer)
    make_work(15, submitter, reviewer)
    many = queries_for_home(client, reviewer)

    assert many == few
    # The session, the user, their two-factor device and their permissions, two per panel,
    # three for quotes awaiting sign-off (statements, their quotes, the decisions on them), the
    # recent actions, and the session's new expiry (staff sessions end after two idle hours),
    # written in a savepoint here.
    with django_assert_max_num_queries(21):
        client.get("/admin/")
