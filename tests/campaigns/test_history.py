"""Every change to a campaign, statement, quote, reported figure, person, organisation or region
keeps a version: who, when and what, readable field by field in the admin, and any earlier
version can be restored (as a new version)."""

import html

import pytest

from campaigns.publishing import Status
from tests.campaigns.factories import (
    CampaignFactory,
    PersonFactory,
    PressStatementFactory,
    QuoteFactory,
    ReportedFigureFactory,
)
from tests.campaigns.test_edit_conflicts import opened_form
from tests.regions.factories import OrganisationFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (CampaignFactory, "title"),
        (PressStatementFactory, "title"),
        (QuoteFactory, "text"),
        (ReportedFigureFactory, "label"),
        (PersonFactory, "name"),
        (OrganisationFactory, "name"),
        (RegionFactory, "name"),
    ],
    ids=["campaign", "statement", "quote", "reported figure", "person", "organisation", "region"],
)
def test_every_save_keeps_a_version(factory, field):
    item = factory()
    setattr(item, field, "Changed")
    item.save()
    versions = list(item.history.order_by("history_date"))
    assert [v.history_type for v in versions] == ["+", "~"]
    assert getattr(versions[-1], field) == "Changed"
    assert getattr(versions[0], field) != "Changed"


def test_the_admin_history_says_who_changed_what(manager_client, manager):
    campaign = CampaignFactory(
        title="Get help early", summary="Old summary.", status=Status.DRAFT, publish_at=None
    )
    url = f"/admin/campaigns/campaign/{campaign.pk}/change/"
    form = opened_form(manager_client, url)
    form["summary_en_gb"] = ["New summary."]
    assert manager_client.post(url, form).status_code == 302

    page = html.unescape(
        manager_client.get(f"/admin/campaigns/campaign/{campaign.pk}/history/").content.decode()
    )

    latest = campaign.history.latest("history_date")
    assert latest.history_user == manager
    assert manager.username in page
    assert "Old summary." in page and "New summary." in page
    assert "version" not in page.split("change-history", 1)[1].lower().split("</table>")[0]


def test_an_earlier_version_can_be_restored_as_a_new_version(manager_client):
    campaign = CampaignFactory(title="First title", status=Status.DRAFT, publish_at=None)
    campaign.title = "Second title"
    campaign.save()
    first = campaign.history.earliest("history_date")
    url = f"/admin/campaigns/campaign/{campaign.pk}/history/{first.history_id}/"

    restore_form = opened_form(manager_client, url)
    response = manager_client.post(url, restore_form)

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "First title"
    assert campaign.history.count() == 3  # created, changed, restored
