"""A Welsh-speaking visitor's journey in the browser, by following links from /cy/: every page in
Welsh, each offering itself in English, and "Exit this page" there on the sensitive campaign's
pages (clicking it, and without JavaScript, are tested in both languages in
test_help_and_exit.py)."""

from django.utils import translation
from playwright.sync_api import expect

from tests.browser.test_help_and_exit import CAMPAIGN, EXIT_URL, STATEMENT, stub_the_neutral_site

REGION = "/regions/north-wales/"


def exit_this_page_in_welsh() -> str:
    """The exit button's words in the Welsh catalogue (its English until they are translated)."""
    with translation.override("cy"):
        return translation.gettext("Exit this page")


def assert_in_welsh_with_english_beside(page, site: str, path: str, sensitive: bool) -> None:
    page.wait_for_url(f"{site}/cy{path}")  # and its load event: the exit script is running
    assert page.locator("html").get_attribute("lang") == "cy", path
    english = page.locator("header a.language-link")
    expect(english).to_be_visible()
    assert (english.text_content(), english.get_attribute("href")) == ("English", path)
    assert english.get_attribute("lang") == "en-gb"
    button = page.locator(".exit-page-button")
    if sensitive:
        expect(button).to_be_visible()
        expect(button).to_contain_text(exit_this_page_in_welsh())
    else:
        expect(button).to_have_count(0)


def test_a_welsh_visitor_goes_from_home_to_an_area_and_leaves_with_shift(browser, site):
    from campaigns.demo import STATEMENT_SLUG
    from campaigns.models import Campaign
    from regions.models import Region

    campaign = Campaign.objects.get()
    statement = campaign.statements.get(slug=STATEMENT_SLUG)
    area = Region.objects.get(slug="north-wales")
    page = browser.new_page()
    stub_the_neutral_site(page)

    page.goto(site + "/cy/")
    assert_in_welsh_with_english_beside(page, site, "/", sensitive=False)

    page.get_by_role("link", name=campaign.title_cy).first.click()
    assert_in_welsh_with_english_beside(page, site, CAMPAIGN, sensitive=True)

    page.get_by_role("link", name=statement.title_cy).first.click()
    assert_in_welsh_with_english_beside(page, site, STATEMENT, sensitive=True)

    # A statement names no area: back to its campaign by its own link, then to North Wales.
    page.get_by_role("link", name=f"{campaign.title_cy}", exact=True).first.click()
    page.locator("main").get_by_role("link", name=area.name_cy, exact=True).first.click()
    assert_in_welsh_with_english_beside(page, site, REGION, sensitive=True)

    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(EXIT_URL)
    page.go_back()  # the area page was replaced in the history: Back goes to the campaign
    assert page.url == f"{site}/cy{CAMPAIGN}"
    page.close()


def test_the_english_link_takes_a_welsh_visitor_to_the_same_page_in_english(browser, site):
    page = browser.new_page()
    page.goto(f"{site}/cy{STATEMENT}")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(site + STATEMENT)
    assert page.locator("html").get_attribute("lang") == "en-gb"
    page.close()
