"""The publish rule, written once: the filter and the check on one item always agree."""

import datetime

import pytest
from django.utils import timezone

from campaigns.models import Campaign, PressStatement
from campaigns.publishing import PUBLIC_STATUSES, Status, is_released
from tests.campaigns.factories import CampaignFactory, PressStatementFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
# Every status with a publish time passed and to come, and a draft without one.
STATES = [(status, offset) for status in Status.values for offset in (-DAY, DAY)] + [
    (Status.DRAFT, None)
]
WHEN = {-DAY: "passed", DAY: "to come", None: "none"}
IDS = [f"{status}, publish time {WHEN[offset]}" for status, offset in STATES]


def make_campaign(status, offset) -> Campaign:
    return CampaignFactory(
        status=status, publish_at=None if offset is None else timezone.now() + offset
    )


@pytest.mark.parametrize(("status", "offset"), STATES, ids=IDS)
def test_a_campaign_is_published_exactly_when_the_filter_selects_it(status, offset):
    campaign = make_campaign(status, offset)

    selected = Campaign.objects.published().filter(pk=campaign.pk).exists()
    scheduled = Campaign.objects.scheduled().filter(pk=campaign.pk).exists()

    assert campaign.is_published == selected == is_released(campaign)
    public_status = status in PUBLIC_STATUSES
    assert selected == (public_status and offset == -DAY)
    assert scheduled == (public_status and offset == DAY)


@pytest.mark.parametrize(("status", "offset"), STATES, ids=IDS)
def test_a_statement_is_published_only_with_its_campaign(status, offset):
    statement = PressStatementFactory(campaign=make_campaign(status, offset))  # released itself

    published = PressStatement.objects.published().filter(pk=statement.pk).exists()

    assert statement.is_released
    assert PressStatement.objects.released().filter(pk=statement.pk).exists()
    assert statement.is_published == published == statement.campaign.is_released
