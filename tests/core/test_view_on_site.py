"""The admin's "view on site" shortcut (/admin/r/<content type>/<id>/) leads only a user who may
view an item to its page, and an item not yet public to its staff preview: walking the ids must
not list the addresses of drafts and embargoed items."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from campaigns.models import Campaign, PressStatement
from campaigns.publishing import Status
from tests.campaigns.factories import CampaignFactory, PressStatementFactory
from tests.regions.factories import OrganisationFactory, data_officer
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


def shortcut(obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return f"/admin/r/{content_type.pk}/{obj.pk}/"


@pytest.fixture
def unpublished():
    embargoed = CampaignFactory(
        title="Secret launch",
        slug="secret-launch",
        publish_at=timezone.now() + datetime.timedelta(days=2),
    )
    draft = PressStatementFactory(
        campaign=CampaignFactory(), slug="draft-headline", status=Status.DRAFT, publish_at=None
    )
    return [embargoed, draft]


def test_a_partner_data_officer_is_not_led_to_unpublished_items(client, unpublished):
    sign_in(client, data_officer(OrganisationFactory()))
    for item in unpublished:
        response = client.get(shortcut(item))
        assert response.status_code == 404
        assert "Location" not in response
        assert item.slug not in response.content.decode()


def test_a_manager_is_led_to_the_preview_of_an_unpublished_item(manager_client, unpublished):
    embargoed, draft = unpublished
    assert manager_client.get(shortcut(embargoed))["Location"] == (
        f"/preview/campaigns/{embargoed.pk}/"
    )
    assert manager_client.get(shortcut(draft))["Location"] == f"/preview/statements/{draft.pk}/"


def test_a_manager_is_led_to_the_public_page_of_a_published_item(manager_client):
    campaign = CampaignFactory(slug="get-help")
    assert manager_client.get(shortcut(campaign))["Location"] == "/campaigns/get-help/"


def test_unknown_content_types_and_ids_are_not_found(manager_client):
    campaign = CampaignFactory()
    content_type = ContentType.objects.get_for_model(Campaign)
    assert manager_client.get(f"/admin/r/{content_type.pk}/{campaign.pk + 100}/").status_code == 404
    assert manager_client.get(f"/admin/r/{content_type.pk}/not-a-number/").status_code == 404
    assert manager_client.get("/admin/r/99999/1/").status_code == 404
    statement_type = ContentType.objects.get_for_model(PressStatement)
    assert manager_client.get(f"/admin/r/{statement_type.pk}/{campaign.pk}/").status_code == 404
