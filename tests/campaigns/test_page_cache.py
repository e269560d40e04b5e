"""The public page cache: served from memory until anything a page shows changes, never stale
after a save, an import or a scheduled publish time, and never holding what is not public."""

import datetime
import io
import re

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.page_cache import content_version
from campaigns.publishing import Status
from regions.models import ImportBatch, PartnerMembership, PendingImport, Region
from tests.campaigns.factories import CampaignFactory, PressStatementFactory
from tests.regions.factories import (
    MetricFactory,
    OrganisationFactory,
    RegionFactory,
    StatisticFactory,
    data_officer,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    settings.PUBLIC_SHARED_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def fetch(client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def test_a_second_visit_is_served_from_the_cache_in_one_query(client):
    campaign = CampaignFactory(title="Get help early")

    first, first_queries = fetch(client, campaign.get_absolute_url())
    second, second_queries = fetch(client, campaign.get_absolute_url())

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second_queries == 1  # the content version
    assert first_queries > second_queries
    assert second.text == first.text
    assert "Get help early" in second.text
    # Browsers ask again every time (an editor sees an edit at once); a CDN may keep it 60 s.
    assert "public" in second["Cache-Control"] and "s-maxage=60" in second["Cache-Control"]
    assert "max-age=0" in second["Cache-Control"]
    assert "Set-Cookie" not in second
    assert second.has_header("ETag")


def test_a_browser_that_has_the_page_gets_304(client):
    campaign = CampaignFactory()
    etag = client.get(campaign.get_absolute_url())["ETag"]

    again = client.get(campaign.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304


def test_an_edit_shows_at_once(client):
    campaign = CampaignFactory(title="Old title")
    client.get(campaign.get_absolute_url())

    campaign.title = "New title"
    campaign.save()
    response = client.get(campaign.get_absolute_url())

    assert response["X-Page-Cache"] == "miss"
    assert "New title" in response.text


def test_changes_to_related_things_and_many_to_many_links_bump_the_version(client):
    campaign = CampaignFactory()
    region = RegionFactory(name="Ynys Môn")
    before = content_version()

    campaign.regions.add(region)
    after_link = content_version()
    region.name = "Anglesey"
    region.save()
    after_rename = content_version()
    region.delete()

    assert before < after_link < after_rename < content_version()


def test_an_import_shows_at_once(client, tmp_path):
    metric = MetricFactory(slug="calls")
    region = RegionFactory(gss_code="W15000001", name="North Wales")
    campaign = CampaignFactory()
    campaign.regions.set([region])
    campaign.metrics.set([metric])
    StatisticFactory(
        metric=metric,
        region=region,
        period_start=datetime.date(2017, 7, 1),
        period_end=datetime.date(2017, 12, 31),
        value=84,
    )
    assert ">84<" in client.get(campaign.get_absolute_url()).text.replace(" ", "")
    upload = tmp_path / "figures.csv"
    upload.write_text(
        "region_code,metric,period_start,period_end,value\n"
        "W15000001,calls,01/01/2018,30/06/2018,139\n"
    )

    call_command("import_statistics", str(upload), stdout=io.StringIO())
    response = client.get(campaign.get_absolute_url())

    assert response["X-Page-Cache"] == "miss"
    assert "139" in response.text


def test_what_changes_no_public_page_keeps_the_cached_pages(client, tmp_path):
    """An upload waiting for its preview, a refused file, an import that changes no figure and
    a partner membership change no page: during a launch they must not empty the cache."""
    metric = MetricFactory(slug="calls")
    region = RegionFactory(gss_code="W15000001", name="North Wales")
    StatisticFactory(metric=metric, region=region, value=84)
    officer = data_officer(OrganisationFactory(regions=[region]))
    other_partner = OrganisationFactory()
    campaign = CampaignFactory()
    assert client.get(campaign.get_absolute_url())["X-Page-Cache"] == "miss"
    before = content_version()

    PendingImport.objects.create(token="waiting", user=officer, content=b"region_code\n")
    membership = PartnerMembership.objects.get(user=officer)
    membership.organisation = other_partner
    membership.save()
    refused = tmp_path / "refused.csv"
    refused.write_text("region_code,period_start,period_end,value\nW15000001,x,y,z\n")
    with pytest.raises(CommandError):
        call_command("import_statistics", str(refused), stdout=io.StringIO(), stderr=io.StringIO())
    unchanged = tmp_path / "unchanged.csv"
    unchanged.write_text(
        "region_code,metric,period_start,period_end,value\n"
        "W15000001,calls,01/07/2017,31/12/2017,84\n"
    )
    call_command("import_statistics", str(unchanged), stdout=io.StringIO())

    assert ImportBatch.objects.get().rows_unchanged == 1
    assert content_version() == before
    assert client.get(campaign.get_absolute_url())["X-Page-Cache"] == "hit"


def test_a_page_is_kept_no_longer_than_until_the_next_publish_time(client, monkeypatch):
    from campaigns import page_cache

    now = timezone.now()
    CampaignFactory(title="Already out")
    CampaignFactory(
        title="Coming soon",
        status=Status.PUBLISHED,
        publish_at=now + datetime.timedelta(seconds=90),
    )
    PressStatementFactory(  # a draft's time does not count: it will not go public by itself
        status=Status.DRAFT, publish_at=now + datetime.timedelta(seconds=10)
    )
    lifetimes = []
    real_set = page_cache.cache.set

    def remember_lifetime(key, value, timeout):
        if key.startswith(page_cache.KEY_PREFIX):
            lifetimes.append(timeout)
        real_set(key, value, timeout)

    monkeypatch.setattr(page_cache.cache, "set", remember_lifetime)

    home = client.get(reverse("campaigns:home"))

    assert "Coming soon" not in home.text
    assert len(lifetimes) == 1 and 80 <= lifetimes[0] <= 90
    assert "s-maxage=60" in home["Cache-Control"]

    # Once that time has passed the cached page has expired (the cache drops it), and the
    # page built then shows the campaign.
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(seconds=91))
    cache.clear()
    assert "Coming soon" in client.get(reverse("campaigns:home")).text
    assert lifetimes[-1] == 600


def test_not_found_and_drafts_are_not_cached(client):
    draft = CampaignFactory(status=Status.DRAFT, publish_at=None)

    assert client.get(draft.get_absolute_url()).status_code == 404
    draft.status = Status.PUBLISHED
    draft.publish_at = timezone.now() - datetime.timedelta(minutes=1)
    draft.save()

    assert client.get(draft.get_absolute_url()).status_code == 200


def test_staff_previews_are_never_cached(client, manager_client):
    draft = CampaignFactory(status=Status.DRAFT, publish_at=None, title="Draft one")
    url = reverse("campaigns:campaign_preview", args=[draft.pk])

    manager_client.get(url)
    response = manager_client.get(url)

    assert "X-Page-Cache" not in response
    assert "no-store" in response["Cache-Control"]
    assert Client().get(url).status_code == 302


def test_region_partner_statement_pages_and_downloads_are_cached(client):
    statement = PressStatementFactory()
    campaign = statement.campaign
    region = RegionFactory(kind=Region.Kind.POLICE_FORCE_AREA)
    campaign.regions.add(region)
    urls = [
        statement.get_absolute_url(),
        region.get_absolute_url(),
        campaign.lead_organisation.get_absolute_url(),
        reverse("campaigns:campaign_statistics", args=[campaign.slug, "csv"]),
        reverse("campaigns:campaign_statistics", args=[campaign.slug, "json"]),
    ]
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url


def test_a_cached_page_tells_browsers_only_the_time_it_has_left(client, monkeypatch):
    now = timezone.now()
    PressStatementFactory(publish_at=now + datetime.timedelta(seconds=40))
    first = client.get(reverse("campaigns:home"))
    assert re.search(r"s-maxage=(39|40)\b", first["Cache-Control"])

    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(seconds=30))
    later = client.get(reverse("campaigns:home"))

    assert later["X-Page-Cache"] == "hit"
    assert re.search(r"s-maxage=(9|10)\b", later["Cache-Control"])
