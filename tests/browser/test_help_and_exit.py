"""In the browser: the helpline is the first stop for the keyboard, "Exit this page" leaves a
sensitive page without leaving it in the history, and table boxes are keyboard stops only when
they scroll."""

import pytest

from tests.browser.test_public_pages import ALL_PAGES

CAMPAIGN = "/campaigns/stop-it-now-north-west-and-north-wales/"
STATEMENT = CAMPAIGN + "statements/more-people-seek-help-after-campaign/"
EXIT_URL = "https://www.bbc.co.uk/weather"


def stub_the_neutral_site(context_or_page) -> None:
    """The exit link's site, answered here: the tests make no request to the real one."""
    context_or_page.route(
        EXIT_URL + "*",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Weather</title><h1>Weather</h1>"
        ),
    )


def test_the_helpline_number_is_the_first_stop_after_the_skip_link(browser, site):
    page = browser.new_page()
    for path in ALL_PAGES:  # in English and in Welsh
        page.goto(site + path)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link", path
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('href')") == (
            "tel:08081000900"
        ), path
    page.close()


def test_exit_this_page_comes_soon_after_the_helpline(browser, site):
    page = browser.new_page()
    page.goto(site + CAMPAIGN)
    stops = []
    for _ in range(4):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.className"))
    assert stops == ["skip-link", "helpline-phone", "", "exit-page-button"]  # "" is help online
    page.close()


@pytest.mark.parametrize("path", [CAMPAIGN, STATEMENT, "/regions/north-wales/"])
def test_pressing_shift_three_times_leaves_and_back_does_not_return(browser, site, path):
    page = browser.new_page()
    stub_the_neutral_site(page)
    page.goto(site + "/")
    page.goto(site + path)

    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(EXIT_URL)

    page.go_back()
    assert page.url == site + "/"
    page.close()


def test_shift_pressed_with_other_keys_or_too_slowly_does_not_leave(browser, site):
    page = browser.new_page()
    page.clock.install()
    page.goto(site + CAMPAIGN)
    status = page.locator("[data-exit-page-status]")

    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    assert status.text_content() == "Shift, press 1 more time to exit."
    page.clock.run_for(6000)
    assert status.text_content() == "Exit this page expired."
    page.keyboard.press("Shift")
    page.keyboard.press("Shift+A")  # a capital letter, not the shortcut
    page.keyboard.press("Shift")
    assert page.url == site + CAMPAIGN
    page.close()


@pytest.mark.parametrize("language", ["", "/cy"], ids=["English", "Welsh"])
def test_clicking_exit_leaves_and_back_does_not_return(browser, site, language):
    page = browser.new_page()
    stub_the_neutral_site(page)
    page.goto(f"{site}{language}/")
    page.goto(f"{site}{language}{CAMPAIGN}")

    page.click(".exit-page-button")
    page.wait_for_url(EXIT_URL)

    page.go_back()
    assert page.url == f"{site}{language}/"
    page.close()


@pytest.mark.parametrize("language", ["", "/cy"], ids=["English", "Welsh"])
def test_exit_this_page_works_without_javascript(browser, site, language):
    context = browser.new_context(java_script_enabled=False)
    stub_the_neutral_site(context)
    page = context.new_page()
    page.goto(f"{site}{language}{CAMPAIGN}")

    page.click(".exit-page-button")

    page.wait_for_url(EXIT_URL)
    context.close()


def test_the_exit_button_is_announced_with_its_shortcut_only_when_it_works(browser, site):
    page = browser.new_page()
    page.goto(site + CAMPAIGN)
    button = page.locator(".exit-page-button")
    assert button.get_attribute("aria-describedby") == "exit-page-shortcut"
    assert page.locator("#exit-page-shortcut").text_content().startswith("Or press Shift 3 times")
    page.close()

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + CAMPAIGN)
    assert page.locator(".exit-page-button").get_attribute("aria-describedby") is None
    context.close()


def test_the_exit_button_stays_in_view_on_a_wide_screen_only(browser, site):
    for width, stays in [(1280, True), (320, False)]:
        page = browser.new_page(viewport={"width": width, "height": 700})
        page.goto(site + CAMPAIGN)
        page.mouse.wheel(0, 3000)
        page.wait_for_function("window.scrollY > 2000")
        box = page.locator(".exit-page-button").bounding_box()
        assert (0 <= box["y"] < 700) == stays, width
        page.close()


SCROLL_BOXES = """() => [...document.querySelectorAll('.table-scroll')].map(box => ({
    overflows: box.scrollWidth > box.clientWidth,
    focusable: box.getAttribute('tabindex') === '0',
}))"""


def test_table_boxes_are_keyboard_stops_only_when_they_scroll(browser, site):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    for path in [CAMPAIGN, "/regions/north-wales/"]:
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(site + path)
        wide = page.evaluate(SCROLL_BOXES)
        assert wide and all(b["focusable"] == b["overflows"] for b in wide), (path, wide)
        assert any(not b["overflows"] for b in wide), path

        page.set_viewport_size({"width": 320, "height": 800})  # checked again on resize
        page.wait_for_function(
            "[...document.querySelectorAll('.table-scroll')]"
            ".every(b => (b.scrollWidth > b.clientWidth) === b.hasAttribute('tabindex'))"
        )
        if path == CAMPAIGN:  # its before-and-after tables are wider than a small phone
            narrow = page.evaluate(SCROLL_BOXES)
            assert any(b["overflows"] and b["focusable"] for b in narrow), narrow
    page.close()


def test_without_javascript_every_table_box_stays_a_keyboard_stop(browser, site):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(site + CAMPAIGN)
    boxes = page.evaluate(SCROLL_BOXES)
    assert boxes and all(b["focusable"] for b in boxes)
    context.close()
