"""A partner data officer's import screens in Chromium: the problems of a refused file on the
first screen of a phone, and the statistics list without sideways scrolling on a laptop."""

import pytest

BAD_FILE = (
    b"region_code,period_start,period_end,value,source\r\n"
    b"W15000001,01/07/2018,31/12/2018,151,North Wales Police\r\n"
    b"W15000001,01/01/2019,30/06/2019,lots,North Wales Police\r\n"
)


@pytest.fixture
def partner(site):
    """The demo's North Wales Police data officer, with a password to sign in with."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="northwales")
    user.set_password("a-long-browser-test-password")
    user.save()
    return user


def sign_in(browser, site: str, width: int):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(site + "/admin/login/")
    page.fill("#id_username", "northwales")
    page.fill("#id_password", "a-long-browser-test-password")
    page.click("input[type=submit]")
    return page


def test_a_refused_files_problems_are_on_a_phones_first_screen(browser, site, partner):
    page = sign_in(browser, site, 375)
    page.click("text=Import figures")
    page.set_input_files(
        "#id_import_file",
        files=[{"name": "figures.csv", "mimeType": "text/csv", "buffer": BAD_FILE}],
    )
    page.click("form.import-upload input[type=submit]")

    problems = page.locator("#import-problems")
    assert "Row 3, value: 'lots' is not a number." in problems.inner_text()
    box = problems.bounding_box()
    form = page.locator("form.import-upload").bounding_box()
    assert box["y"] < 800, box  # its top is on the first screen
    assert box["y"] + box["height"] <= form["y"], (box, form)
    page.close()


def test_the_statistics_list_does_not_scroll_sideways_on_a_laptop(browser, site, partner):
    page = sign_in(browser, site, 1280)
    page.goto(site + "/admin/regions/statistic/")
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth,"
        " document.querySelector('#result_list').parentElement.scrollWidth,"
        " document.querySelector('#result_list').parentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
    assert widths[2] <= widths[3], widths  # the results table fits its box
    for column in ["Region", "Period", "Value", "Source", "Import batch"]:
        assert page.locator("#result_list thead th", has_text=column).first.is_visible()
    page.close()
