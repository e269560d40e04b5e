"""Campaign impact on the public pages and in the downloads."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.impact import build_impacts
from campaigns.publishing import Status
from regions.models import Region
from tests.campaigns.factories import (
    CampaignFactory,
    PressStatementFactory,
    ReportedFigureFactory,
)
from tests.regions.factories import MetricFactory, RegionFactory, StatisticFactory

pytestmark = pytest.mark.django_db

LAUNCH = datetime.date(2018, 1, 1)


def half_years(count: int, first_year: int = 2016) -> list[tuple[datetime.date, datetime.date]]:
    periods = []
    for index in range(count):
        year = first_year + index // 2
        if index % 2 == 0:
            periods.append((datetime.date(year, 1, 1), datetime.date(year, 6, 30)))
        else:
            periods.append((datetime.date(year, 7, 1), datetime.date(year, 12, 31)))
    return periods


def campaign_with(regions: int, periods: int):
    metric = MetricFactory()
    areas = RegionFactory.create_batch(regions)
    grouping = RegionFactory(kind=Region.Kind.GROUPING, gss_code=None)
    for area in areas:
        area.groupings.add(grouping)
    StatisticFactory._meta.model.objects.bulk_create(
        [
            StatisticFactory.build(
                metric=metric, region=area, period_start=start, period_end=end, value=10 + i + j
            )
            for i, area in enumerate(areas)
            for j, (start, end) in enumerate(half_years(periods))
        ]
    )
    campaign = CampaignFactory(launch_date=LAUNCH)
    campaign.regions.set([*areas, grouping])
    campaign.metrics.set([metric])
    return campaign


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "suffix", ["", "statistics.csv", "statistics.json", "statistics.csv-metadata.json"]
)
def test_query_count_is_fixed_from_6x2_to_300x10(client, suffix):
    small = campaign_with(6, 2)
    large = campaign_with(300, 10)
    small_count = queries(client, small.get_absolute_url() + suffix)
    assert queries(client, large.get_absolute_url() + suffix) == small_count
    assert small_count <= 10


def page_text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def chart_rows(html: str) -> dict[str, dict]:
    """Each area drawn in the (first) chart: its bar's class (or None) and its texts in order."""
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    rows = {}
    for row in re.findall(r'<g class="chart-row">(.*?)</g>', svg, re.S):
        bar = re.search(r'<rect class="([^"]+)"', row)
        texts = re.findall(r"<text [^>]*>([^<]*)</text>", row)
        rows[texts[0]] = {"bar": bar and bar.group(1), "texts": texts, "html": row}
    return rows


def test_the_demo_figures_appear_exactly(client, demo):
    response = client.get(demo.get_absolute_url())
    text = page_text(response)
    for figure in ["84", "139", "65%", "1,747", "3,549", "103%", "146%", "193%", "186%"]:
        assert figure in text
    assert "rounded to the nearest whole per cent" in text
    html = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "North Wales: 84 to 139, up 65%" in html  # the description, in words
    assert ">84 → 139</text>" in html  # beside the bars
    assert "Lancashire: up 146%, as reported" in html  # the chart's description
    assert ">as reported</text>" in html
    assert "<script" not in html[html.index("<svg") : html.index("</svg>")]  # drawn, not run


def test_the_demo_chart_draws_every_change_on_one_scale(client, demo):
    response = client.get(demo.get_absolute_url())
    html = response.content.decode()
    assert html.count("<svg") == 1  # one metric, one chart
    assert re.search(r'<svg [^>]*viewBox="0 0 320 \d+"', html)
    rows = chart_rows(html)
    bars = {name: row["bar"] for name, row in rows.items() if row["bar"]}
    assert bars == {
        "North Wales": "chart-bar",
        "Lancashire": "chart-bar-reported",
        "Cheshire": "chart-bar-reported",
        "Cumbria": "chart-bar-reported",
        "North West and North Wales": "chart-bar",
    }
    for name in ["Lancashire", "Cheshire", "Cumbria"]:
        assert "as reported" in rows[name]["texts"], name
    assert "as reported" not in rows["North Wales"]["texts"]
    # Counts only beside their own area, and each change written at its bar.
    assert [name for name, row in rows.items() if "84 → 139" in row["texts"]] == ["North Wales"]
    assert "+65%" in rows["North Wales"]["texts"]
    assert "+146%" in rows["Lancashire"]["texts"]
    assert "1,747 → 3,549" in rows["North West and North Wales"]["texts"]
    assert "+103%" in rows["North West and North Wales"]["texts"]
    # Areas with nothing published are listed, in words, not left out.
    assert rows["Merseyside"]["texts"] == ["Merseyside", "no figures published"]
    # One axis for all: North Wales's bar is to the six areas' as 65 is to 103.
    widths = {
        name: float(re.search(r'width="([\d.]+)"', row["html"]).group(1))
        for name, row in rows.items()
        if row["bar"]
    }
    assert widths["North Wales"] / widths["North West and North Wales"] == pytest.approx(
        65 / 103, abs=0.005
    )
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    ticks = re.findall(r'<text class="chart-tick"[^>]*>([^<]+)</text>', svg)
    assert ticks[:5] == ["0%", "50%", "100%", "150%", "200%"]
    # Styles come from the stylesheet: the content security policy allows no inline style.
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert " style=" not in html and "<style" not in html


def test_chart_and_tables_show_withheld_and_incomplete_figures_in_words(client):
    metric = MetricFactory(small_number_threshold=5)
    small, big, silent = RegionFactory.create_batch(3)
    grouping = RegionFactory(kind=Region.Kind.GROUPING, gss_code=None, name="All areas")
    for area in (small, big, silent):
        area.groupings.add(grouping)
    for start, end in half_years(5):  # the last starts at the launch
        StatisticFactory(metric=metric, region=small, period_start=start, period_end=end, value=3)
        StatisticFactory(metric=metric, region=big, period_start=start, period_end=end, value=80)
    campaign = CampaignFactory(launch_date=LAUNCH)
    campaign.regions.set([small, big, silent, grouping])
    campaign.metrics.set([metric])

    response = client.get(campaign.get_absolute_url())
    text = page_text(response)
    assert "fewer than 5" in text
    assert "incomplete: 2 of 3 areas reported" in text
    # The chart draws the one change it can show and says in words why the others have none.
    rows = chart_rows(response.content.decode())
    assert rows[big.name]["bar"] == "chart-bar" and "0%" in rows[big.name]["texts"]

    def reason(name: str) -> str:
        assert rows[name]["bar"] is None
        return " ".join(rows[name]["texts"][1:])

    assert reason(small.name) == "change withheld: a count is fewer than 5"
    assert reason("All areas") == "no change: not every area in it reported"
    assert reason(silent.name) == "no figures published"
    assert not any(">3<" in row["html"] for row in rows.values())  # the small count stays hidden
    assert "a total is 'withheld' for any period in which one of its areas" in text
    # Every period is listed, with the change from the period before.
    assert "Every period, with the change from the period before" in text
    assert "January to June 2016" in text and "July to December 2017" in text


def test_a_reported_change_is_not_shown_beside_a_withheld_count(client):
    metric = MetricFactory(small_number_threshold=5)
    area = RegionFactory(name="Smalltown")
    (before, after) = half_years(3, first_year=2017)[1:]
    StatisticFactory(
        metric=metric, region=area, period_start=before[0], period_end=before[1], value=3
    )
    StatisticFactory(
        metric=metric, region=area, period_start=after[0], period_end=after[1], value=30
    )
    campaign = CampaignFactory(launch_date=LAUNCH)
    campaign.regions.set([area])
    campaign.metrics.set([metric])
    ReportedFigureFactory(statement=None, campaign=campaign, region=area, value=900)
    statement = PressStatementFactory(campaign=campaign)
    ReportedFigureFactory(statement=statement, region=area, metric=metric, value=900)

    text = page_text(client.get(campaign.get_absolute_url()))
    assert "fewer than 5" in text and "30" in text
    assert "900%" not in text  # 30 and "up 900%" would give the 3 away
    # Nor anywhere else it could be read beside the counts.
    for url in [area.get_absolute_url(), statement.get_absolute_url()]:
        assert "900%" not in page_text(client.get(url)), url
    data = client.get(campaign.get_absolute_url() + "statistics.json").json()
    assert data["reported_figures"] == []
    csv_text = client.get(campaign.get_absolute_url() + "statistics.csv").content.decode()
    assert ",900" not in csv_text


def test_region_page_shows_each_campaigns_figures_for_that_region(client, demo):
    north_wales = Region.objects.get(slug="north-wales")
    text = page_text(client.get(north_wales.get_absolute_url()))
    assert demo.title in text
    assert "84 (July to December 2017) to 139 (January to June 2018), up 65%" in text
    assert "about 23" in text
    cumbria = Region.objects.get(slug="cumbria")
    text = page_text(client.get(cumbria.get_absolute_url()))
    assert demo.title in text  # covered directly, and through the grouping


def test_campaign_page_links_to_every_area_it_covers(client, demo):
    html = client.get(demo.get_absolute_url()).content.decode()
    picker = html.split('class="area-picker"')[1].split("</nav>")[0]
    for slug in [
        "cumbria",
        "lancashire",
        "merseyside",
        "greater-manchester",
        "cheshire",
        "north-wales",
        "north-west-and-north-wales",
    ]:
        assert f'href="/regions/{slug}/"' in picker


def test_csv_download(client, demo):
    response = client.get(demo.get_absolute_url() + "statistics.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.cookies == {}
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body[1:])))
    by_key = {(r["region_code"], r["period_start"]): r for r in rows}
    before = by_key[("W15000001", "2017-07-01")]
    after = by_key[("W15000001", "2018-01-01")]
    assert (before["value"], after["value"]) == ("84", "139")
    assert after["change_from_previous"] == "55"
    assert after["change_from_previous_percent"] == "65"
    assert after["change_across_launch_percent"] == "65"
    assert after["after_launch"] == "true" and before["after_launch"] == "false"
    assert after["region_name"] == "North Wales"
    total = by_key[("north-west-and-north-wales", "2018-01-01")]
    assert (total["value"], total["change_from_previous_percent"]) == ("3549", "103")
    assert total["per_month"] == "591.5"
    # Changes published without their counts are there too, marked as reported.
    lancashire = by_key[("E23000003", "2018-01-01")]
    assert lancashire["value"] == "" and lancashire["reported_change_percent"] == "146"
    assert lancashire["value_note"] == "counts not published; change as reported"
    assert lancashire["period_end"] == "2018-06-30"


def test_downloads_withhold_small_numbers_and_escape_formulas(client):
    metric = MetricFactory(small_number_threshold=5)
    area = RegionFactory(name='=HYPERLINK("http://x")')
    StatisticFactory(metric=metric, region=area, value=3, source="@SUM(A1)")
    StatisticFactory(
        metric=metric,
        region=area,
        value=30,
        source="+cmd",
        period_start=datetime.date(2018, 1, 1),
        period_end=datetime.date(2018, 6, 30),
    )
    campaign = CampaignFactory(launch_date=LAUNCH)
    campaign.regions.set([area])
    campaign.metrics.set([metric])
    body = client.get(campaign.get_absolute_url() + "statistics.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(body[1:])))
    withheld = rows[0]
    assert withheld["value"] == "" and withheld["value_note"] == "fewer than 5"
    assert rows[1]["change_from_previous"] == ""  # 30 - change would reveal the 3
    assert withheld["region_name"] == '\'=HYPERLINK("http://x")'
    assert withheld["source"] == "'@SUM(A1)" and rows[1]["source"] == "'+cmd"
    data = client.get(campaign.get_absolute_url() + "statistics.json").json()
    assert data["figures"][0]["value"] is None
    assert data["figures"][0]["value_note"] == "fewer than 5"
    hidden = data["figures"][0]
    numbers = ["value", "change_from_previous", "per_month", "per_100000_people"]
    assert [hidden[name] for name in numbers] == [None] * len(numbers)


def test_json_download(client, demo):
    data = client.get(demo.get_absolute_url() + "statistics.json").json()
    assert data["licence"].startswith("Open Government Licence v3.0")
    assert data["campaign"]["slug"] == demo.slug
    assert data["small_numbers"]["thresholds"] == {"helpline-contacts-online-behaviour": 5}
    values = {(f["region_code"], f["period_start"]): f["value"] for f in data["figures"]}
    assert values[("W15000001", "2017-07-01")] == 84
    assert values[("north-west-and-north-wales", "2018-01-01")] == 3549
    reported = {f["region_code"]: f["as_published"] for f in data["reported_figures"]}
    assert reported["E23000003"] == "+146%"
    lancashire = next(f for f in data["reported_figures"] if f["region_code"] == "E23000003")
    assert lancashire["value"] == 146
    assert lancashire["earlier_period_start"] == "2017-07-01"
    assert lancashire["period_end"] == "2018-06-30"
    monthly = next(f for f in data["reported_figures"] if f["unit"] == "per_month")
    assert (monthly["qualifier"], monthly["value"]) == ("nearly", 600)
    assert set(data["fields"]) == set(data["figures"][0])  # every field explained
    assert set(data["reported_fields"]) == set(data["reported_figures"][0])


def test_downloads_of_unpublished_campaigns_are_404(client):
    draft = CampaignFactory(status=Status.DRAFT, publish_at=None)
    for suffix in ["statistics.csv", "statistics.json"]:
        assert client.get(draft.get_absolute_url() + suffix).status_code == 404
    published = CampaignFactory()
    assert client.get(published.get_absolute_url() + "statistics.xml").status_code == 404


def test_large_public_pages_are_sent_compressed(client):
    campaign = campaign_with(60, 4)
    response = client.get(campaign.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    plain = client.get(campaign.get_absolute_url())
    assert len(response.content) * 5 < len(plain.content)


def test_a_period_the_launch_falls_in_is_neither_before_nor_after(client):
    metric = MetricFactory()
    area = RegionFactory()
    for (start, end), value in [
        ((datetime.date(2017, 4, 1), datetime.date(2017, 9, 30)), 40),
        ((datetime.date(2017, 10, 1), datetime.date(2018, 3, 31)), 50),  # launch: 1 January
        ((datetime.date(2018, 4, 1), datetime.date(2018, 9, 30)), 60),
    ]:
        StatisticFactory(
            metric=metric, region=area, period_start=start, period_end=end, value=value
        )
    campaign = CampaignFactory(launch_date=LAUNCH)
    campaign.regions.set([area])
    campaign.metrics.set([metric])

    response = client.get(campaign.get_absolute_url())
    text = page_text(response)
    assert "October 2017 to March 2018 launch falls in this period" in text
    # The before-and-after comparison skips the period the launch falls in.
    assert "40 to 60, up 50%" in response.content.decode()
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(campaign.get_absolute_url() + "statistics.csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert [r["launch_phase"] for r in rows if r["metric"] == metric.slug] == [
        "before",
        "spans launch",
        "after",
    ]


def test_a_reported_change_for_other_periods_than_the_tables_says_which(client):
    metric = MetricFactory()
    counted, reported_only = RegionFactory.create_batch(2)
    for (start, end), value in zip(
        half_years(2, first_year=2017)[1:] + half_years(1, 2018), [84, 139], strict=True
    ):
        StatisticFactory(
            metric=metric, region=counted, period_start=start, period_end=end, value=value
        )
    campaign = CampaignFactory(launch_date=LAUNCH)
    campaign.regions.set([counted, reported_only])
    campaign.metrics.set([metric])
    ReportedFigureFactory(
        statement=None,
        campaign=campaign,
        region=reported_only,
        metric=metric,
        base_period_start=datetime.date(2017, 1, 1),
        base_period_end=datetime.date(2017, 12, 31),
        period_start=datetime.date(2018, 1, 1),
        period_end=datetime.date(2018, 12, 31),
    )
    text = page_text(client.get(campaign.get_absolute_url()))
    assert "as reported: January to December 2018 compared with January to December 2017" in text
    assert "'New' means" not in text  # no change here is new


def test_a_large_chart_draws_one_bar_and_a_few_words_per_area(client):
    campaign = campaign_with(40, 6)
    html = client.get(campaign.get_absolute_url()).content.decode()
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    rows = svg.count('class="chart-row"')
    assert rows == 41  # 40 areas and their grouping
    assert svg.count('<rect class="chart-bar"') == rows
    assert svg.count("<text") <= rows * 3 + 20  # name, change, counts; legend and axes
    assert svg.count("<path") == 2  # every gridline in one path, the zero line in another
    # Each area's words are in the description of a small chart only (the tables have them).
    description = re.search(r"<desc [^>]*>(.*?)</desc>", svg, re.S).group(1)
    assert " to " not in description.split("tables on this page.")[1]
    small = campaign_with(3, 6)
    small_html = client.get(small.get_absolute_url()).content.decode()
    assert " to " in re.search(r"<desc [^>]*>(.*?)</desc>", small_html, re.S).group(1)


def test_the_page_says_why_periods_of_different_lengths_get_no_change(client):
    metric = MetricFactory()
    area = RegionFactory()
    StatisticFactory(
        metric=metric,
        region=area,
        period_start=datetime.date(2017, 7, 1),
        period_end=datetime.date(2017, 12, 31),
        value=600,
    )
    StatisticFactory(
        metric=metric,
        region=area,
        period_start=datetime.date(2018, 1, 1),
        period_end=datetime.date(2018, 1, 31),
        value=120,
    )
    campaign = CampaignFactory(launch_date=LAUNCH)
    campaign.regions.set([area])
    campaign.metrics.set([metric])
    text = page_text(client.get(campaign.get_absolute_url()))
    assert "down 80%" not in text
    assert "No change is given between periods of different lengths" in text


def test_a_hidden_figure_is_told_in_words_in_the_chart_and_the_region_sentence(client):
    metric = MetricFactory(small_number_threshold=5)
    area = RegionFactory(name="Merseyside")
    counted = RegionFactory(name="Cheshire")  # an area with a change, so the chart is drawn
    (before, after) = half_years(3, first_year=2017)[1:]
    for region, values in [(area, (3, 12)), (counted, (40, 50))]:
        for (start, end), value in zip([before, after], values, strict=True):
            StatisticFactory(
                metric=metric, region=region, period_start=start, period_end=end, value=value
            )
    campaign = CampaignFactory(launch_date=LAUNCH)
    campaign.regions.set([area, counted])
    campaign.metrics.set([metric])

    html = client.get(campaign.get_absolute_url()).content.decode()
    description = re.search(r"<desc [^>]*>(.*?)</desc>", html, re.S).group(1)
    assert "Merseyside: fewer than 5 to 12, change withheld: a count is fewer than 5" in description
    assert "→" not in description  # read out as 'right arrow'
    assert 'aria-labelledby="chart-title-' in html and 'aria-describedby="chart-desc-' in html
    assert '<figcaption aria-hidden="true">' in html  # the same words, not heard twice

    region_html = client.get(area.get_absolute_url()).content.decode()
    sentence = re.search(r"<strong>[^<]+</strong>:(.*?)</p>", region_html, re.S).group(1)
    assert '<span class="period">' not in sentence  # no block breaking the sentence
    assert re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", sentence)).strip() == (
        "before launch: fewer than 5; after launch: 12 (about 2 a month)."
    )


def test_the_chart_says_why_a_total_has_no_change_without_giving_a_count_away():
    metric = MetricFactory(small_number_threshold=5)
    small = RegionFactory(name="Smalltown")
    big = RegionFactory(name="Bigtown")
    grouping = RegionFactory(kind=Region.Kind.GROUPING, gss_code=None, name="Both towns")
    for area in (small, big):
        area.groupings.add(grouping)
    (before, after) = half_years(3, first_year=2017)[1:]
    for region, values in [(small, (3, 4)), (big, (80, 90))]:
        for (start, end), value in zip([before, after], values, strict=True):
            StatisticFactory(
                metric=metric, region=region, period_start=start, period_end=end, value=value
            )

    (impact,) = build_impacts(metrics=[metric], regions=[small, big, grouping], launch=LAUNCH)
    chart = impact.chart
    assert [row.area.name for row in chart.rows if row.bar] == ["Bigtown"]
    assert chart.row("Bigtown").area.note == "80 → 90"

    def reason(name: str) -> str:
        return " ".join(label.text for label in chart.row(name).labels[1:])

    assert reason("Smalltown") == "change withheld: a count is fewer than 5"
    assert reason("Both towns") == (
        "change withheld, so that small numbers in its areas cannot be worked out"
    )
    words = " ".join(label.text for label in chart.all_labels) + chart.description + chart.summary
    for hidden in ["3", "4", "83", "94", "33%"]:  # the small counts, the totals, its change
        assert not re.search(rf"(?<![\d,.]){hidden}(?![\d,.])", words), hidden


def test_the_chart_does_not_call_a_small_rise_no_change():
    metric = MetricFactory()
    area = RegionFactory(name="Bigcity")
    (before, after) = half_years(3, first_year=2017)[1:]
    for (start, end), value in zip([before, after], [2000, 2008], strict=True):
        StatisticFactory(
            metric=metric, region=area, period_start=start, period_end=end, value=value
        )
    (impact,) = build_impacts(metrics=[metric], regions=[area], launch=LAUNCH)
    row = impact.chart.row("Bigcity")
    assert row.value_label.text == "+0.4%"  # the table says "up less than 1%"
    assert row.bar.width > 0
