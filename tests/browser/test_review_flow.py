"""Writing, reviewing and scheduling a press statement in Chromium, as two campaign managers do
it, counting what they click; the list pages on a laptop; and a partner's sign-off page, which
sets no cookie."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import give_code

PASSWORD = "a-long-browser-test-password"
LAPTOP = {"width": 1280, "height": 800}
# Writing a statement and scheduling it: both managers' clicks, keypresses that act (Enter) and
# choices, signing in left out. An earlier admin took 28 in Chromium at 1280 px.
MOST_CLICKS = 15


class Editor:
    """One person in the browser, counting each action that is not typing: every click(),
    check(), select_option() and press("Enter")."""

    def __init__(self, browser, site: str, username: str) -> None:
        self.context = browser.new_context(viewport=LAPTOP)
        self.page = self.context.new_page()
        self.site = site
        self.clicks = 0
        self.page.goto(site + "/admin/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("input[type=submit]")  # signing in is not counted
        give_code(self.page, username)
        expect(self.page.locator("#user-tools")).to_be_visible()

    def click(self, locator) -> None:
        locator.click()
        self.clicks += 1

    def press_enter(self, locator) -> None:
        locator.press("Enter")
        self.clicks += 1

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def managers(site):
    """Alice and Bob, campaign managers with passwords and authenticator apps, and the demo
    loaded."""
    from tests.regions.factories import manager_user
    from tests.signing_in import authenticator

    users = (
        manager_user(username="alice", first_name="Alice", last_name="Ashby", password=PASSWORD),
        manager_user(username="bob", first_name="Bob", last_name="Brown", password=PASSWORD),
    )
    for user in users:
        authenticator(user)
    return users


def write_statement(browser, site: str, title: str) -> Editor:
    """Alice writes a statement from the admin home and submits it for review."""
    alice = Editor(browser, site, "alice")
    page = alice.page
    alice.click(page.get_by_role("link", name="Write a press statement"))
    alice.click(page.locator(".field-campaign .select2-selection"))
    page.locator(".select2-search__field").fill("Stop it Now")
    option = page.locator(".select2-results__option", has_text="Stop it Now")
    expect(option.first).to_be_visible()
    alice.press_enter(page.locator(".select2-search__field"))
    expect(page.locator(".field-campaign .select2-selection__rendered")).to_contain_text(
        "Stop it Now"
    )
    page.fill("#id_title_en_gb", title)
    page.fill("#id_summary_en_gb", "Police forces and the charity report more calls for help.")
    # The campaign covers North Wales: its statements publish only with their Welsh texts.
    page.fill("#id_title_cy", f"{title} (Cymraeg)")
    page.fill("#id_summary_cy", "Mae heddluoedd a'r elusen yn sôn am fwy o alwadau am help.")
    # Offered beside Save at the top and the bottom of the form; the bottom one, after the fields.
    alice.click(page.get_by_role("button", name="Save and submit for review").last)
    expect(page.locator(".messagelist")).to_contain_text("Submitted for review")
    return alice


def test_two_managers_write_and_schedule_a_statement_in_few_clicks(browser, site, managers):
    from django.utils import timezone

    from campaigns.models import PressStatement
    from campaigns.publishing import Status

    title = "Helpline calls rise as police join the campaign"
    alice = write_statement(browser, site, title)
    statement = PressStatement.objects.get(title=title)
    assert statement.status == Status.IN_REVIEW
    assert statement.submitted_by.username == "alice"
    alice.close()

    bob = Editor(browser, site, "bob")
    page = bob.page
    awaiting = page.locator("#awaiting-review")
    bob.click(awaiting.get_by_role("link", name=title))
    expect(page.locator("#workflow-state")).to_have_text("In review")
    bob.click(page.locator(".workflow-actions").get_by_role("button", name="Approve"))
    expect(page.locator("#workflow-state")).to_have_text("Approved")

    # Summer next year, at 09:30 in the UK: British Summer Time, so 08:30 UTC.
    day = datetime.date(timezone.localdate().year + 1, 7, 15)
    bob.click(page.locator(".workflow-actions summary", has_text="Schedule"))
    page.fill("#id_date", day.isoformat())
    page.fill("#id_time", "09:30")
    bob.click(page.locator(".workflow-actions").get_by_role("button", name="Schedule for then"))

    when = f"{day.day} July {day.year}, 09:30"
    expect(page.locator("#workflow-state")).to_have_text(f"Scheduled for {when}")
    expect(page.locator(".messagelist")).to_contain_text(f"Scheduled for {when}")
    statement.refresh_from_db()
    assert statement.status == Status.PUBLISHED
    assert statement.publish_at == datetime.datetime(day.year, 7, 15, 8, 30, tzinfo=datetime.UTC)
    assert statement.approved_by.username == "bob"

    clicks = alice.clicks + bob.clicks
    print(f"Writing and scheduling a statement: {clicks} clicks ({alice.clicks} + {bob.clicks})")  # noqa: T201
    assert clicks <= MOST_CLICKS
    bob.close()


def test_a_manager_cannot_approve_what_she_submitted(browser, site, managers):
    title = "Calls to the helpline double"
    alice = write_statement(browser, site, title)
    page = alice.page  # back on her statement, saved and submitted
    expect(page.locator("#workflow-state")).to_have_text("In review")
    expect(page.locator(".workflow-actions").get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.locator(".workflow")).to_contain_text(
        re.compile(r"someone else must approve it \(a second pair of eyes\)")
    )
    alice.close()


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/campaigns/campaign/", "/admin/campaigns/pressstatement/"]
)
def test_the_lists_fit_a_laptop_screen(browser, site, managers, path):
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.goto(site + "/admin/login/?next=" + path)
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    give_code(page, "alice")
    expect(page.locator("#user-tools")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"], path
    if path != "/admin/":
        results = page.locator("#result_list")
        widths = results.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
        assert widths[0] <= widths[1], widths  # the table fits its box: no scrolling inside
        for column in ["Title", "Public page"]:
            expect(results.locator("thead th", has_text=column).first).to_be_visible()
        if path.endswith("pressstatement/"):
            expect(results.locator("thead th", has_text="Campaign").first).to_be_visible()
    context.close()


def test_a_partner_signs_off_a_quote_without_cookies(browser, site):
    from campaigns import signoff
    from campaigns.demo import REVIEW_STATEMENT_SLUG
    from campaigns.models import PressStatement, QuoteApproval

    statement = PressStatement.objects.get(slug=REVIEW_STATEMENT_SLUG)
    (organisation,) = signoff.quoted_organisations(statement)
    link = signoff.make_link(statement, organisation, None)

    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(signoff.absolute_link_url(link, site))
    page.get_by_role("link", name="Go to the quotes to decide on").click()
    form = page.locator(".sign-off form").first
    expect(form).to_be_in_viewport()
    form.get_by_label("Your name").fill("Sam Partner")
    form.get_by_role("button", name="Approve").click()
    expect(page.locator("#sign-off-done")).to_be_visible()
    expect(page.locator(".sign-off-decisions")).to_contain_text("Approved by Sam Partner")
    assert context.cookies() == []
    decision = QuoteApproval.objects.get(statement=statement)
    assert (decision.name, decision.decision) == ("Sam Partner", "approved")
    context.close()
