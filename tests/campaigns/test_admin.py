"""The campaigns admin as campaign managers and partner data officers meet it."""

import datetime
import html
import io
import json
import re

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from PIL import Image

from campaigns.demo import STATEMENT_SLUG
from campaigns.models import Campaign, Person, PressStatement, Quote, ReportedFigure
from campaigns.publishing import Status
from regions.models import Metric, Organisation, Region
from tests.bilingual import english
from tests.campaigns.factories import CampaignFactory, PersonFactory, QuoteFactory
from tests.regions.factories import data_officer
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

CAMPAIGNS_MODELS = [model for model in admin.site._registry if model._meta.app_label == "campaigns"]
HERO_IMAGE_ERROR = (
    "Describe the hero image for people who cannot see it, "
    "or tick 'decorative' if it adds nothing to the text."
)


# --- Helpers ------------------------------------------------------------------


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def listed(response) -> list:
    """The objects a changelist shows, in order."""
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def png_upload(name: str = "hero.png", size: tuple[int, int] = (1200, 630)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def empty_inlines(page) -> dict[str, str]:
    """Management form data for every inline on an admin form page, with no rows."""
    prefixes = re.findall(r'name="([\w-]+)-TOTAL_FORMS"', page.text)
    data = {}
    for prefix in prefixes:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def add_inline_row(data: dict, prefix: str, **fields) -> None:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update(english({f"{prefix}-{index}-{name}": value for name, value in fields.items()}))
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)


def form_errors(response) -> str:
    """Readable form errors for an assertion message."""
    if response.context is None or "adminform" not in response.context:
        return ""
    errors = [response.context["adminform"].form.errors]
    errors += [formset.formset.errors for formset in response.context["inline_admin_formsets"]]
    return str(errors)


def field_error_list(response, field_id: str) -> list[str]:
    """The messages the page shows in the error list beside one field (by its HTML id)."""
    errors = re.search(
        rf'<ul class="errorlist" id="{re.escape(field_id)}_error">(.*?)</ul>', response.text, re.S
    )
    if errors is None:
        return []
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", errors.group(1), re.S)]


def non_field_errors(response) -> list[str]:
    return list(response.context["adminform"].form.non_field_errors())


def statement_data(manager_client, campaign, **changes) -> dict:
    url = admin_url(PressStatement, "add")
    data = english(
        {
            "campaign": campaign.pk,
            "title": "Police back the helpline",
            "slug": "police-back-the-helpline",
            "summary": "The force backs the campaign.",
            "body": "",
            "status": Status.DRAFT,
            "publish_at_0": "",
            "publish_at_1": "",
            **empty_inlines(manager_client.get(url)),
        }
    )
    data.update(english(changes))
    return data


# --- Fixtures -----------------------------------------------------------------


@pytest.fixture
def statement(demo) -> PressStatement:
    return demo.statements.get(slug=STATEMENT_SLUG)


@pytest.fixture
def campaign_add_page(manager_client):
    return manager_client.get(admin_url(Campaign, "add"))


@pytest.fixture
def campaign_data(demo, campaign_add_page) -> dict:
    """A complete, valid campaign add form with empty inlines, as a browser would send it."""
    return english(
        {
            "title": "Get help early in Wales",
            "slug": "get-help-early-in-wales",
            "summary": "Help is free and confidential.",
            "body": "",
            "helpline_name": "Stop it Now! helpline",
            "helpline_phone": "0808 1000 900",
            "helpline_hours": "",
            "helpline_url": "https://www.stopitnow.org.uk/",
            "helpline_confidentiality": "Calls are confidential.",
            "lead_organisation": Organisation.objects.get(slug="lucy-faithfull-foundation").pk,
            "regions": [Region.objects.get(slug="north-wales").pk],
            "metrics": [Metric.objects.get().pk],
            "launch_date": "2019-03-01",
            "end_date": "",
            "hero_image_alt": "",
            "status": Status.PUBLISHED,
            "publish_at_0": "",
            "publish_at_1": "",
            **empty_inlines(campaign_add_page),
        }
    )


@pytest.fixture
def officer_client(client, demo):
    sign_in(client, data_officer(Organisation.objects.get(slug="north-wales-police")))
    return client


# --- Every page renders for a campaign manager --------------------------------


@pytest.mark.parametrize("model", CAMPAIGNS_MODELS, ids=lambda model: model._meta.model_name)
def test_manager_can_open_every_campaigns_admin_page(manager_client, demo, model):
    assert manager_client.get(admin_url(model, "changelist")).status_code == 200
    assert manager_client.get(admin_url(model, "add")).status_code == 200

    instance = model._default_manager.first()
    assert instance is not None, f"create a {model.__name__} to check its change page"
    response = manager_client.get(admin_url(model, "change", instance.pk))
    assert response.status_code == 200
    assert escape(str(instance)) in response.text


@pytest.mark.parametrize("model", CAMPAIGNS_MODELS, ids=lambda model: model._meta.model_name)
def test_add_page_shows_no_times_before_the_record_exists(manager_client, model):
    response = manager_client.get(admin_url(model, "add"))

    assert response.status_code == 200
    assert "DatabaseDefault" not in response.text
    assert "Created at" not in response.text
    assert "Updated at" not in response.text


def test_change_page_shows_when_the_campaign_was_created(manager_client, demo):
    response = manager_client.get(admin_url(Campaign, "change", demo.pk))

    assert "Created at" in response.text
    assert "DatabaseDefault" not in response.text


def test_campaign_form_has_partner_and_figure_inlines(campaign_add_page):
    assert set(re.findall(r'name="([\w-]+)-TOTAL_FORMS"', campaign_add_page.text)) == {
        "partnerships",
        "reported_figures",
    }


# --- Search and filters -------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [("draft", ["Draft campaign"]), ("published", ["Stop it Now! in North West England"])],
)
def test_manager_filters_campaigns_by_status(manager_client, demo, status, expected):
    CampaignFactory(title="Draft campaign", status=Status.DRAFT, publish_at=None)

    response = manager_client.get(admin_url(Campaign, "changelist"), {"status__exact": status})

    titles = [campaign.title for campaign in listed(response)]
    assert len(titles) == len(expected)
    assert all(title.startswith(prefix) for title, prefix in zip(titles, expected, strict=True))


def test_manager_searches_campaigns_by_title(manager_client, demo):
    CampaignFactory(title="Unrelated campaign", helpline_name="Parents Protect line")
    response = manager_client.get(admin_url(Campaign, "changelist"), {"q": "Stop it Now"})
    assert listed(response) == [demo]


@pytest.mark.parametrize("query", ["Parents Protect", "0800 123"])
def test_manager_searches_campaigns_by_helpline(manager_client, demo, query):
    campaign = CampaignFactory(
        title="Get help early",
        helpline_name="Parents Protect line",
        helpline_phone="0800 123 4567",
    )
    response = manager_client.get(admin_url(Campaign, "changelist"), {"q": query})
    assert listed(response) == [campaign]


def test_statement_found_by_quote_text_is_listed_once(manager_client, statement):
    for text in ["Calls from Ynys Môn doubled.", "Ynys Môn led the way."]:
        QuoteFactory(statement=statement, text=text)

    response = manager_client.get(admin_url(PressStatement, "changelist"), {"q": "Ynys"})

    assert listed(response) == [statement]


def test_manager_searches_people_by_organisation(manager_client, demo):
    response = manager_client.get(admin_url(Person, "changelist"), {"q": "Lucy Faithfull"})
    assert [person.name for person in listed(response)] == ["Donald Findlater"]


def test_manager_filters_reported_figures_by_region(manager_client, demo):
    cumbria = Region.objects.get(slug="cumbria")
    response = manager_client.get(
        admin_url(ReportedFigure, "changelist"), {"region__id__exact": cumbria.pk}
    )
    assert [figure.value for figure in listed(response)] == [186]


def test_campaign_list_links_public_campaigns_only(manager_client, demo):
    CampaignFactory(title="Draft campaign", status=Status.DRAFT, publish_at=None)

    response = manager_client.get(admin_url(Campaign, "changelist"))

    assert f'<a href="{demo.get_absolute_url()}">view</a>' in response.text
    assert response.text.count("Draft (<a href=") == 1
    assert f'Now public (<a href="{demo.get_absolute_url()}">view</a>)' in response.text


# --- View on site, prepopulated slugs, help text ------------------------------


@pytest.mark.parametrize("model", [Campaign, PressStatement], ids=["campaign", "statement"])
def test_change_page_links_to_the_public_page(manager_client, statement, model):
    instance = statement if model is PressStatement else statement.campaign
    expected = {
        Campaign: "/campaigns/stop-it-now-north-west-and-north-wales/",
        PressStatement: (
            "/campaigns/stop-it-now-north-west-and-north-wales/"
            "statements/more-people-seek-help-after-campaign/"
        ),
    }[model]

    response = manager_client.get(admin_url(model, "change", instance.pk))

    link = re.search(r'<a href="([^"]+)" class="viewsitelink">View on site</a>', response.text)
    assert link, "no 'View on site' link on the change page"
    assert html.unescape(link.group(1)) == expected
    assert manager_client.get(expected).status_code == 200


@pytest.mark.parametrize("model", [Campaign, PressStatement], ids=["campaign", "statement"])
def test_add_page_prefills_slug_from_title(manager_client, model):
    response = manager_client.get(admin_url(model, "add"))

    attribute = re.search(r'data-prepopulated-fields="([^"]*)"', response.text)
    assert attribute, "no prepopulated-fields script on the add page"
    prepopulated = json.loads(html.unescape(attribute.group(1)))
    slug = next(field for field in prepopulated if field["id"] == "#id_slug")
    assert slug["dependency_ids"] == ["#id_title_en_gb"]
    assert slug["maxLength"] == 120


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Campaign, "helpline_phone"),
        (Campaign, "hero_image_alt"),
        (Campaign, "publish_at"),
        (Campaign, "launch_date"),
        (PressStatement, "summary"),
        (Person, "role_title"),
        (ReportedFigure, "value"),
    ],
)
def test_add_page_shows_help_text(manager_client, model, field):
    help_text = str(model._meta.get_field(field).help_text)
    assert help_text
    response = manager_client.get(admin_url(model, "add"))
    assert help_text in response.text


# --- Creating campaigns -------------------------------------------------------


def test_manager_creates_a_draft_campaign_with_partner_and_figure(manager_client, campaign_data):
    titan = Organisation.objects.get(slug="titan")
    add_inline_row(campaign_data, "partnerships", organisation=titan.pk, role="Police", order=0)
    add_inline_row(
        campaign_data,
        "reported_figures",
        label="People contacting the helpline in the first month",
        qualifier="about",
        value="40",
        unit=ReportedFigure.Unit.COUNT,
        source="The charity, 2019",
        order="0",
    )

    response = manager_client.post(admin_url(Campaign, "add"), english(campaign_data))

    assert response.status_code == 302, form_errors(response)
    campaign = Campaign.objects.get(slug="get-help-early-in-wales")
    # The status field is not the editor's to set: a new campaign is a draft, reviewed before
    # it is published (tests/campaigns/test_workflow.py).
    assert campaign.status == Status.DRAFT
    assert not campaign.is_released
    assert [(p.organisation, p.role) for p in campaign.partnerships.all()] == [(titan, "Police")]
    figure = campaign.reported_figures.get()
    assert (figure.value, figure.qualifier, figure.statement) == (40, "about", None)
    assert [region.slug for region in campaign.regions.all()] == ["north-wales"]


def test_undescribed_hero_image_is_refused_beside_the_description(manager_client, campaign_data):
    campaign_data.update(hero_image=png_upload(), hero_image_alt="")

    response = manager_client.post(admin_url(Campaign, "add"), english(campaign_data))

    assert response.status_code == 200
    assert field_error_list(response, "id_hero_image_alt_en_gb") == [HERO_IMAGE_ERROR]
    assert non_field_errors(response) == []
    assert not Campaign.objects.filter(slug="get-help-early-in-wales").exists()


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        (
            {"end_date": "2019-02-28"},
            "id_end_date",
            "The end date cannot be before the launch date.",
        ),
        (
            {
                "hero_image": "png",
                "hero_image_alt": "A phone",
                "hero_image_decorative": "on",
            },
            "id_hero_image_alt_en_gb",
            "A decorative image has no description: empty the description or untick 'decorative'.",
        ),
    ],
    ids=["end before launch", "decorative with a description"],
)
def test_campaign_rule_is_shown_beside_its_field(
    manager_client, campaign_data, changes, field_id, message
):
    if changes.get("hero_image") == "png":
        changes["hero_image"] = png_upload()
    campaign_data.update(changes)

    response = manager_client.post(admin_url(Campaign, "add"), english(campaign_data))

    assert response.status_code == 200
    assert field_error_list(response, field_id) == [message]
    assert non_field_errors(response) == []


def test_campaign_rule_is_shown_beside_its_field_on_the_change_page(manager_client, demo):
    Campaign.objects.filter(pk=demo.pk).update(status=Status.DRAFT)
    page = manager_client.get(admin_url(Campaign, "change", demo.pk))
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data.update(
        regions=[region.pk for region in demo.regions.all()],
        metrics=[metric.pk for metric in demo.metrics.all()],
        launch_date=demo.launch_date.isoformat(),
        end_date=(demo.launch_date - datetime.timedelta(days=1)).isoformat(),
    )
    data.pop("hero_image", None)
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        for inline_form in formset.formset.forms:
            for name, field in inline_form.fields.items():
                value = inline_form.initial.get(name, field.initial)
                if hasattr(value, "pk"):
                    value = value.pk
                if value is not None:
                    data[inline_form.add_prefix(name)] = value

    response = manager_client.post(admin_url(Campaign, "change", demo.pk), english(data))

    assert response.status_code == 200
    assert field_error_list(response, "id_end_date") == [
        "The end date cannot be before the launch date."
    ]
    assert non_field_errors(response) == []


def test_statement_slug_in_use_is_shown_beside_the_slug(manager_client, statement):
    data = statement_data(manager_client, statement.campaign, slug=statement.slug)

    response = manager_client.post(admin_url(PressStatement, "add"), english(data))

    assert response.status_code == 200
    assert field_error_list(response, "id_slug") == [
        "This campaign already has a statement with this slug."
    ]
    assert non_field_errors(response) == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"period_start": "2018-06-30", "period_end": "2018-01-01"},
            "period_end",
            "The period cannot end before it starts.",
        ),
        (
            {"base_period_start": "2017-12-31", "base_period_end": "2017-07-01"},
            "base_period_end",
            "The earlier period cannot end before it starts.",
        ),
        (
            {"unit": ReportedFigure.Unit.COUNT, "value": "-3"},
            "value",
            "A count cannot be negative.",
        ),
        (
            {"base_period_start": ""},
            "base_period_start",
            "A percentage change compares two periods: give the start and end of both the "
            "earlier and the later period.",
        ),
        (
            {"period_end": ""},
            "period_end",
            "A percentage change compares two periods: give the start and end of both the "
            "earlier and the later period.",
        ),
        (
            {"base_period_end": "2018-03-31"},
            "period_start",
            "The later period must start after the earlier one ends (31/03/2018): a change "
            "compares two separate periods, the earlier first.",
        ),
        (
            {"value": "-120"},
            "value",
            "−120% is not a possible change: a count cannot fall by more than 100%.",
        ),
    ],
    ids=[
        "period",
        "earlier period",
        "negative count",
        "change without earlier start",
        "change without later end",
        "earlier after later",
        "below -100%",
    ],
)
def test_headline_figure_rule_is_shown_beside_its_field_in_the_inline(
    manager_client, demo, changes, field, message
):
    response = post_statement_with_figure(manager_client, demo, **changes)

    assert response.status_code == 200
    assert field_error_list(response, f"id_reported_figures-0-{field}") == [message]
    formset = next(
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.prefix == "reported_figures"
    )
    assert formset.forms[0].non_field_errors() == []
    assert not PressStatement.objects.filter(slug="police-back-the-helpline").exists()


def test_headline_figure_for_a_period_not_yet_ended_is_refused(manager_client, demo):
    year = timezone.localdate().year + 4
    response = post_statement_with_figure(
        manager_client, demo, period_start=f"{year}-01-01", period_end=f"{year}-06-30"
    )

    assert response.status_code == 200
    assert field_error_list(response, "id_reported_figures-0-period_end") == [
        f"This period has not ended yet (it ends 30/06/{year}): give figures only for periods "
        "that have ended."
    ]
    assert not PressStatement.objects.filter(slug="police-back-the-helpline").exists()


def test_headline_count_below_the_metrics_threshold_is_refused(manager_client, demo):
    """A count of 3 tied to a metric whose threshold is 5 would publish what the tables hide."""
    metric = Metric.objects.get()
    assert metric.small_number_threshold == 5
    response = post_statement_with_figure(
        manager_client,
        demo,
        label="People contacting the helpline from Ynys Môn",
        unit=ReportedFigure.Unit.COUNT,
        value="3",
        metric=metric.pk,
        base_period_start="",
        base_period_end="",
    )

    assert response.status_code == 200
    assert field_error_list(response, "id_reported_figures-0-value") == [
        "3 is below this metric's small-number threshold (5): counts this small could identify "
        "people, so they are not published. Leave this figure out, or say 'fewer than 5' in the "
        "text instead."
    ]
    assert not PressStatement.objects.filter(slug="police-back-the-helpline").exists()


def post_statement_with_figure(manager_client, campaign, **changes):
    """Add a statement with one headline figure (a percentage change, changed as given)."""
    data = statement_data(manager_client, campaign)
    row = {
        "label": "Change in people contacting the helpline from Gwent",
        "qualifier": "",
        "value": "40",
        "unit": ReportedFigure.Unit.PERCENT_CHANGE,
        "base_period_start": "2017-07-01",
        "base_period_end": "2017-12-31",
        "period_start": "2018-01-01",
        "period_end": "2018-06-30",
        "source": "The charity, 2018",
        "order": "0",
    }
    row.update(changes)
    add_inline_row(data, "reported_figures", **row)
    return manager_client.post(admin_url(PressStatement, "add"), english(data))


@pytest.mark.parametrize(
    "hero_fields",
    [{"hero_image_alt": "A phone on a kitchen table"}, {"hero_image_decorative": "on"}],
    ids=["described", "decorative"],
)
def test_described_or_decorative_hero_image_is_accepted(manager_client, campaign_data, hero_fields):
    campaign_data.update(hero_image=png_upload("kitchen.png"), **hero_fields)

    response = manager_client.post(admin_url(Campaign, "add"), english(campaign_data))

    assert response.status_code == 302, form_errors(response)
    campaign = Campaign.objects.get(slug="get-help-early-in-wales")
    assert (campaign.hero_image_width, campaign.hero_image_height) == (1200, 630)
    changelist = manager_client.get(admin_url(Campaign, "changelist"))
    assert f'<img src="{campaign.hero_image.url}"' in changelist.text


def test_too_narrow_hero_image_is_refused(manager_client, campaign_data):
    campaign_data.update(
        hero_image=png_upload(size=(300, 100)), hero_image_alt="A phone on a kitchen table"
    )

    response = manager_client.post(admin_url(Campaign, "add"), english(campaign_data))

    assert response.status_code == 200
    assert "This image is 300 pixels wide; a hero image must be at least 1,200" in response.text
    assert not Campaign.objects.filter(slug="get-help-early-in-wales").exists()


def test_bad_helpline_number_is_refused(manager_client, campaign_data):
    campaign_data["helpline_phone"] = "call us"

    response = manager_client.post(admin_url(Campaign, "add"), english(campaign_data))

    assert response.status_code == 200
    assert field_error_list(response, "id_helpline_phone") == [
        "Enter the number as people dial it, in digits and spaces, for example 0808 1000 900 or "
        "+44 808 1000 900; an extension may follow as 'ext 12'."
    ]
    assert not Campaign.objects.filter(slug="get-help-early-in-wales").exists()


def test_helpline_number_outside_the_uk_numbering_plan_is_refused(manager_client, campaign_data):
    campaign_data["helpline_phone"] = "0808 123"

    response = manager_client.post(admin_url(Campaign, "add"), english(campaign_data))

    assert response.status_code == 200
    assert field_error_list(response, "id_helpline_phone") == [
        "There is no UK phone number like this: check the digits against where the number is "
        "published. A number in another country starts with + and its country code."
    ]
    assert not Campaign.objects.filter(slug="get-help-early-in-wales").exists()


@pytest.mark.parametrize("phone", ["+44 (0)808 1000 900", "0808 1000 900 ext 12"])
def test_helpline_number_with_its_uk_0_or_an_extension_is_accepted(
    manager_client, campaign_data, phone
):
    campaign_data["helpline_phone"] = phone

    response = manager_client.post(admin_url(Campaign, "add"), english(campaign_data))

    assert response.status_code == 302, form_errors(response)
    campaign = Campaign.objects.get(slug="get-help-early-in-wales")
    assert campaign.helpline_phone == phone
    assert campaign.helpline_is_free


def test_quote_added_without_role_takes_the_persons_current_role(manager_client, demo):
    person = PersonFactory(
        name="Sam Jones",
        role_title="Chief Constable",
        organisation=Organisation.objects.get(slug="north-wales-police"),
    )
    url = admin_url(PressStatement, "add")
    data = {
        "campaign": demo.pk,
        "title": "Police back the helpline",
        "slug": "police-back-the-helpline",
        "summary": "The force backs the campaign.",
        "body": "",
        "status": Status.DRAFT,
        "publish_at_0": "",
        "publish_at_1": "",
        **empty_inlines(manager_client.get(url)),
    }
    add_inline_row(data, "quotes", person=person.pk, text="Call the helpline.", order="0")

    response = manager_client.post(url, english(data))

    assert response.status_code == 302, form_errors(response)
    quote = Quote.objects.get(statement__slug="police-back-the-helpline")
    assert quote.role_as_quoted == "Chief Constable, North Wales Police"


# --- Partner data officers ----------------------------------------------------


@pytest.mark.parametrize("model", CAMPAIGNS_MODELS, ids=lambda model: model._meta.model_name)
def test_partner_officer_cannot_open_campaigns_lists(officer_client, model):
    assert officer_client.get(admin_url(model, "changelist")).status_code == 403


@pytest.mark.parametrize("view", ["add", "change"])
def test_partner_officer_cannot_add_or_change_campaigns(officer_client, demo, view):
    args = [demo.pk] if view == "change" else []
    url = admin_url(Campaign, view, *args)

    assert officer_client.get(url).status_code == 403
    assert officer_client.post(url, {"title": "Hijacked"}).status_code == 403
    demo.refresh_from_db()
    assert demo.title.startswith("Stop it Now!")
    assert not Campaign.objects.filter(title="Hijacked").exists()


def test_partner_officer_admin_index_hides_campaigns(officer_client):
    response = officer_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert admin_url(Campaign, "changelist") not in response.text
    assert admin_url(Region, "changelist") in response.text


def reported_figure_data(demo, **changes) -> dict:
    data = {
        "campaign": demo.pk,
        "statement": "",
        "label": "Change in people contacting the helpline from Gwent",
        "qualifier": "",
        "value": "40",
        "unit": ReportedFigure.Unit.PERCENT_CHANGE,
        "metric": "",
        "region": "",
        "base_period_start": "2017-07-01",
        "base_period_end": "2017-12-31",
        "period_start": "2018-01-01",
        "period_end": "2018-06-30",
        "source": "The charity, 2018",
        "order": "0",
    }
    data.update(changes)
    return english(data)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"base_period_end": "2018-03-31"},
            "The later period must start after the earlier one ends (31/03/2018): a change "
            "compares two separate periods, the earlier first.",
        ),
        (
            {"value": "-120"},
            "−120% is not a possible change: a count cannot fall by more than 100%.",
        ),
    ],
)
def test_impossible_reported_change_is_refused_by_field(manager_client, demo, changes, message):
    before = ReportedFigure.objects.count()

    response = manager_client.post(
        admin_url(ReportedFigure, "add"), reported_figure_data(demo, **changes)
    )

    assert response.status_code == 200
    assert message in html.unescape(response.text)
    assert ReportedFigure.objects.count() == before


def test_possible_reported_change_is_saved(manager_client, demo):
    before = ReportedFigure.objects.count()
    response = manager_client.post(
        admin_url(ReportedFigure, "add"), reported_figure_data(demo, value="-100")
    )
    assert response.status_code == 302
    assert ReportedFigure.objects.count() == before + 1


def jpeg_upload(size: tuple[int, int], orientation: int) -> SimpleUploadedFile:
    """A JPEG as a phone saves it: pixels as the sensor read them, with an EXIF orientation and
    where the photo was taken."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (53.0, 13.0, 5.0), 3: "W", 4: (4.0, 20.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(buffer, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("hero.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_hero_image_on_its_side_is_measured_as_shown(manager_client, campaign_data):
    """Stored 1,600 wide, but orientation 6 turns it a quarter round: shown 900 wide."""
    campaign_data.update(
        hero_image=jpeg_upload((1600, 900), 6), hero_image_alt="A phone on a kitchen table"
    )

    response = manager_client.post(admin_url(Campaign, "add"), english(campaign_data))

    assert response.status_code == 200
    assert (
        "This image is 900 pixels wide as it is shown (it is stored on its side, 1,600 pixels "
        "wide, and turned upright by the orientation its camera recorded); a hero image must "
        "be at least 1,200 pixels wide"
    ) in html.unescape(response.text)
    assert not Campaign.objects.filter(slug="get-help-early-in-wales").exists()


@pytest.mark.parametrize(
    ("size", "orientation"), [((900, 1600), 6), ((900, 1600), 8), ((1600, 900), 1)]
)
def test_hero_image_wide_as_shown_is_accepted(manager_client, campaign_data, size, orientation):
    campaign_data.update(
        hero_image=jpeg_upload(size, orientation), hero_image_alt="A phone on a kitchen table"
    )

    response = manager_client.post(admin_url(Campaign, "add"), english(campaign_data))

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Campaign.objects.get(slug="get-help-early-in-wales").hero_image


@pytest.mark.parametrize("orientation", [6, 8])
def test_phone_photo_is_stored_upright_without_its_location(
    manager_client, campaign_data, orientation
):
    """Stored 900 wide and 1,600 high, shown 1,600 wide: pages must be given 1,600 × 900."""
    campaign_data.update(
        hero_image=jpeg_upload((900, 1600), orientation), hero_image_alt="A phone on a table"
    )

    response = manager_client.post(admin_url(Campaign, "add"), english(campaign_data))

    assert response.status_code == 302, form_errors(response)
    campaign = Campaign.objects.get(slug="get-help-early-in-wales")
    assert (campaign.hero_image_width, campaign.hero_image_height) == (1600, 900)
    with campaign.hero_image.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (1600, 900)
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "hero.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900"></svg>',
        ),
        ("hero.png", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"),
    ],
    ids=["svg", "pdf named png"],
)
def test_hero_image_that_is_no_usable_picture_is_refused_in_plain_words(
    manager_client, campaign_data, name, content
):
    campaign_data.update(
        hero_image=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        hero_image_alt="A phone on a table",
    )

    response = manager_client.post(admin_url(Campaign, "add"), english(campaign_data))

    assert response.status_code == 200
    assert field_error_list(response, "id_hero_image") == [
        "This file is not a picture this site can use (PNG, JPEG or WebP). SVG drawings and "
        "PDFs cannot be used: export a PNG."
    ]
    assert not Campaign.objects.filter(slug="get-help-early-in-wales").exists()


def test_the_home_page_says_what_each_section_holds(manager_client):
    page = html.unescape(manager_client.get("/admin/").content.decode())
    for line in [
        "Each campaign's page: its helpline, its areas and partners, and what it changed.",
        "Statements to the press, with their quotes and headline figures.",
        "People quoted in statements, with their current role.",
        "The charity and its partners, the areas each covers and its data officers.",
        "Which organisation each data officer imports figures for.",
    ]:
        assert line in page
