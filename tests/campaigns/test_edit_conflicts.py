"""No lost edits: of two managers saving the same campaign or statement from forms opened at the
same time, the second is told who saved what in between, keeps their input, and can then save
it on purpose."""

import html
import html.parser

import pytest
from django.test import Client

from campaigns.models import Campaign, PressStatement
from campaigns.workflow import start_new_edition
from tests.regions.factories import manager_user
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


class FormFields(html.parser.HTMLParser):
    """The values a browser would send for the admin's change form, as a dict of lists."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self.select = name
            self.fields.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields[self.select].append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea][0] += data


def opened_form(client: Client, url: str) -> dict[str, list[str]]:
    page = client.get(url)
    assert page.status_code == 200
    parser = FormFields()
    parser.feed(page.content.decode())
    fields = parser.fields
    fields.pop("csrfmiddlewaretoken", None)
    # A textarea's first line break belongs to the markup, not the text.
    return {name: [v.removeprefix("\n") for v in values] for name, values in fields.items()}


def signed_in(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


@pytest.mark.parametrize("model", [Campaign, PressStatement])
def test_the_second_of_two_saves_is_refused_and_keeps_its_input(demo, model):
    # The demo's items are public: they change through a new edition.
    item = start_new_edition(model.objects.filter(is_demo=True).order_by("pk").first(), None)
    url = f"/admin/campaigns/{model._meta.model_name}/{item.pk}/change/"
    alice = signed_in(manager_user(username="alice"))
    bob = signed_in(manager_user(username="bob", first_name="Bob", last_name="Jones"))
    alices_form = opened_form(alice, url)
    bobs_form = opened_form(bob, url)

    bobs_form["summary_en_gb"] = ["Bob's summary."]
    assert bob.post(url, bobs_form).status_code == 302
    alices_form["title_en_gb"] = ["Alice's title"]
    refused = alice.post(url, alices_form)

    assert refused.status_code == 200
    errors = " ".join(refused.context["adminform"].form.non_field_errors())
    assert "Not saved" in errors
    assert "Bob Jones" in html.unescape(errors) and "Summary" in errors
    item.refresh_from_db()
    assert item.summary == "Bob's summary."
    assert item.title != "Alice's title"
    page = refused.content.decode()
    assert "Alice&#x27;s title" in page  # her input is still in the form

    # Having read it, she saves again from the form as it came back: hers is kept.
    again = FormFields()
    again.feed(page)
    data = {k: [v.removeprefix("\n") for v in vs] for k, vs in again.fields.items()}
    data.pop("csrfmiddlewaretoken", None)
    assert alice.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.title == "Alice's title"


def test_saving_twice_from_forms_opened_one_after_the_other_is_fine(demo):
    campaign = start_new_edition(Campaign.objects.get(is_demo=True), None)
    url = f"/admin/campaigns/campaign/{campaign.pk}/change/"
    alice = signed_in(manager_user(username="alice"))
    for title in ("First title", "Second title"):
        form = opened_form(alice, url)
        form["title_en_gb"] = [title]
        assert alice.post(url, form).status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Second title"
    assert campaign.version == 3


def test_every_save_raises_the_version(demo):
    campaign = Campaign.objects.get(is_demo=True)
    version = campaign.version
    campaign.save()
    campaign.save(update_fields=["title"])
    campaign.refresh_from_db()
    assert campaign.version == version + 2
