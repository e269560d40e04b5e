"""Staff previews: a draft or scheduled campaign or statement, seen as its public page will
look, by campaign staff only, never cached or indexed, while the public still gets 404."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, PressStatement
from campaigns.publishing import Status
from tests.campaigns.factories import CampaignFactory, PressStatementFactory, QuoteFactory
from tests.campaigns.test_edit_conflicts import opened_form
from tests.regions.factories import OrganisationFactory, data_officer
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


def preview_url(item) -> str:
    name = "campaign_preview" if isinstance(item, Campaign) else "statement_preview"
    return reverse(f"campaigns:{name}", args=[item.pk])


def change_url(item) -> str:
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])


@pytest.fixture
def draft_campaign() -> Campaign:
    return CampaignFactory(
        title="Spring helpline campaign", status=Status.DRAFT, publish_at=None, summary="Draft."
    )


@pytest.fixture
def scheduled_statement() -> PressStatement:
    return PressStatementFactory(
        title="Figures to be announced",
        publish_at=timezone.now() + datetime.timedelta(days=3),
    )


def test_a_manager_previews_a_draft_campaign_the_public_cannot_see(
    client, manager_client, draft_campaign
):
    assert client.get(draft_campaign.get_absolute_url()).status_code == 404

    response = manager_client.get(preview_url(draft_campaign))

    assert response.status_code == 200
    page = response.text
    assert "<h1>Spring helpline campaign</h1>" in page
    assert "Preview, not public." in page
    assert "This is a draft: nobody else can see it until it is published." in page
    assert f'href="{change_url(draft_campaign)}"' in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_draft_campaigns_ready_statements_show_in_its_preview(manager_client, draft_campaign):
    ready = PressStatementFactory(campaign=draft_campaign, title="Launch statement")
    QuoteFactory(statement=ready, text="One call is all it takes.")
    PressStatementFactory(
        campaign=draft_campaign, title="Unfinished statement", status=Status.DRAFT, publish_at=None
    )

    page = manager_client.get(preview_url(draft_campaign)).text

    assert "Launch statement" in page
    assert "One call is all it takes." in page
    assert "Unfinished statement" not in page


def test_a_scheduled_statement_preview_says_when_it_goes_public(
    client, manager_client, scheduled_statement
):
    assert client.get(scheduled_statement.get_absolute_url()).status_code == 404
    when = timezone.localtime(scheduled_statement.publish_at).strftime("%-d %B %Y, %H:%M")

    page = manager_client.get(preview_url(scheduled_statement)).text

    assert "<h1>Figures to be announced</h1>" in page
    assert f"Scheduled: nobody else can see it until {when}." in page


def test_a_ready_statement_of_a_draft_campaign_says_the_campaign_holds_it_back(
    manager_client, draft_campaign
):
    statement = PressStatementFactory(campaign=draft_campaign)

    page = manager_client.get(preview_url(statement)).text

    assert "its campaign is not public yet" in page


def test_the_public_and_staff_without_campaign_rights_cannot_preview(client, draft_campaign):
    statement = PressStatementFactory(campaign=draft_campaign, status=Status.DRAFT, publish_at=None)
    for item in (draft_campaign, statement):
        anonymous = client.get(preview_url(item))
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith(reverse("admin:login"))
        assert "Set-Cookie" not in anonymous

    sign_in(client, data_officer(OrganisationFactory()))
    for item in (draft_campaign, statement):
        assert client.get(preview_url(item)).status_code == 403


def test_preview_of_something_that_does_not_exist_is_404(manager_client):
    assert (
        manager_client.get(reverse("campaigns:campaign_preview", args=[999999])).status_code == 404
    )


@pytest.mark.parametrize("status", [Status.DRAFT, "scheduled"])
def test_view_on_site_and_the_list_link_go_to_the_preview_until_public(
    manager_client, status, draft_campaign
):
    if status == "scheduled":
        draft_campaign.status = Status.PUBLISHED
        draft_campaign.publish_at = timezone.now() + datetime.timedelta(hours=2)
        draft_campaign.save()

    change_page = manager_client.get(change_url(draft_campaign)).text
    link = re.search(r'<a href="([^"]+)" class="viewsitelink">', change_page)
    assert link and html.unescape(link.group(1)) == preview_url(draft_campaign)
    assert manager_client.get(link.group(1)).status_code == 200

    changelist = manager_client.get(reverse("admin:campaigns_campaign_changelist")).text
    state = "Scheduled for " if status == "scheduled" else "Draft ("
    assert f'(<a href="{preview_url(draft_campaign)}">preview</a>)' in changelist
    assert state in changelist


def test_a_public_page_preview_says_it_is_public(manager_client):
    campaign = CampaignFactory()

    page = manager_client.get(preview_url(campaign)).text

    assert "This page is public; this is how visitors see it." in page


def test_links_inside_a_preview_lead_to_previews_while_not_public(manager_client, draft_campaign):
    statement = PressStatementFactory(campaign=draft_campaign, title="Launch statement")

    campaign_page = manager_client.get(preview_url(draft_campaign)).text
    statement_page = manager_client.get(preview_url(statement)).text

    assert f'<a href="{preview_url(statement)}">Launch statement</a>' in campaign_page
    assert f'<a href="{preview_url(draft_campaign)}">Spring helpline campaign</a>' in statement_page
    assert statement.get_absolute_url() not in campaign_page


def test_a_preview_offers_no_downloads_that_would_not_be_found(manager_client, draft_campaign):
    page = manager_client.get(preview_url(draft_campaign)).text

    assert "statistics.csv" not in page and "statistics.json" not in page


def test_a_draft_statement_without_date_or_issuers_has_no_stray_full_stop(manager_client):
    statement = PressStatementFactory(status=Status.DRAFT, publish_at=None)

    page = manager_client.get(preview_url(statement)).text

    assert '<p class="meta">' not in page


def test_the_admin_says_preview_until_the_item_is_public(manager_client):
    draft = CampaignFactory(status=Status.DRAFT, publish_at=None)
    public = CampaignFactory()

    draft_page = manager_client.get(f"/admin/campaigns/campaign/{draft.pk}/change/").text
    public_page = manager_client.get(f"/admin/campaigns/campaign/{public.pk}/change/").text

    assert 'class="viewsitelink">Preview</a>' in draft_page
    assert 'class="viewsitelink">View on site</a>' in public_page
    assert 'class="historylink">History</a>' in draft_page


def test_the_list_and_the_save_message_say_when_an_item_goes_public(manager_client):
    when = datetime.datetime(2031, 12, 8, 9, 0, tzinfo=datetime.UTC)
    campaign = CampaignFactory(status=Status.PUBLISHED, publish_at=when)

    changelist = manager_client.get(reverse("admin:campaigns_campaign_changelist")).text
    assert "Scheduled for 8 December 2031, 09:00" in changelist

    # A draft saved says so; publishing it (an action) says it is now public.
    campaign.status, campaign.publish_at = Status.DRAFT, None
    campaign.save()
    url = change_url(campaign)
    saved = manager_client.post(url, opened_form(manager_client, url), follow=True)
    assert "Draft." in [str(message) for message in saved.context["messages"]]
    Campaign.objects.filter(pk=campaign.pk).update(status=Status.APPROVED)
    published = manager_client.post(f"{url.removesuffix('change/')}action/publish/", follow=True)
    assert "Now public." in [str(message) for message in published.context["messages"]]


def test_a_campaign_offers_to_add_a_press_statement_to_it(manager_client):
    campaign = CampaignFactory()
    page = manager_client.get(change_url(campaign)).text
    link = re.search(r'<a href="([^"]+)" class="addlink">Add a press statement</a>', page)
    assert link is not None

    add_page = manager_client.get(html.unescape(link.group(1)))

    assert add_page.context["adminform"].form.initial["campaign"] == str(campaign.pk)
