"""The statistics CSV as a plain table that tools read as data, described by W3C CSV on the Web
(CSVW) metadata at the standard address beside it."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from csvw import CSVW
from django.core.cache import cache

from campaigns.downloads import COLUMNS
from tests.campaigns.factories import CampaignFactory, ReportedFigureFactory
from tests.regions.factories import MetricFactory, RegionFactory, StatisticFactory

pytestmark = pytest.mark.django_db

LAUNCH = datetime.date(2018, 1, 1)


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def metadata_of(client, campaign, prefix: str = "") -> dict:
    response = client.get(f"{prefix}{campaign.get_absolute_url()}statistics.csv-metadata.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/csvm+json"
    return json.loads(response.content)


def small_numbers_campaign():
    """A campaign with a withheld count, text a spreadsheet would run, and a change reported for
    a later period than the one after the launch, where the area has a count of its own."""
    metric = MetricFactory(small_number_threshold=5)
    area = RegionFactory(name='=HYPERLINK("http://x")', gss_code="W15000009")
    for (start, end), value in [
        ((datetime.date(2017, 7, 1), datetime.date(2017, 12, 31)), 3),
        ((datetime.date(2018, 1, 1), datetime.date(2018, 6, 30)), 30),
        ((datetime.date(2018, 7, 1), datetime.date(2018, 12, 31)), 41),
    ]:
        StatisticFactory(
            metric=metric, region=area, period_start=start, period_end=end, value=value
        )
    campaign = CampaignFactory(launch_date=LAUNCH)
    campaign.regions.set([area])
    campaign.metrics.set([metric])
    ReportedFigureFactory(
        statement=None,
        campaign=campaign,
        region=area,
        metric=metric,
        value=Decimal("12.5"),
        base_period_start=datetime.date(2018, 1, 1),
        base_period_end=datetime.date(2018, 6, 30),
        period_start=datetime.date(2018, 7, 1),
        period_end=datetime.date(2018, 12, 31),
    )
    return campaign


def test_the_csv_starts_with_its_header_row_and_holds_nothing_but_rows(client, demo):
    body = client.get(demo.get_absolute_url() + "statistics.csv").content
    rows = csv_rows(body)
    assert rows[0] == COLUMNS
    assert len(rows) > 5
    assert all(len(row) == len(COLUMNS) for row in rows)
    assert b"Licence" not in body and not any(row[0].startswith("#") for row in rows)


def test_the_csv_names_its_metadata_in_a_link_header(client, demo):
    response = client.get(demo.get_absolute_url() + "statistics.csv")
    metadata = f"{demo.get_absolute_url()}statistics.csv-metadata.json"
    assert response["Link"] == (f'<{metadata}>; rel="describedby"; type="application/csvm+json"')
    welsh = client.get(f"/cy{demo.get_absolute_url()}statistics.csv")
    assert welsh["Link"].startswith(f"</cy{metadata}>;")
    assert "Link" not in client.get(demo.get_absolute_url() + "statistics.json")


def test_every_csv_column_is_described_by_its_name_in_the_metadata(client, demo):
    header = csv_rows(client.get(demo.get_absolute_url() + "statistics.csv").content)[0]
    metadata = metadata_of(client, demo)
    assert metadata["@context"][0] == "http://www.w3.org/ns/csvw"
    assert metadata["url"] == "statistics.csv"
    columns = metadata["tableSchema"]["columns"]
    assert [column["name"] for column in columns] == header
    for column in columns:
        # A CSVW reader matches the header row against the titles: the name is among them in
        # both languages, beside a title for people.
        assert set(column["titles"]) == {"en", "cy"}
        for titles in column["titles"].values():
            assert titles[0] == column["name"] and titles[1]
        assert [text["@language"] for text in column["dc:description"]] == ["en", "cy"]
        assert column["datatype"]
    by_name = {column["name"]: column for column in columns}
    assert by_name["value"]["datatype"] == {"base": "integer", "minimum": 0}
    assert by_name["value"]["null"] == "" and not by_name["value"]["required"]
    assert by_name["period_start"]["datatype"] == {"base": "date", "format": "yyyy-MM-dd"}
    assert by_name["region_code"]["required"] is True
    assert by_name["region_name"]["titles"]["en"][1] == "Area"
    assert by_name["region_name"]["titles"]["cy"][1] == "Ardal"
    assert by_name["region_name"]["dc:description"][0]["@value"] == "the area's name"
    assert metadata["tableSchema"]["primaryKey"] == [
        "metric",
        "region_code",
        "period_start",
        "period_end",
    ]


def test_the_metadata_carries_the_licence_sources_and_rules(client, demo):
    metadata = metadata_of(client, demo)
    assert metadata["dc:license"] == {
        "@id": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    }
    assert metadata["dc:rights"].startswith("Open Government Licence v3.0")
    assert metadata["dc:publisher"]["schema:name"] == demo.lead_organisation.name
    assert metadata["dc:source"]
    comments = [text["@value"] for text in metadata["rdfs:comment"] if text["@language"] == "en"]
    assert any("rounded to the nearest whole number" in text for text in comments)
    assert any(
        "withheld" in text and "helpline-contacts-online-behaviour: 5" in text for text in comments
    )
    assert metadata["dc:title"][0]["@value"].startswith(demo.title_en_gb)
    # The JSON keeps them too.
    data = client.get(demo.get_absolute_url() + "statistics.json").json()
    assert data["licence"] == metadata["dc:rights"]
    assert "rounded to the nearest whole number" in data["rounding"]
    assert "withheld" in data["small_numbers"]["rule"]


def test_a_licence_without_an_address_is_given_as_text(client, demo, settings):
    settings.STATISTICS_LICENCE = "Crown copyright: ask the press office before reuse."
    assert metadata_of(client, demo)["dc:license"] == settings.STATISTICS_LICENCE


def test_the_welsh_metadata_puts_welsh_first(client, demo):
    metadata = metadata_of(client, demo, prefix="/cy")
    assert metadata["@context"][1] == {"@language": "cy"}
    assert metadata["url"] == "statistics.csv"  # the Welsh page's CSV, beside it
    assert [text["@language"] for text in metadata["dc:title"]] == ["cy", "en"]
    assert metadata["dc:title"][0]["@value"].startswith(demo.title_cy)
    region_name = next(c for c in metadata["tableSchema"]["columns"] if c["name"] == "region_name")
    assert list(region_name["titles"]) == ["cy", "en"]
    assert region_name["dc:description"][0] == {"@value": "enw'r ardal", "@language": "cy"}
    welsh_comments = [text for text in metadata["rdfs:comment"] if text["@language"] == "cy"]
    assert welsh_comments and metadata["rdfs:comment"][0]["@language"] == "cy"
    assert "rounded" not in welsh_comments[0]["@value"]


@pytest.mark.parametrize("make", ["demo", "small numbers"])
def test_a_csvw_validator_reads_the_csv_as_its_metadata_describes_it(
    make, client, request, tmp_path
):
    campaign = request.getfixturevalue("demo") if make == "demo" else small_numbers_campaign()
    base = campaign.get_absolute_url()
    (tmp_path / "statistics.csv").write_bytes(client.get(base + "statistics.csv").content)
    described = tmp_path / "statistics.csv-metadata.json"
    described.write_bytes(client.get(base + "statistics.csv-metadata.json").content)

    read = CSVW(str(described), validate=True)

    # Every value has its column's type, required columns are filled, and no two rows share
    # a metric, area and period.
    assert read.is_valid, [str(warning.message) for warning in read.warnings]
    rows = list(read.tables[0].iterdicts())
    assert len(rows) == len(csv_rows((tmp_path / "statistics.csv").read_bytes())) - 1
    if make == "demo":
        north_wales = {
            row["period_start"].date(): row for row in rows if row["region_code"] == "W15000001"
        }
        after = north_wales[datetime.date(2018, 1, 1)]
        assert (after["value"], after["change_across_launch_percent"]) == (139, "65")
        assert after["after_launch"] is True
    else:
        withheld, _after, later = rows
        assert (withheld["value"], withheld["value_note"]) == (None, "fewer than 5")
        assert withheld["region_name"] == '\'=HYPERLINK("http://x")'
        # The change reported for the later period is on that period's own row.
        assert later["value"] == 41 and later["reported_change_percent"] == Decimal("12.5")


def test_the_page_links_the_metadata_and_says_what_it_is(client, demo):
    page = client.get(demo.get_absolute_url()).content.decode()
    assert f'href="{demo.get_absolute_url()}statistics.csv-metadata.json"' in page
    assert "describes each column of the CSV" in page
    welsh = client.get(f"/cy{demo.get_absolute_url()}").content.decode()
    assert f'href="/cy{demo.get_absolute_url()}statistics.csv-metadata.json"' in welsh


def test_the_metadata_comes_through_the_page_cache(client, demo, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    cache.clear()
    address = f"{demo.get_absolute_url()}statistics.csv-metadata.json"
    assert client.get(address)["X-Page-Cache"] == "miss"
    assert client.get(address)["X-Page-Cache"] == "hit"
    assert client.get(f"/cy{address}")["X-Page-Cache"] == "miss"  # each language its own
    cache.clear()


def test_an_unpublished_campaign_has_no_metadata(client):
    draft = CampaignFactory(status="draft", publish_at=None)
    address = f"{draft.get_absolute_url()}statistics.csv-metadata.json"
    assert client.get(address).status_code == 404
