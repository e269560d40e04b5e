"""What a visitor's browser sees: accessible, narrow-screen friendly, private, no JavaScript."""

from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe

PAGES = [
    "/",
    "/campaigns/stop-it-now-north-west-and-north-wales/",
    "/campaigns/stop-it-now-north-west-and-north-wales/statements/more-people-seek-help-after-campaign/",
    "/regions/north-wales/",
    "/regions/north-west-and-north-wales/",
    "/partners/north-wales-police/",
    "/accessibility/",
    "/privacy/",
    "/no-such-page/",
]
# Every page again under /cy/, in Welsh.
ALL_PAGES = PAGES + [f"/cy{path}" for path in PAGES]


@pytest.mark.parametrize("width", [320, 1280])
def test_pages_have_no_accessibility_violations_and_fit_the_screen(browser, site, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    axe = Axe()
    for path in ALL_PAGES:
        page.goto(site + path)
        results = axe.run(
            page,
            options={
                "runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
            },
        )
        assert results.violations_count == 0, (path, results.generate_report())
        # Wide tables scroll inside their own box; the page itself never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    page.close()


def test_no_request_leaves_the_site_and_no_cookie_is_set(browser, site):
    context = browser.new_context()
    page = context.new_page()
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    for path in PAGES:
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
    assert hosts == {urlparse(site).netloc}
    assert context.cookies() == []
    context.close()


def test_everything_reads_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(site + PAGES[1])
    text = page.inner_text("main")
    for figure in ["0808 1000 900", "84", "139", "up 65%", "1,747", "3,549", "up 103%", "146%"]:
        assert figure in text
    assert page.locator("a[href='tel:08081000900']").first.is_visible()
    context.close()


def test_the_helpline_is_on_screen_without_scrolling_on_a_small_phone(browser, site):
    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.goto(site + PAGES[1])
    phone = page.locator("a.helpline-phone").first.bounding_box()
    assert phone is not None and phone["y"] + phone["height"] <= 640 * 1.6
    page.close()


def test_keyboard_users_can_skip_to_the_content(browser, site):
    page = browser.new_page()
    page.goto(site + PAGES[1])
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.close()


def test_the_chart_is_an_image_with_a_text_alternative(browser, site):
    page = browser.new_page()
    page.goto(site + PAGES[1])
    chart = page.locator("figure.chart svg[role='img']").first
    # Named by its title alone, described once (the visible caption repeats the description,
    # so it is hidden from screen readers rather than heard twice).
    (labelled,) = chart.get_attribute("aria-labelledby").split()
    (described,) = chart.get_attribute("aria-describedby").split()
    assert "change by area" in page.locator(f"#{labelled}").text_content()
    description = page.locator(f"#{described}").text_content()
    assert "all on one scale from 0% to +200%" in description
    assert "North Wales: 84 to 139, up 65%" in description
    assert "Lancashire: up 146%, as reported" in description
    assert page.locator("figure.chart figcaption").first.get_attribute("aria-hidden") == "true"
    page.close()


# Every text box of the first chart on the page, in screen pixels, with the SVG's own box.
CHART_BOXES = """() => {
    const svg = document.querySelector("figure.chart svg");
    const box = (element) => {
        const r = element.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
    };
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const texts = [...svg.querySelectorAll("text")].map((text) => ({
        text: text.textContent,
        box: box(text),
        fontPixels: parseFloat(getComputedStyle(text).fontSize) * scale,
        drawn: text.getBBox().width > 0,
    }));
    return {svg: box(svg), texts};
}"""


@pytest.mark.parametrize("width", [320, 1280])
def test_the_charts_words_do_not_overlap_or_leave_it(browser, site, width):
    """Long names ("North West and North Wales"), counts and bar labels, on a small phone and a
    desktop: every text inside the picture, none on top of another, none below 14 px."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(site + PAGES[1])
    found = page.evaluate(CHART_BOXES)
    svg, texts = found["svg"], found["texts"]
    assert {"North West and North Wales", "+65%", "84 → 139", "as reported"} <= {
        t["text"] for t in texts
    }
    for text in texts:
        box = text["box"]
        assert text["drawn"], text
        assert box["left"] >= svg["left"] - 0.5 and box["right"] <= svg["right"] + 0.5, text
        assert box["top"] >= svg["top"] - 0.5 and box["bottom"] <= svg["bottom"] + 0.5, text
        assert text["fontPixels"] >= 14, text
    for index, text in enumerate(texts):
        for other in texts[index + 1 :]:
            a, b = text["box"], other["box"]
            apart = (
                a["right"] <= b["left"] + 0.5
                or b["right"] <= a["left"] + 0.5
                or a["bottom"] <= b["top"] + 0.5
                or b["bottom"] <= a["top"] + 0.5
            )
            assert apart, (text, other)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.close()


def test_pages_print_without_the_site_chrome(browser, site):
    page = browser.new_page()
    page.goto(site + PAGES[1])
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert page.locator("figure.chart").first.is_visible()
    assert page.locator(".helpline").first.is_visible()
    page.close()


def test_every_period_fits_the_printed_page(browser, site):
    """Ten periods for six areas: on paper, which cannot scroll, every column must show."""
    import datetime

    from campaigns.models import Campaign
    from regions.models import Metric, Region, Statistic

    campaign = Campaign.objects.get()
    metric = Metric.objects.get()
    areas = list(Region.objects.filter(kind=Region.Kind.POLICE_FORCE_AREA))
    rows = []
    for index in range(10):
        year = 2014 + index // 2
        start, end = (
            (datetime.date(year, 1, 1), datetime.date(year, 6, 30))
            if index % 2 == 0
            else (datetime.date(year, 7, 1), datetime.date(year, 12, 31))
        )
        rows += [
            Statistic(metric=metric, region=area, period_start=start, period_end=end, value=1000)
            for area in areas
        ]
    Statistic.objects.bulk_create(rows, ignore_conflicts=True)

    page = browser.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
    page.goto(site + campaign.get_absolute_url())
    page.emulate_media(media="print")
    box = page.locator(".periods-table").first
    assert box.is_visible()
    widths = box.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    page.close()
