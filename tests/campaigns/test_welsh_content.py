"""Welsh beside English for every content text: edited side by side in the admin, shown on the
Welsh pages (English, marked as English, where a Welsh text is not written), and required
before anything covering an area in Wales is published."""

import re

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from campaigns.publishing import Status
from campaigns.welsh import covers_wales
from campaigns.workflow import ActionRefused, perform
from regions.models import Region
from tests.campaigns.factories import (
    CampaignFactory,
    PersonFactory,
    PressStatementFactory,
    QuoteFactory,
)
from tests.campaigns.test_edit_conflicts import opened_form
from tests.regions.factories import RegionFactory, manager_user
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

WELSH_TEXTS = {
    "title_cy": "Cael help yn gynnar",
    "summary_cy": "Mae help am ddim ac yn gyfrinachol.",
    "body_cy": "Ffoniwch y llinell gymorth.",
    "helpline_name_cy": "Llinell gymorth Stop it Now!",
    "helpline_hours_cy": "Dydd Llun i ddydd Iau",
    "helpline_confidentiality_cy": "Mae galwadau'n gyfrinachol.",
}


@pytest.fixture
def north_wales():
    return RegionFactory(name="North Wales", slug="north-wales", gss_code="W15000001")


def welsh_campaign(**kwargs) -> Campaign:
    return CampaignFactory(
        title="Get help early",
        summary="Help is free and confidential.",
        body="Call the helpline.",
        **kwargs,
    )


def test_each_text_is_edited_in_english_and_welsh_side_by_side(manager_client):
    campaign = CampaignFactory(status=Status.DRAFT, publish_at=None)
    page = manager_client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))

    assert 'class="form-row field-title_en_gb field-title_cy"' in page.text
    labels = dict(re.findall(r'<label[^>]*for="id_(title_\w+)"[^>]*>([^<]+)</label>', page.text))
    assert labels == {"title_en_gb": "Title (English):", "title_cy": "Title (Cymraeg):"}

    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    form = opened_form(manager_client, url)
    form["title_cy"] = ["Cael help yn gynnar"]
    assert manager_client.post(url, form).status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).title_cy == "Cael help yn gynnar"


def test_welsh_pages_show_the_welsh_texts(client):
    campaign = welsh_campaign(**WELSH_TEXTS)

    welsh = client.get(f"/cy{campaign.get_absolute_url()}").text
    english = client.get(campaign.get_absolute_url()).text

    assert "<h1>Cael help yn gynnar</h1>" in welsh
    assert '<p class="lead">Mae help am ddim ac yn gyfrinachol.</p>' in welsh
    assert "<h1>Get help early</h1>" in english
    assert "Cael help" not in english


def test_a_missing_welsh_text_shows_the_english_marked_as_english(client):
    campaign = welsh_campaign(title_cy="Cael help yn gynnar")
    statement = PressStatementFactory(campaign=campaign, title="Police back the helpline")
    QuoteFactory(statement=statement, text="Getting help takes one phone call.")

    page = client.get(f"/cy{campaign.get_absolute_url()}").text
    statement_page = client.get(f"/cy{statement.get_absolute_url()}").text

    assert "<h1>Cael help yn gynnar</h1>" in page
    assert '<p class="lead" lang="en-gb">Help is free and confidential.</p>' in page
    assert '<h1 lang="en-gb">Police back the helpline</h1>' in statement_page
    assert '<blockquote lang="en-gb"><p>Getting help takes one phone call.' in statement_page
    english = client.get(campaign.get_absolute_url()).text
    assert 'lang="en-gb">Help is free' not in english


def test_an_area_in_wales_or_a_grouping_holding_one_is_covered(north_wales):
    cheshire = RegionFactory(name="Cheshire", gss_code="E23000006")
    grouping = RegionFactory(name="North West and North Wales", gss_code=None, kind="grouping")
    north_wales.groupings.add(grouping)

    in_england, in_wales, through_grouping = CampaignFactory(), CampaignFactory(), CampaignFactory()
    in_england.regions.set([cheshire])
    in_wales.regions.set([north_wales])
    through_grouping.regions.set([grouping])

    assert (covers_wales(in_england), covers_wales(in_wales)) == (False, True)
    assert covers_wales(through_grouping)


def test_a_campaign_covering_wales_is_not_published_without_its_welsh(north_wales):
    manager = manager_user()
    campaign = welsh_campaign(status=Status.APPROVED, publish_at=None)
    campaign.regions.set([north_wales])

    with pytest.raises(ActionRefused) as refused:
        perform(campaign, manager, "publish")
    assert "covers an area in Wales" in refused.value.message
    for text in ("Title", "Summary", "Body", "Helpline name", "Confidentiality notice"):
        assert text in refused.value.message
    assert Campaign.objects.get(pk=campaign.pk).status == Status.APPROVED

    Campaign.objects.filter(pk=campaign.pk).update(**WELSH_TEXTS)
    perform(Campaign.objects.get(pk=campaign.pk), manager, "publish")
    assert Campaign.objects.get(pk=campaign.pk).is_published


def test_a_campaign_in_england_only_needs_no_welsh():
    manager = manager_user()
    campaign = welsh_campaign(status=Status.APPROVED, publish_at=None)
    campaign.regions.set([Region.objects.create(name="Cheshire", slug="cheshire", kind="pfa")])
    perform(campaign, manager, "publish")
    assert Campaign.objects.get(pk=campaign.pk).is_published


def test_a_statement_covering_wales_lists_its_quotes_missing_welsh(north_wales):
    manager = manager_user()
    campaign = welsh_campaign(**WELSH_TEXTS)
    campaign.regions.set([north_wales])
    statement = PressStatementFactory(
        campaign=campaign,
        status=Status.APPROVED,
        publish_at=None,
        title="Police back the helpline",
        title_cy="Yr heddlu'n cefnogi'r llinell gymorth",
        summary="More calls.",
        summary_cy="Mwy o alwadau.",
    )
    QuoteFactory(statement=statement, person=PersonFactory(name="Sam Jones"), role_as_quoted="")

    with pytest.raises(ActionRefused, match=r"quote by Sam Jones: Text"):
        perform(statement, manager, "publish")


def test_the_admin_says_when_a_welsh_text_is_older_than_its_english(
    manager_client, manager, time_machine
):
    time_machine.move_to("2026-12-01 10:00")
    campaign = welsh_campaign(status=Status.DRAFT, publish_at=None, **WELSH_TEXTS)
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    assert "Older than the English" not in manager_client.get(url).text

    time_machine.move_to("2026-12-05 10:00")
    campaign.summary_en_gb = "Help is free, confidential and in Welsh too."
    campaign.save()

    sign_in(manager_client, manager)  # days later: the earlier session ended after two idle hours
    page = manager_client.get(url).text
    assert "Older than the English: the English was changed on 5 December 2026, 10:00" in page
    assert page.count("Older than the English") == 1  # the summary only


def test_the_demo_comes_in_both_languages_and_may_be_published(client, demo):
    from campaigns import demo_welsh
    from campaigns.welsh import missing_welsh

    welsh = client.get(f"/cy{demo.get_absolute_url()}").text
    assert f"<h1>{demo_welsh.CAMPAIGN['title']}</h1>" in welsh
    assert 'lang="en-gb"' not in welsh.split("<main", 1)[1].split("</main>", 1)[0]
    assert missing_welsh(demo) == []
    for statement in demo.statements.all():
        assert missing_welsh(statement) == [], statement


def test_an_area_or_partner_without_a_welsh_name_is_named_in_english_marked(client):
    from tests.regions.factories import OrganisationFactory

    area = RegionFactory(name="Dyfed-Powys", slug="dyfed-powys")
    partner = OrganisationFactory(name="Dyfed-Powys Police", slug="dyfed-powys-police")

    assert '<h1 lang="en-gb">Dyfed-Powys</h1>' in client.get("/cy/regions/dyfed-powys/").text
    partner_page = client.get(f"/cy/partners/{partner.slug}/").text
    assert '<h1 lang="en-gb">Dyfed-Powys Police' in partner_page
    area.name_cy = "Dyfed-Powys"  # the same in both languages, written as Welsh
    area.save()
    assert "<h1>Dyfed-Powys</h1>" in client.get("/cy/regions/dyfed-powys/").text


def test_a_helpline_text_without_its_welsh_is_marked_as_english_in_the_box(client):
    campaign = welsh_campaign(
        **{**WELSH_TEXTS, "helpline_confidentiality_cy": "", "helpline_hours_cy": ""},
        helpline_hours="Monday to Thursday",
    )

    page = client.get(f"/cy{campaign.get_absolute_url()}").text

    assert '<p class="confidentiality" lang="en-gb">Calls are confidential.</p>' in page
    assert '<span lang="en-gb">Monday to Thursday</span>' in page
    assert "Cael help: Llinell gymorth Stop it Now!" in page  # its Welsh name is written
    assert 'lang="en-gb">Calls are' not in client.get(campaign.get_absolute_url()).text


def test_names_labels_and_roles_without_their_welsh_are_marked_on_every_page(client, demo):
    """A metric, an area, a partner, its role and a headline figure whose Welsh is not written
    are shown in English marked as English, wherever they appear: headings, table captions and
    rows, lists of areas and partners, figures."""
    from django.utils.html import escape

    from campaigns.models import CampaignPartner, ReportedFigure
    from regions.models import Metric, Organisation

    metric = demo.metrics.first()
    Metric.objects.filter(pk=metric.pk).update(name_cy="", description_cy="")
    Region.objects.filter(slug="north-wales").update(name_cy="")
    partnership = (
        CampaignPartner.objects.filter(campaign=demo)
        .exclude(role="")
        .exclude(organisation=demo.lead_organisation)
        .first()
    )
    CampaignPartner.objects.filter(pk=partnership.pk).update(role_cy="")
    Organisation.objects.filter(pk=partnership.organisation_id).update(name_cy="")
    figure = ReportedFigure.objects.filter(statement__campaign=demo, region=None).first()
    ReportedFigure.objects.filter(pk=figure.pk).update(label_cy="")
    organisation = Organisation.objects.get(pk=partnership.organisation_id)

    campaign_page = client.get(f"/cy{demo.get_absolute_url()}").text
    region_page = client.get("/cy/regions/north-wales/").text

    marked = ' lang="en-gb">'
    assert f'"{marked}{metric.name}</h3>' in campaign_page
    assert f'class="metric-description"{marked}{escape(metric.description)}</p>' in campaign_page
    assert f'/cy/regions/north-wales/"{marked}North Wales</a></th>' in campaign_page
    assert f'/cy/regions/north-wales/"{marked}North Wales</a></li>' in campaign_page
    name, role = escape(organisation.name), escape(partnership.role)
    assert f'{marked}{name}</a><span class="role"{marked}{role}<' in campaign_page
    assert f'class="figure-label"{marked}{escape(figure.label)}' in campaign_page
    assert f"<span{marked}{metric.name}</span>" in region_page  # the table's caption
    assert f"<strong{marked}{metric.name}</strong>" in region_page
    english = client.get(demo.get_absolute_url()).text
    assert 'lang="en-gb"' not in english.split("<body", 1)[1]


def test_a_text_with_a_default_falls_back_to_its_english_when_its_welsh_is_empty(demo):
    """A partner's role and a metric's unit have defaults ("Partner", "people"); an empty Welsh
    one still reads as the English, never as nothing."""
    from django.utils import translation

    from campaigns.models import CampaignPartner
    from regions.models import Metric

    CampaignPartner.objects.filter(campaign=demo).update(role="Police partner", role_cy="")
    Metric.objects.update(unit="calls", unit_cy="")

    with translation.override("cy"):
        assert CampaignPartner.objects.filter(campaign=demo).first().role == "Police partner"
        assert Metric.objects.first().unit == "calls"


def test_someone_who_may_only_view_sees_each_text_labelled_by_its_language(client):
    from django.contrib.auth.models import Permission

    from tests.regions.factories import UserFactory

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_campaign", "view_pressstatement", "view_quote", "view_person"]
        )
    )
    sign_in(client, viewer)
    quote = QuoteFactory()

    for url in (
        reverse("admin:campaigns_campaign_change", args=[quote.statement.campaign.pk]),
        reverse("admin:campaigns_pressstatement_change", args=[quote.statement.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert 'name="title_en_gb"' not in page.text  # shown as text, not a field
        labels = re.findall(r"<label[^>]*>(Title [^<]*)</label>", page.text)
        assert labels == ["Title (English):", "Title (Cymraeg):"]
        assert "[en-gb]" not in page.text and "[cy]" not in page.text
    # The statement's quotes, shown read-only in their inline.
    assert "Role as quoted (English)" in page.text and "Text (Cymraeg)" in page.text
