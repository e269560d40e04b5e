"""One-click unsubscribe: public, no login, no cookies, never on a mere GET."""

import pytest
from django.test import Client

from press.unsubscribe import token_for, unsubscribe_path
from tests.press.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact():
    return ContactFactory(email="Ann@Example.org", name="Ann")


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True)


def test_opening_the_link_only_asks(browser, contact):
    response = browser.get(unsubscribe_path(contact, "en-gb"))

    assert response.status_code == 200
    assert "Stop sending press statements from" in response.text
    assert '<form method="post"' in response.text
    contact.refresh_from_db()
    assert contact.unsubscribed_at is None
    assert response.cookies == {}
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert "form-action 'self'" in response["Content-Security-Policy"]


def test_one_click_post_unsubscribes_at_once_without_a_csrf_token(browser, contact):
    response = browser.post(
        unsubscribe_path(contact, "en-gb"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert "is sent no more press statements" in response.text
    contact.refresh_from_db()
    assert contact.unsubscribed_at is not None
    assert response.cookies == {}


def test_unsubscribing_twice_keeps_the_first_time(browser, contact):
    browser.post(unsubscribe_path(contact, "en-gb"))
    contact.refresh_from_db()
    first = contact.unsubscribed_at
    browser.post(unsubscribe_path(contact, "en-gb"))
    contact.refresh_from_db()
    assert contact.unsubscribed_at == first
    assert "is already unsubscribed" in browser.get(unsubscribe_path(contact, "en-gb")).text


def test_the_welsh_link_answers_in_welsh(browser, contact):
    response = browser.get(unsubscribe_path(contact, "cy"))
    assert response.status_code == 200
    assert '<html lang="cy">' in response.text
    assert "Dad-danysgrifio" in response.text


def test_a_changed_token_is_refused(browser, contact):
    path = unsubscribe_path(contact, "en-gb")
    response = browser.post(path.replace(token_for(contact), token_for(contact)[:-2] + "xx"))
    assert response.status_code == 404
    assert "This unsubscribe link does not work" in response.text
    contact.refresh_from_db()
    assert contact.unsubscribed_at is None


def test_a_token_stops_working_when_the_address_changes(browser, contact):
    path = unsubscribe_path(contact, "en-gb")
    contact.email = "ann.new@example.org"
    contact.save()
    assert browser.post(path).status_code == 404
    contact.refresh_from_db()
    assert contact.unsubscribed_at is None
