"""A campaign manager signs in with two factors in Chromium: the first time, setting up an app
from the QR code's key; then with a recovery code; the page never fetches from elsewhere."""

import base64
import re

from playwright.sync_api import expect

PASSWORD = "a-long-browser-test-password"


def app_code(secret: str) -> str:
    """What an authenticator app shows for a key typed into it (RFC 6238, 30 s, 6 digits)."""
    from django_otp.oath import totp

    text = secret.replace(" ", "")
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    return f"{totp(key):06d}"


def password_step(page, site: str) -> None:
    page.goto(site + "/admin/login/")
    page.fill("#id_username", "morgan")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def test_a_manager_sets_up_an_app_then_signs_in_with_a_recovery_code(browser, site):
    from tests.regions.factories import manager_user

    manager_user(username="morgan", password=PASSWORD)
    context = browser.new_context()
    page = context.new_page()
    elsewhere = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(site) else elsewhere.append(request.url),
    )

    password_step(page, site)
    expect(page).to_have_url(re.compile(r"/admin/two-factor/set-up/"))
    expect(page.locator(".two-factor-qr svg")).to_be_visible()
    secret = page.locator("#two-factor-secret").inner_text()
    page.fill("#id_code", app_code(secret))
    page.click("#two-factor-form input[type=submit]:not([name])")

    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have kept my recovery codes: continue").click()
    expect(page.locator("#user-tools")).to_be_visible()
    assert elsewhere == []

    page.locator("#logout-form button").click()
    password_step(page, site)
    expect(page).to_have_url(re.compile(r"/admin/two-factor/verify/"))
    page.fill("#id_code", codes[0])
    page.click("#two-factor-form input[type=submit]:not([name])")
    expect(page.locator("#user-tools")).to_be_visible()
    expect(page.get_by_text("You signed in with a recovery code; 9 are left")).to_be_visible()
    context.close()
