"""Sections of public pages, cached apart under the kinds of content each shows: with the page
cache off, a page is built afresh from them, an edit rebuilds only the sections showing what
changed, and nothing is ever shown stale or before its publish time."""

import datetime
import io
import tempfile
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import sections
from campaigns.models import (
    Campaign,
    CampaignPartner,
    ContentVersion,
    Person,
    PressStatement,
    Quote,
    ReportedFigure,
)
from campaigns.publishing import Status
from campaigns.sections import kind_versions
from regions.models import Metric, Organisation, Region, Statistic
from tests.campaigns.factories import CampaignFactory, PressStatementFactory
from tests.regions.factories import MetricFactory, StatisticFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sections_on(settings):
    """As production runs with DJANGO_PAGE_CACHE_SECONDS=0: every request runs the view."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    settings.PUBLIC_SECTION_CACHE_SECONDS = 600
    cache.clear()
    sections.forget()  # each test's database starts again from version 1
    yield
    cache.clear()
    sections.forget()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run an edit and what its transaction's commit does (the version bumps)."""

    def run(edit):
        with django_capture_on_commit_callbacks(execute=True):
            edit()

    return run


def fetch(client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.text, len(queries)


def built_from_nothing(client, url: str, settings) -> str:
    settings.PUBLIC_SECTION_CACHE_SECONDS = 0
    try:
        return fetch(client, url)[0]
    finally:
        settings.PUBLIC_SECTION_CACHE_SECONDS = 600


def test_a_page_built_from_its_sections_is_the_page_built_from_nothing(client, demo, settings):
    url = demo.get_absolute_url()
    first, first_queries = fetch(client, url)
    again, again_queries = fetch(client, url)

    assert again == first == built_from_nothing(client, url, settings)
    assert first_queries > 10
    assert again_queries == 1  # the kinds' versions: the campaign's id is remembered too


def test_each_language_has_its_own_sections(client, demo):
    english, _queries = fetch(client, demo.get_absolute_url())
    welsh, _queries = fetch(client, "/cy" + demo.get_absolute_url())

    assert '<html lang="cy">' in welsh and "Cael help" in welsh
    assert '<html lang="en-gb">' in english and "Get help" in english
    assert fetch(client, demo.get_absolute_url())[0] == english


def _campaign_title(campaign):
    campaign.title = "A campaign retitled"
    campaign.save()
    return "A campaign retitled"


def _lead_name(campaign):
    lead = campaign.lead_organisation
    lead.name = "A renamed lead organisation"
    lead.save()
    return "A renamed lead organisation"


def _region_name(campaign):
    region = campaign.regions.get(name="Cumbria")
    region.name = "Cumbria and Furness"
    region.save()
    return "Cumbria and Furness"


def _area_added(campaign):
    campaign.regions.add(Region.objects.create(name="Isle of Man", slug="isle-of-man"))
    return "Isle of Man"


def _metric_name(campaign):
    metric = campaign.metrics.get()
    metric.name = "People who called or wrote"
    metric.save()
    return "People who called or wrote"


def _statistic_value(campaign):
    statistic = Statistic.objects.get(region__name="North West and North Wales", value=3549)
    statistic.value = 3871
    statistic.save()
    return "3,871"


def _statistic_added(campaign):
    metric = campaign.metrics.get()
    region = campaign.regions.get(name="Cumbria")
    StatisticFactory(
        metric=metric,
        region=region,
        period_start=datetime.date(2018, 7, 1),
        period_end=datetime.date(2018, 12, 31),
        value=4321,
    )
    return "4,321"


def _figures_imported(campaign):
    """Through the import, which writes figures in bulk and records them with one batch."""
    region = campaign.regions.get(name="Cumbria")
    metric = campaign.metrics.get()
    with tempfile.TemporaryDirectory() as folder:
        upload = Path(folder) / "figures.csv"
        upload.write_text(
            "region_code,metric,period_start,period_end,value\n"
            f"{region.gss_code},{metric.slug},01/07/2018,31/12/2018,5432\n"
        )
        call_command("import_statistics", str(upload), stdout=io.StringIO())
    return "5,432"


def _reported_figure(campaign):
    # One listed under "Figures as reported" (the others are shown in the figures' table).
    figure = ReportedFigure.objects.get(label__startswith="People seeking help")
    figure.label = "People seeking help across the North West when the statement was written"
    figure.save()
    return "when the statement was written"


def _statement_title(campaign):
    statement = campaign.statements.get(status=Status.PUBLISHED)
    statement.title = "More people seek help after the campaign"
    statement.save()
    return "More people seek help after the campaign"


def _quote_text(campaign):
    quote = Quote.objects.filter(statement__status=Status.PUBLISHED).first()
    quote.text = "Every call is answered in confidence."
    quote.save()
    return "Every call is answered in confidence."


def _person_name(campaign):
    person = Person.objects.get(name="Donald Findlater")
    person.name = "Donald J. Findlater"
    person.save()
    return "Donald J. Findlater"


def _partner_role(campaign):
    partnership = CampaignPartner.objects.get(
        campaign=campaign, organisation__name="Cheshire Constabulary"
    )
    partnership.role = "Police partner for Cheshire"
    partnership.save()
    return "Police partner for Cheshire"


def _partner_name(campaign):
    organisation = Organisation.objects.get(name="Cheshire Constabulary")
    organisation.name = "Cheshire Police"
    organisation.save()
    return "Cheshire Police"


@pytest.mark.parametrize(
    "edit",
    [
        _campaign_title,
        _lead_name,
        _region_name,
        _area_added,
        _metric_name,
        _statistic_value,
        _statistic_added,
        _figures_imported,
        _reported_figure,
        _statement_title,
        _quote_text,
        _person_name,
        _partner_role,
        _partner_name,
    ],
)
def test_every_kind_of_edit_shows_on_the_next_request(client, demo, settings, committed, edit):
    url = demo.get_absolute_url()
    before, _queries = fetch(client, url)
    fetch(client, url)  # every section cached

    shown = []
    committed(lambda: shown.append(edit(Campaign.objects.get(pk=demo.pk))))
    after, _queries = fetch(client, url)

    assert shown[0] not in before
    assert shown[0] in after
    assert after == built_from_nothing(client, url, settings)


def test_an_edit_rebuilds_only_the_sections_showing_its_kind(client, demo, committed):
    url = demo.get_absolute_url()
    _page, cold = fetch(client, url)
    versions = kind_versions()

    committed(lambda: _statistic_value(demo))
    page, rebuilt = fetch(client, url)

    changed = {k for k, v in kind_versions().items() if versions.get(k, 1) != v}
    assert changed == {"regions.statistic"}
    assert "3,871" in page
    # The figures' queries and the campaign itself, not the statements', quotes' or partners'.
    assert 2 < rebuilt < cold - 3


def test_an_unsaved_change_is_not_seen_until_saved_and_previews_always_build_afresh(
    manager_client, demo, committed
):
    client = Client()
    url = demo.get_absolute_url()
    fetch(client, url)
    # Written around the signals, as nothing in the site writes: the sections cannot know.
    Campaign.objects.filter(pk=demo.pk).update(summary="A summary changed behind the cache")

    assert "A summary changed behind the cache" not in fetch(client, url)[0]
    preview = manager_client.get(reverse("campaigns:campaign_preview", args=[demo.pk]))
    assert "A summary changed behind the cache" in preview.text

    committed(lambda: Campaign.objects.get(pk=demo.pk).save())
    assert "A summary changed behind the cache" in fetch(client, url)[0]


def test_a_statement_due_later_shows_at_its_time(client, demo, monkeypatch):
    now = timezone.now()
    PressStatementFactory(
        campaign=demo,
        title="Due in ninety seconds",
        status=Status.PUBLISHED,
        publish_at=now + datetime.timedelta(seconds=90),
    )
    timeouts = []
    real_set = cache.set

    def remember(key, value, timeout):
        if key.startswith(sections.KEY_PREFIX) and "next-publication" not in key:
            timeouts.append(timeout)
        real_set(key, value, timeout)

    monkeypatch.setattr(cache, "set", remember)

    assert "Due in ninety seconds" not in fetch(client, demo.get_absolute_url())[0]
    # No section is kept past the statement's time...
    assert timeouts and all(80 <= t <= 90 for t in timeouts)
    # ...and the page built after it shows the statement (the cache has dropped them by then).
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(seconds=91))
    cache.clear()
    assert "Due in ninety seconds" in fetch(client, demo.get_absolute_url())[0]


def test_a_campaign_launching_tomorrow_reads_launched_tomorrow(client, monkeypatch):
    now = timezone.now()
    campaign = CampaignFactory(launch_date=timezone.localdate() + datetime.timedelta(days=1))
    assert "Launches" in fetch(client, campaign.get_absolute_url())[0]

    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(days=1))

    assert "Launched" in fetch(client, campaign.get_absolute_url())[0]


def test_an_address_with_no_published_campaign_is_looked_up_every_time(client, committed):
    draft = CampaignFactory(status=Status.DRAFT, publish_at=None, slug="coming-soon")
    url = reverse("campaigns:campaign_detail", kwargs={"slug": "coming-soon"})
    assert client.get(url).status_code == 404

    def publish():
        draft.status = Status.PUBLISHED
        draft.publish_at = timezone.now()
        draft.save()

    committed(publish)
    assert client.get(url).status_code == 200


def test_a_withdrawn_campaign_shows_its_notice_at_once(client, demo, committed):
    url = demo.get_absolute_url()
    fetch(client, url)

    def withdraw():
        demo.status = Status.WITHDRAWN
        demo.save()

    committed(withdraw)
    assert "This campaign was withdrawn" in fetch(client, url)[0]


def test_versions_are_bumped_per_kind_and_only_when_the_change_commits(db, committed):
    statement = PressStatementFactory()
    before = kind_versions()

    PressStatement.objects.filter(pk=statement.pk).update(title="Not through a save")
    statement.save()  # inside the test's transaction, not committed: no bump yet
    assert kind_versions() == before

    committed(statement.save)
    after = kind_versions()
    assert after["campaigns.pressstatement"] == before.get("campaigns.pressstatement", 1) + 1
    assert after.get("campaigns.campaign") == before.get("campaigns.campaign")
    assert (
        ContentVersion.objects.get(label="campaigns.pressstatement").number
        == (after["campaigns.pressstatement"])
    )


def test_a_section_names_only_kinds_of_public_content():
    with pytest.raises(TemplateSyntaxError, match="statistics"):
        Template('{% load sections %}{% section "figures" "statistics" %}x{% endsection %}')
    with pytest.raises(TemplateSyntaxError, match="takes a name"):
        Template('{% load sections %}{% section "figures" %}x{% endsection %}')


def test_outside_a_public_page_a_section_is_built_every_time(db):
    template = Template(
        '{% load sections %}{% section "count" "metric" %}{{ metrics.count }}{% endsection %}'
    )

    assert template.render(Context({"metrics": Metric.objects})) == "0"
    MetricFactory()
    assert template.render(Context({"metrics": Metric.objects})) == "1"


def test_this_process_keeps_a_bounded_number_of_sections_each_until_it_expires(
    client, demo, monkeypatch
):
    monkeypatch.setattr(sections, "MEMORY_ENTRIES", 3)
    url = demo.get_absolute_url()
    first, _queries = fetch(client, url)

    assert len(sections._memory) == 3
    # The rest come from the cache, where every section was kept too.
    again, queries = fetch(client, url)
    assert again == first and queries == 1

    # An entry past its time is not used, whichever of the two holds it (each is kept with its
    # expiry time: the cache's own clock is not the site's).
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(seconds=601))
    assert fetch(client, url)[1] > 10
