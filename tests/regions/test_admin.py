"""The regions admin as its users meet it: campaign managers, partner data officers, other staff."""

import datetime
import html
import io
import json
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from regions.models import ImportBatch, Metric, Organisation, Region, Statistic
from tests.bilingual import english
from tests.regions.factories import (
    OrganisationFactory,
    RegionFactory,
    StatisticFactory,
    UserFactory,
    data_officer,
)
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

REGIONS_MODELS = [model for model in admin.site._registry if model._meta.app_label == "regions"]
CUMBRIA_VALUE = 777
GSS_ERROR = "Enter an ONS GSS code: a capital E, W, S or N followed by eight digits"


# --- Helpers ------------------------------------------------------------------


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def listed(response) -> list:
    """The objects a changelist shows, in order."""
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def select_options(response, name: str) -> list[str]:
    """The visible labels of a <select>'s choices, blank choice left out."""
    select = re.search(rf'<select name="{name}".*?</select>', response.text, re.S)
    assert select, f"no <select name={name!r}> on the page"
    options = re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select.group(0), re.S)
    return [html.unescape(label) for value, label in options if value]


def png_upload(name: str = "logo.png", size: tuple[int, int] = (32, 32)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def statistic_form_data(statistic: Statistic, **changes) -> dict:
    data = {
        "metric": statistic.metric_id,
        "region": statistic.region_id,
        "period_start": statistic.period_start.isoformat(),
        "period_end": statistic.period_end.isoformat(),
        "value": statistic.value,
        "source": statistic.source,
        "notes": statistic.notes,
    }
    data.update(changes)
    return data


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


# --- Fixtures -----------------------------------------------------------------


# regions and organisations: tests/regions/conftest.py.


@pytest.fixture
def cumbria_statistic(demo, regions) -> Statistic:
    """A figure for a force area North Wales Police does not cover."""
    return StatisticFactory(
        metric=Statistic.objects.first().metric,
        region=regions["cumbria"],
        value=CUMBRIA_VALUE,
        notes="Cumbria-only caveat",
    )


@pytest.fixture
def north_wales_statistic(demo, regions) -> Statistic:
    return Statistic.objects.filter(region=regions["north-wales"]).earliest("period_start")


@pytest.fixture
def officer_client(client, organisations):
    """Signed in as a data officer of North Wales Police."""
    sign_in(client, data_officer(organisations["north-wales-police"]))
    return client


@pytest.fixture
def titan_client(client, organisations):
    """Signed in as a data officer of TITAN, which covers the North West and North Wales."""
    sign_in(client, data_officer(organisations["titan"]))
    return client


@pytest.fixture
def import_batches(organisations) -> dict[str, ImportBatch]:
    return {
        slug: ImportBatch.objects.create(
            file_name=f"{slug}.csv",
            checksum=f"{index:064d}",
            organisation=organisations[slug],
            rows_created=index + 1,
        )
        for index, slug in enumerate(["north-wales-police", "titan"])
    }


# --- Every page renders for a campaign manager --------------------------------


@pytest.mark.parametrize("model", REGIONS_MODELS, ids=lambda model: model._meta.model_name)
def test_manager_can_open_every_regions_admin_page(manager_client, demo, import_batches, model):
    assert manager_client.get(admin_url(model, "changelist")).status_code == 200

    expected_add_status = 403 if model is ImportBatch else 200
    assert manager_client.get(admin_url(model, "add")).status_code == expected_add_status

    instance = model._default_manager.first()
    assert instance is not None, f"create a {model.__name__} to check its change page"
    response = manager_client.get(admin_url(model, "change", instance.pk))
    assert response.status_code == 200
    assert str(instance) in html.unescape(response.text)


# --- Search and filters -------------------------------------------------------


ADDABLE_REGIONS_MODELS = [model for model in REGIONS_MODELS if model is not ImportBatch]


@pytest.mark.parametrize("model", ADDABLE_REGIONS_MODELS, ids=lambda model: model._meta.model_name)
def test_add_page_shows_no_times_before_the_record_exists(manager_client, model):
    response = manager_client.get(admin_url(model, "add"))

    assert response.status_code == 200
    assert "DatabaseDefault" not in response.text
    assert "Created at" not in response.text


def test_officer_statistic_add_page_shows_no_times(officer_client):
    response = officer_client.get(admin_url(Statistic, "add"))

    assert response.status_code == 200
    assert "DatabaseDefault" not in response.text
    assert "Created at" not in response.text


def test_statistic_change_page_shows_when_it_was_created(manager_client, cumbria_statistic):
    response = manager_client.get(admin_url(Statistic, "change", cumbria_statistic.pk))

    assert "Created at" in response.text


@pytest.mark.parametrize(
    ("query", "found", "not_found"),
    [
        ("W15000001", "North Wales", "Cumbria"),
        ("E23000002", "Cumbria", "North Wales"),
        ("cumbria", "Cumbria", "North Wales"),
    ],
)
def test_manager_finds_regions_by_code_or_name(manager_client, demo, query, found, not_found):
    response = manager_client.get(admin_url(Region, "changelist"), {"q": query})
    names = [region.name for region in listed(response)]
    assert found in names
    assert not_found not in names


def test_manager_filters_regions_by_kind(manager_client, demo):
    response = manager_client.get(
        admin_url(Region, "changelist"), {"kind__exact": Region.Kind.NATION}
    )
    assert [region.name for region in listed(response)] == ["England", "Wales"]


def test_manager_filters_regions_by_grouping(manager_client, regions):
    response = manager_client.get(
        admin_url(Region, "changelist"), {"groupings__id__exact": regions["wales"].pk}
    )
    assert [region.name for region in listed(response)] == ["North Wales"]


def test_manager_filters_statistics_by_region(manager_client, regions, cumbria_statistic):
    response = manager_client.get(
        admin_url(Statistic, "changelist"), {"region__id__exact": regions["cumbria"].pk}
    )
    assert listed(response) == [cumbria_statistic]


def test_manager_searches_statistics_by_region_code(manager_client, regions, cumbria_statistic):
    response = manager_client.get(admin_url(Statistic, "changelist"), {"q": "E23000002"})
    assert listed(response) == [cumbria_statistic]


def test_manager_searches_organisations_by_short_name(manager_client, demo):
    response = manager_client.get(admin_url(Organisation, "changelist"), {"q": "TITAN"})
    assert [o.name for o in listed(response)] == ["North West Regional Organised Crime Unit"]


# --- View on site, thumbnails, prepopulated slugs, help text ------------------


@pytest.mark.parametrize(
    ("model", "slug", "public_url"),
    [
        (Region, "north-wales", "/regions/north-wales/"),
        (Organisation, "north-wales-police", "/partners/north-wales-police/"),
    ],
    ids=["region", "organisation"],
)
def test_change_page_links_to_the_public_page(manager_client, demo, model, slug, public_url):
    instance = model.objects.get(slug=slug)
    response = manager_client.get(admin_url(model, "change", instance.pk))

    link = re.search(r'<a href="([^"]+)" class="viewsitelink">View on site</a>', response.text)
    assert link, "no 'View on site' link on the change page"
    followed = manager_client.get(html.unescape(link.group(1)))
    assert followed.status_code == 302
    assert followed["Location"].endswith(public_url)
    assert instance.get_absolute_url() == public_url
    assert manager_client.get(public_url).status_code == 200


def test_organisation_list_shows_logo_thumbnail(manager_client):
    with_logo = OrganisationFactory(name="Logo Police", logo=png_upload("force-logo.png"))
    OrganisationFactory(name="Plain Police")

    response = manager_client.get(admin_url(Organisation, "changelist"))

    assert response.status_code == 200
    uploads = re.findall(r'<img src="(/media/[^"]+)"', response.text)
    assert uploads == [with_logo.logo.url]
    assert with_logo.logo.url.startswith("/media/logos/force-logo")


def test_logo_from_a_phone_is_stored_upright_without_its_location(manager_client, organisations):
    exif = Image.Exif()
    exif[0x0112] = 6  # shown a quarter turn clockwise from how it is stored
    exif[0x8825] = {1: "N", 2: (53.0, 13.0, 5.0), 3: "W", 4: (4.0, 20.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", (40, 80), "navy").save(buffer, format="JPEG", exif=exif.tobytes())
    organisation = organisations["titan"]
    data = {
        "name": organisation.name,
        "short_name": organisation.short_name,
        "slug": organisation.slug,
        "kind": organisation.kind,
        "description": organisation.description,
        "website": organisation.website,
        "regions": [region.pk for region in organisation.regions.all()],
        "logo": SimpleUploadedFile("logo.jpg", buffer.getvalue(), content_type="image/jpeg"),
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }

    response = manager_client.post(
        admin_url(Organisation, "change", organisation.pk), english(data, "regions")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation.refresh_from_db()
    assert (organisation.logo_width, organisation.logo_height) == (80, 40)
    with organisation.logo.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (80, 40)
        assert dict(image.getexif()) == {}


NOT_A_PICTURE = (
    "This file is not a picture this site can use (PNG, JPEG or WebP). SVG drawings and PDFs "
    "cannot be used: export a PNG."
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10"/></svg>'
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "content"),
    [("logo.svg", SVG), ("logo.png", PDF), ("logo.txt", None)],
    ids=["svg", "pdf named png", "png named txt"],
)
def test_logo_that_is_no_usable_picture_is_refused_in_plain_words(
    manager_client, organisations, name, content
):
    if content is None:
        content = png_upload().read()
    data = {
        "name": "Gwent Police",
        "slug": "gwent-police",
        "kind": "police_force",
        "logo": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }

    response = manager_client.post(admin_url(Organisation, "add"), english(data, "regions"))

    assert response.status_code == 200
    assert field_error_list(response, "id_logo") == [NOT_A_PICTURE]
    assert not Organisation.objects.filter(slug="gwent-police").exists()


def test_logo_uploaded_through_admin_is_stored_and_previewed(manager_client, demo):
    organisation = Organisation.objects.get(slug="titan")
    url = admin_url(Organisation, "change", organisation.pk)
    data = {
        "name": organisation.name,
        "short_name": organisation.short_name,
        "slug": organisation.slug,
        "kind": organisation.kind,
        "description": organisation.description,
        "website": "",
        "regions": [region.pk for region in organisation.regions.all()],
        "logo": png_upload("titan.png", (120, 60)),
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }

    response = manager_client.post(url, english(data, "regions"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation.refresh_from_db()
    assert (organisation.logo_width, organisation.logo_height) == (120, 60)
    assert f'<img src="{organisation.logo.url}"' in manager_client.get(url).text


@pytest.mark.parametrize("model_name", ["region", "organisation", "metric"])
def test_add_page_prefills_slug_from_name(manager_client, model_name):
    response = manager_client.get(reverse(f"admin:regions_{model_name}_add"))

    attribute = re.search(r'data-prepopulated-fields="([^"]*)"', response.text)
    assert attribute, "no prepopulated-fields script on the add page"
    prepopulated = json.loads(html.unescape(attribute.group(1)))
    slug = next(field for field in prepopulated if field["id"] == "#id_slug")
    assert slug["dependency_ids"] == ["#id_name_en_gb"]
    assert 'src="/static/admin/js/prepopulate_init.js"' in response.text


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Region, "gss_code"),
        (Region, "groupings"),
        (Organisation, "regions"),
        (Organisation, "logo"),
        (Statistic, "value"),
        (Statistic, "period_end"),
    ],
)
def test_add_page_shows_help_text(manager_client, model, field):
    help_text = str(model._meta.get_field(field).help_text)
    assert help_text
    response = manager_client.get(admin_url(model, "add"))
    assert response.status_code == 200
    assert help_text in response.text


def test_region_add_page_explains_the_gss_code(manager_client):
    response = manager_client.get(admin_url(Region, "add"))
    assert "The nine-character ONS code, for example W15000001 for North Wales." in response.text


# --- Saving regions -----------------------------------------------------------


def region_form_data(**changes) -> dict:
    data = {
        "name": "Dyfed-Powys",
        "slug": "dyfed-powys",
        "kind": Region.Kind.POLICE_FORCE_AREA,
        "description": "",
        "gss_code": "W15000004",
        "police_uk_id": "dyfed-powys",
        "valid_from": "",
        "valid_to": "",
    }
    data.update(changes)
    return english(data, "regions")


def test_bad_gss_code_is_refused_with_an_explanation(manager_client):
    response = manager_client.post(admin_url(Region, "add"), region_form_data(gss_code="X123"))

    assert response.status_code == 200
    assert GSS_ERROR in response.text
    assert "Please correct the error below." in response.text
    assert not Region.objects.filter(slug="dyfed-powys").exists()


def test_valid_region_is_created(manager_client, regions):
    response = manager_client.post(
        admin_url(Region, "add"), region_form_data(groupings=[regions["wales"].pk])
    )

    assert response.status_code == 302
    assert response["Location"] == admin_url(Region, "changelist")
    region = Region.objects.get(slug="dyfed-powys")
    assert region.gss_code == "W15000004"
    assert list(region.groupings.all()) == [regions["wales"]]


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        (
            {"population": "69000", "population_year": ""},
            "id_population_year",
            "Give the year the population figure is for.",
        ),
        (
            {"valid_from": "2020-01-01", "valid_to": "2019-12-31"},
            "id_valid_to",
            "'Valid to' cannot be before 'valid from'.",
        ),
    ],
    ids=["population without year", "valid to before valid from"],
)
def test_region_rule_is_shown_beside_its_field(manager_client, changes, field_id, message):
    response = manager_client.post(admin_url(Region, "add"), region_form_data(**changes))

    assert response.status_code == 200
    assert field_error_list(response, field_id) == [message]
    assert non_field_errors(response) == []
    assert not Region.objects.filter(slug="dyfed-powys").exists()


def test_a_two_digit_population_year_is_refused_beside_it(manager_client):
    """'22' was stored, and the region page said 'Population 69,000 (22)'."""
    response = manager_client.post(
        admin_url(Region, "add"), region_form_data(population="69000", population_year="22")
    )

    assert response.status_code == 200
    assert field_error_list(response, "id_population_year") == [
        f"22 is not a year a population figure could be for: give the year in full, from 1800 "
        f"to {timezone.localdate().year + 1}, for example 2022."
    ]
    assert not Region.objects.filter(slug="dyfed-powys").exists()


def test_gss_code_box_has_room_for_a_pasted_code_with_spaces(manager_client):
    response = manager_client.get(admin_url(Region, "add"))
    box = re.search(r'<input[^>]*name="gss_code"[^>]*>', response.text)
    assert box, "no GSS code box on the add page"
    assert 'maxlength="20"' in box.group(0)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (" W15000004", "W15000004"),
        ("w15000004", "W15000004"),
        ("\u200bw15000004\u00a0 ", "W15000004"),
    ],
    ids=["leading space", "lower case", "invisible characters"],
)
def test_gss_code_is_trimmed_and_capitalised(manager_client, typed, stored):
    response = manager_client.post(
        admin_url(Region, "add"),
        region_form_data(gss_code=typed, police_uk_id=" Dyfed-Powys "),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    region = Region.objects.get(slug="dyfed-powys")
    assert region.gss_code == stored
    assert region.police_uk_id == "dyfed-powys"


def test_a_long_pasted_gss_code_is_refused_with_the_codes_rule(manager_client):
    response = manager_client.post(
        admin_url(Region, "add"), region_form_data(gss_code=" W150000041234 ")
    )

    assert response.status_code == 200
    assert field_error_list(response, "id_gss_code") == [
        "Enter an ONS GSS code: a capital E, W, S or N followed by eight digits, for example "
        "W15000001. Leave it empty for a custom grouping."
    ]


def test_an_empty_gss_code_is_stored_as_none(manager_client, regions):
    response = manager_client.post(
        admin_url(Region, "add"),
        region_form_data(gss_code="  ", police_uk_id="", kind=Region.Kind.GROUPING),
    )

    assert response.status_code == 302
    region = Region.objects.get(slug="dyfed-powys")
    assert (region.gss_code, region.police_uk_id) == (None, None)


def test_region_cannot_be_its_own_grouping(manager_client, regions):
    wales = regions["wales"]
    data = region_form_data(
        name=wales.name, slug=wales.slug, kind=wales.kind, gss_code=wales.gss_code
    )
    data.update(police_uk_id="", groupings=[wales.pk])

    response = manager_client.post(admin_url(Region, "change", wales.pk), english(data, "regions"))

    assert response.status_code == 200
    assert "A region cannot be a grouping of itself." in response.text
    assert not wales.groupings.exists()


@pytest.fixture
def nested_groupings(db) -> dict[str, Region]:
    """AA holds GA1, which holds GA2."""
    made = {
        name: RegionFactory(name=name, slug=name.lower(), kind=Region.Kind.GROUPING, gss_code=None)
        for name in ["AA", "GA1", "GA2", "BB"]
    }
    made["GA1"].groupings.set([made["AA"]])
    made["GA2"].groupings.set([made["GA1"]])
    return made


def grouping_form_data(region: Region, groupings: list[Region]) -> dict:
    return region_form_data(
        name=region.name,
        slug=region.slug,
        kind=region.kind,
        gss_code="",
        police_uk_id="",
        groupings=[g.pk for g in groupings],
    )


@pytest.mark.parametrize("inside", ["GA1", "GA2"], ids=["directly", "two levels down"])
def test_a_region_cannot_join_a_grouping_inside_it(manager_client, nested_groupings, inside):
    aa = nested_groupings["AA"]
    links = list(Region.groupings.through.objects.values_list())
    data = grouping_form_data(aa, [nested_groupings["BB"], nested_groupings[inside]])

    response = manager_client.post(admin_url(Region, "change", aa.pk), english(data, "regions"))

    assert response.status_code == 200
    assert (
        f"{inside} is already inside AA, so AA cannot be part of it: that would make a loop."
    ) in html.unescape(response.text)
    assert list(Region.groupings.through.objects.values_list()) == links


def test_a_region_may_join_a_grouping_beside_or_above_it(manager_client, nested_groupings):
    ga2 = nested_groupings["GA2"]
    data = grouping_form_data(ga2, [nested_groupings["AA"], nested_groupings["BB"]])

    response = manager_client.post(admin_url(Region, "change", ga2.pk), english(data, "regions"))

    assert response.status_code == 302
    assert {g.name for g in ga2.groupings.all()} == {"AA", "BB"}


def test_a_slug_that_is_another_regions_police_id_is_refused(manager_client, regions):
    # "north-wales" is North Wales's police.uk force id; a grouping slugged so would make
    # region_code north-wales in a statistics file mean either.
    data = region_form_data(
        name="North Wales grouping", slug="north-wales", kind="grouping", gss_code=""
    )
    data["police_uk_id"] = ""

    response = manager_client.post(admin_url(Region, "add"), english(data, "regions"))

    assert response.status_code == 200
    assert (
        "This is the police.uk force id of North Wales. A region's slug may not be another "
        "region's force id, or files naming it could mean either; choose another."
    ) in html.unescape(response.text)
    assert not Region.objects.filter(name="North Wales grouping").exists()


def test_a_police_id_that_is_another_regions_slug_is_refused(manager_client, regions):
    response = manager_client.post(admin_url(Region, "add"), region_form_data(police_uk_id="wales"))

    assert response.status_code == 200
    assert "This is the slug of Wales. A region's police.uk force id may not" in html.unescape(
        response.text
    )
    assert not Region.objects.filter(slug="dyfed-powys").exists()


def test_a_region_may_keep_its_own_slug_as_its_police_id(manager_client, regions):
    north_wales = regions["north-wales"]
    data = region_form_data(
        name=north_wales.name,
        slug="north-wales",
        kind=north_wales.kind,
        gss_code=north_wales.gss_code,
        police_uk_id="north-wales",
        groupings=[g.pk for g in north_wales.groupings.all()],
    )
    response = manager_client.post(
        admin_url(Region, "change", north_wales.pk), english(data, "regions")
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("model", "data", "message"),
    [
        (
            Region,
            lambda: {**region_form_data(slug="wales"), "police_uk_id": ""},
            "Another region already uses this slug; choose another.",
        ),
        (
            Organisation,
            lambda: {
                "name": "Another police",
                "slug": "north-wales-police",
                "kind": "police_force",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
            "Another organisation already uses this slug; choose another.",
        ),
        (
            Metric,
            lambda: {
                "name": "Another count",
                "slug": Metric.objects.get().slug,
                "description": "What is counted.",
                "unit": "people",
                "owner": Organisation.objects.first().pk,
                "small_number_threshold": 5,
            },
            "Another metric already uses this slug; choose another.",
        ),
    ],
    ids=["region", "organisation", "metric"],
)
def test_a_slug_in_use_is_refused_in_plain_words(manager_client, regions, model, data, message):
    before = model.objects.count()
    response = manager_client.post(admin_url(model, "add"), english(data(), "regions"))
    assert response.status_code == 200
    assert message in html.unescape(response.text)
    assert model.objects.count() == before


def metric_form_data(**changes) -> dict:
    return english(
        {
            "name": "Website visits",
            "slug": "website-visits",
            "description": "Visits to the campaign's website, by the visitor's area.",
            "unit": "visits",
            "owner": Organisation.objects.first().pk,
            "small_number_threshold": 5,
            **changes,
        },
        "regions",
    )


def test_metric_form_says_what_a_threshold_of_0_does(manager_client):
    response = manager_client.get(admin_url(Metric, "add"))
    assert (
        "0 turns this protection off and shows every value exactly, however small: use 0 only "
        "for counts that cannot identify anyone, such as visits to a website, never for counts "
        "of people."
    ) in html.unescape(response.text)


def test_a_threshold_of_0_is_accepted_for_counts_that_identify_nobody(manager_client, demo):
    response = manager_client.post(
        admin_url(Metric, "add"), metric_form_data(small_number_threshold=0)
    )
    assert response.status_code == 302
    metric = Metric.objects.get(slug="website-visits")
    assert metric.small_number_threshold == 0
    assert not metric.hides_small_numbers


def test_a_negative_threshold_is_refused_in_plain_words(manager_client, demo):
    response = manager_client.post(
        admin_url(Metric, "add"), metric_form_data(small_number_threshold=-1)
    )
    assert response.status_code == 200
    assert field_error_list(response, "id_small_number_threshold") == [
        "The threshold cannot be negative: give 5, the owner's own threshold, or 0 to show "
        "every value."
    ]
    assert not Metric.objects.filter(slug="website-visits").exists()


def test_a_negative_value_is_refused_in_plain_words(officer_client, north_wales_statistic):
    response = officer_client.post(
        admin_url(Statistic, "change", north_wales_statistic.pk),
        statistic_form_data(north_wales_statistic, value=-5),
    )
    assert response.status_code == 200
    assert "A count cannot be negative." in html.unescape(response.text)
    assert "greater than or equal to" not in response.text
    north_wales_statistic.refresh_from_db()
    assert north_wales_statistic.value == 84


def test_a_period_ending_before_it_starts_is_refused_beside_its_end(
    officer_client, north_wales_statistic
):
    response = officer_client.post(
        admin_url(Statistic, "change", north_wales_statistic.pk),
        statistic_form_data(north_wales_statistic, period_end="2017-06-30"),
    )

    assert response.status_code == 200
    assert field_error_list(response, "id_period_end") == [
        "The period cannot end before it starts."
    ]
    assert non_field_errors(response) == []


def test_a_period_not_yet_ended_is_refused_beside_its_end(manager_client, north_wales_statistic):
    """Typed by hand, a half-year still to come was accepted and then published."""
    year = timezone.localdate().year + 4
    before = Statistic.objects.count()
    data = statistic_form_data(
        north_wales_statistic,
        period_start=f"{year}-01-01",
        period_end=f"{year}-06-30",
        value=7,
    )

    response = manager_client.post(admin_url(Statistic, "add"), english(data, "regions"))

    assert response.status_code == 200
    assert field_error_list(response, "id_period_end") == [
        f"This period has not ended yet (it ends 30/06/{year}): give figures only for periods "
        "that have ended."
    ]
    assert Statistic.objects.count() == before


# --- Partner isolation: statistics --------------------------------------------


def test_officer_lists_only_statistics_of_covered_regions(
    officer_client, regions, cumbria_statistic
):
    response = officer_client.get(admin_url(Statistic, "changelist"))

    shown = listed(response)
    assert {statistic.region.slug for statistic in shown} == {"north-wales"}
    assert sorted(statistic.value for statistic in shown) == [84, 139]
    assert str(CUMBRIA_VALUE) not in response.text
    assert "3549" not in response.text


def test_officer_search_does_not_reach_other_regions(officer_client, cumbria_statistic):
    response = officer_client.get(admin_url(Statistic, "changelist"), {"q": "Cumbria"})
    assert listed(response) == []


def test_officer_cannot_open_another_regions_statistic(officer_client, cumbria_statistic):
    response = officer_client.get(admin_url(Statistic, "change", cumbria_statistic.pk), follow=True)

    assert response.redirect_chain, "expected a redirect away from a hidden statistic"
    assert response.redirect_chain[0][1] == 302
    text = html.unescape(response.text)
    assert f"with ID “{cumbria_statistic.pk}” doesn’t exist" in text
    assert str(CUMBRIA_VALUE) not in text
    assert "Cumbria-only caveat" not in text
    assert 'name="value"' not in text


def test_officer_cannot_change_another_regions_statistic(officer_client, cumbria_statistic):
    response = officer_client.post(
        admin_url(Statistic, "change", cumbria_statistic.pk),
        statistic_form_data(cumbria_statistic, value=1),
    )

    assert response.status_code == 302
    cumbria_statistic.refresh_from_db()
    assert cumbria_statistic.value == CUMBRIA_VALUE


def test_officer_cannot_move_a_statistic_to_another_region(
    officer_client, regions, north_wales_statistic
):
    response = officer_client.post(
        admin_url(Statistic, "change", north_wales_statistic.pk),
        statistic_form_data(north_wales_statistic, region=regions["cumbria"].pk, value=1),
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    north_wales_statistic.refresh_from_db()
    assert north_wales_statistic.region == regions["north-wales"]
    assert north_wales_statistic.value == 84


def test_officer_can_change_a_statistic_of_a_covered_region(officer_client, north_wales_statistic):
    response = officer_client.post(
        admin_url(Statistic, "change", north_wales_statistic.pk),
        statistic_form_data(north_wales_statistic, value=85),
    )

    assert response.status_code == 302
    north_wales_statistic.refresh_from_db()
    assert north_wales_statistic.value == 85


@pytest.mark.parametrize(("region_slug", "created"), [("cumbria", False), ("north-wales", True)])
def test_officer_adds_statistics_only_for_covered_regions(
    officer_client, regions, north_wales_statistic, region_slug, created
):
    before = Statistic.objects.count()
    data = statistic_form_data(
        north_wales_statistic,
        region=regions[region_slug].pk,
        period_start="2018-07-01",
        period_end="2018-12-31",
        value=150,
    )

    response = officer_client.post(admin_url(Statistic, "add"), data)

    if created:
        assert response.status_code == 302
        assert Statistic.objects.get(region__slug=region_slug, value=150)
    else:
        assert response.status_code == 200
        assert "Select a valid choice" in response.text
    assert Statistic.objects.count() == before + created
    assert not Statistic.objects.filter(region=regions["cumbria"], value=150).exists()


def test_a_period_overlapping_a_stored_one_is_refused_naming_it(
    officer_client, regions, north_wales_statistic
):
    before = Statistic.objects.count()
    data = statistic_form_data(
        north_wales_statistic, period_start="2017-01-01", period_end="2017-12-31", value=200
    )

    response = officer_client.post(admin_url(Statistic, "add"), data)

    assert response.status_code == 200
    assert (
        "This period overlaps 01/07/2017 to 31/12/2017, a period this metric already counts in "
        "(North Wales, among others). A metric counts every area in the same periods; give "
        "figures for those periods."
    ) in html.unescape(response.text)
    assert Statistic.objects.count() == before


def test_a_period_overlapping_another_regions_is_refused_naming_only_covered_areas(
    officer_client, regions, cumbria_statistic
):
    """Cumbria alone has 2019: the officer is told of the clash, not of Cumbria."""
    cumbria_statistic.period_start = datetime.date(2019, 1, 1)
    cumbria_statistic.period_end = datetime.date(2019, 12, 31)
    cumbria_statistic.save()
    before = Statistic.objects.count()
    data = statistic_form_data(
        cumbria_statistic,
        region=regions["north-wales"].pk,
        period_start="2019-07-01",
        period_end="2020-06-30",
        notes="",
    )

    response = officer_client.post(admin_url(Statistic, "add"), data)

    assert response.status_code == 200
    text = html.unescape(response.text)
    assert (
        "This period overlaps 01/01/2019 to 31/12/2019, a period this metric already counts in "
        "(areas your organisation does not cover)."
    ) in text
    assert "Cumbria" not in text
    assert Statistic.objects.count() == before


def test_a_manager_adds_a_figure_in_the_metrics_period_for_another_region(
    manager_client, regions, north_wales_statistic
):
    data = statistic_form_data(north_wales_statistic, region=regions["cumbria"].pk, value=12)

    response = manager_client.post(admin_url(Statistic, "add"), english(data, "regions"))

    assert response.status_code == 302
    assert Statistic.objects.get(region=regions["cumbria"], value=12)


def test_changing_a_period_to_overlap_the_next_is_refused(officer_client, north_wales_statistic):
    response = officer_client.post(
        admin_url(Statistic, "change", north_wales_statistic.pk),
        statistic_form_data(north_wales_statistic, period_end="2018-03-31"),
    )
    assert response.status_code == 200
    # 01/07/2017 to 31/12/2017 of the TITAN grouping clashes too, but the officer is shown the
    # clash in an area they cover.
    assert (
        "This period overlaps 01/01/2018 to 30/06/2018, a period this metric already counts in "
        "(North Wales, among others)."
    ) in html.unescape(response.text)
    north_wales_statistic.refresh_from_db()
    assert north_wales_statistic.period_end.isoformat() == "2017-12-31"


def test_officer_add_form_offers_only_covered_regions(officer_client, demo):
    response = officer_client.get(admin_url(Statistic, "add"))
    assert select_options(response, "region") == ["North Wales"]


def test_organisation_covering_a_grouping_covers_its_members(
    titan_client, regions, cumbria_statistic
):
    elsewhere = StatisticFactory(region=RegionFactory(name="Elsewhere"), value=4242)

    response = titan_client.get(admin_url(Statistic, "changelist"))

    shown = listed(response)
    assert {statistic.region.slug for statistic in shown} == {
        "north-wales",
        "north-west-and-north-wales",
        "cumbria",
    }
    assert elsewhere not in shown
    assert sorted(select_options(titan_client.get(admin_url(Statistic, "add")), "region")) == [
        "Cheshire",
        "Cumbria",
        "Greater Manchester",
        "Lancashire",
        "Merseyside",
        "North Wales",
        "North West and North Wales",
    ]


def test_manager_sees_every_statistic(manager_client, cumbria_statistic):
    response = manager_client.get(admin_url(Statistic, "changelist"))
    assert len(listed(response)) == Statistic.objects.count() == 5


@pytest.mark.parametrize("can_view_statistics", [False, True])
def test_staff_without_role_or_partner_sees_no_statistics(
    client, cumbria_statistic, can_view_statistics
):
    user = UserFactory()
    if can_view_statistics:
        user.user_permissions.add(Permission.objects.get(codename="view_statistic"))
    sign_in(client, user)

    response = client.get(admin_url(Statistic, "changelist"))

    if can_view_statistics:
        assert listed(response) == []
    else:
        assert response.status_code == 403
    assert str(CUMBRIA_VALUE) not in response.text
    assert client.get(admin_url(Statistic, "change", cumbria_statistic.pk)).status_code in {
        302,
        403,
    }


# --- Import batches -----------------------------------------------------------


def test_manager_lists_every_import_batch(manager_client, import_batches):
    batches = listed(manager_client.get(admin_url(ImportBatch, "changelist")))
    assert set(batches) == set(import_batches.values())


def test_officer_lists_only_own_organisations_import_batches(officer_client, import_batches):
    response = officer_client.get(admin_url(ImportBatch, "changelist"))
    assert listed(response) == [import_batches["north-wales-police"]]
    assert "titan.csv" not in response.text


def test_officer_cannot_open_another_organisations_import_batch(officer_client, import_batches):
    response = officer_client.get(
        admin_url(ImportBatch, "change", import_batches["titan"].pk), follow=True
    )
    assert response.redirect_chain
    assert "titan.csv" not in response.text


def test_staff_of_no_organisation_see_no_import_batches(client, import_batches):
    """Batches of no organisation are managers' and command-line imports: not theirs."""
    command_line = ImportBatch.objects.create(file_name="command-line.csv", checksum="1" * 64)
    user = UserFactory(username="auditor")
    user.user_permissions.add(Permission.objects.get(codename="view_importbatch"))
    sign_in(client, user)

    assert listed(client.get(admin_url(ImportBatch, "changelist"))) == []
    response = client.get(admin_url(ImportBatch, "change", command_line.pk), follow=True)
    assert "command-line.csv" not in response.text


@pytest.fixture(params=["manager", "officer"])
def batch_client(request, import_batches):
    """A client for each role that may look at North Wales Police's import batch."""
    return request.getfixturevalue(f"{request.param}_client")


def test_import_batch_is_read_only(batch_client, import_batches):
    batch = import_batches["north-wales-police"]
    url = admin_url(ImportBatch, "change", batch.pk)

    page = batch_client.get(url)
    assert page.status_code == 200
    assert "north-wales-police.csv" in page.text
    assert 'name="_save"' not in page.text
    assert 'name="file_name"' not in page.text

    response = batch_client.post(url, {"file_name": "tampered.csv", "rows_created": 99})
    assert response.status_code == 403
    batch.refresh_from_db()
    assert (batch.file_name, batch.rows_created) == ("north-wales-police.csv", 1)


def test_import_batch_page_says_when_and_links_to_its_figures(
    batch_client, import_batches, north_wales_statistic
):
    batch = import_batches["north-wales-police"]
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=datetime.datetime(2024, 7, 1, 8, 5, tzinfo=datetime.UTC)
    )
    Statistic.objects.filter(pk=north_wales_statistic.pk).update(import_batch=batch)

    page = html.unescape(batch_client.get(admin_url(ImportBatch, "change", batch.pk)).text)

    assert "1 July 2024, 09:05 (UK time)" in page  # British Summer Time
    link = (
        f'<a href="/admin/regions/statistic/?import_batch__exact={batch.pk}">View the 1 figure</a>'
    )
    assert link in page


def test_nobody_deletes_an_import_batch(batch_client, import_batches):
    batch = import_batches["north-wales-police"]
    response = batch_client.post(admin_url(ImportBatch, "delete", batch.pk), {"post": "yes"})
    assert response.status_code == 403
    response = batch_client.post(
        admin_url(ImportBatch, "changelist"),
        {"action": "delete_selected", "_selected_action": [batch.pk], "post": "yes"},
    )
    assert ImportBatch.objects.filter(pk=batch.pk).exists()
    assert "delete_selected" not in batch_client.get(admin_url(ImportBatch, "changelist")).text


def test_nobody_adds_import_batches_by_hand(batch_client):
    before = ImportBatch.objects.count()
    response = batch_client.post(
        admin_url(ImportBatch, "add"), {"file_name": "made-up.csv", "checksum": "0" * 64}
    )
    assert response.status_code == 403
    assert ImportBatch.objects.count() == before


# --- Partner officers and the rest of the regions admin -----------------------


@pytest.mark.parametrize(
    ("model", "view", "status"),
    [
        (Region, "changelist", 200),
        (Region, "add", 403),
        (Organisation, "changelist", 200),  # their own only, for its campaign card
        (Organisation, "add", 403),
        (Statistic, "add", 200),
    ],
)
def test_officer_permissions_on_regions_pages(officer_client, demo, model, view, status):
    assert officer_client.get(admin_url(model, view)).status_code == status


def test_metric_owner_is_chosen_by_autocomplete(manager_client, demo):
    response = manager_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "regions",
            "model_name": "metric",
            "field_name": "owner",
            "term": "Lucy",
        },
    )
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == [
        "The Lucy Faithfull Foundation"
    ]


def test_partners_see_their_own_import_files_but_not_other_partners(
    officer_client, north_wales_statistic, import_batches, regions
):
    """TITAN imports North Wales figures too; North Wales Police sees them, not TITAN's file."""
    north_wales_statistic.import_batch = import_batches["titan"]
    north_wales_statistic.save()
    later = Statistic.objects.filter(region=regions["north-wales"]).latest("period_start")
    later.import_batch = import_batches["north-wales-police"]
    later.save()

    changelist = officer_client.get(admin_url(Statistic, "changelist"))
    assert changelist.status_code == 200
    assert "titan.csv" not in changelist.text
    assert "imported by someone else" in changelist.text
    assert "north-wales-police.csv" in changelist.text  # its own, in full, listed and filterable
    change = officer_client.get(admin_url(Statistic, "change", north_wales_statistic.pk))
    assert change.status_code == 200
    assert "titan.csv" not in change.text


# --- The admin home -------------------------------------------------------------------------------

IMPORT_LINK = '<a class="button default" href="/admin/regions/statistic/import/">Import figures</a>'


def test_the_home_page_offers_a_partner_the_import(officer_client):
    page = html.unescape(officer_client.get("/admin/").content.decode())
    assert IMPORT_LINK in page
    # One line on what each section holds, under its name.
    assert "The figures for your organisation's areas, by period. You can import them." in page
    assert "What is counted: each metric names what its figures count." in page
    assert page.index("Import figures") < page.index("Statistics</a>")
    assert "From a CSV, Excel (.xlsx) or OpenDocument (.ods) file." in page


def test_the_home_page_offers_no_import_to_a_user_who_may_not_import(client):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_statistic"))
    sign_in(client, user)
    page = client.get("/admin/").content.decode()
    assert "Statistics</a>" in page
    assert "Import figures" not in page


def test_the_home_page_describes_reported_figures_to_a_manager(manager_client):
    page = html.unescape(manager_client.get("/admin/").content.decode())
    assert IMPORT_LINK in page
    assert "Figures as they were published when the counts behind them were not." in page
    assert "The figures for every area and period; partners import their own." in page


# --- The statistics list --------------------------------------------------------------------------


def test_statistics_list_keeps_to_its_key_columns(officer_client, north_wales_statistic):
    long_source = "The Lucy Faithfull Foundation, figures reported in 2018 to the partners"
    Statistic.objects.filter(pk=north_wales_statistic.pk).update(source=long_source)

    response = officer_client.get(admin_url(Statistic, "changelist"))

    headers = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', response.text)
    assert headers == ["region", "period", "value", "source_text", "import_batch"]
    page = html.unescape(response.text)
    assert f'<span title="{long_source}">The Lucy Faithfull Foundation, figures r…</span>' in page


def test_statistics_list_names_the_metric_when_there_are_several(manager_client, demo):
    StatisticFactory(metric__name="Website visits")
    response = manager_client.get(admin_url(Statistic, "changelist"))
    assert "column-metric_name" in response.text
    assert "Website visits" in response.text
