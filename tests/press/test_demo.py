"""The demo's press lists and contacts, as `make run` loads them."""

import io

import pytest
from django.core.management import call_command

from press.models import Contact, ContactList

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_lists_and_fictional_contacts_one_preferring_welsh(demo):
    assert sorted(ContactList.objects.values_list("name", flat=True)) == [
        "North West regional press",
        "Welsh-language media",
    ]
    contacts = list(Contact.objects.all())
    assert len(contacts) == 4
    assert all(c.email.endswith(("@example.org", "@example.com")) for c in contacts)
    assert all("(demo)" in c.name for c in contacts)
    assert all(c.lawful_basis and c.basis_recorded_on for c in contacts)
    welsh = [c for c in contacts if c.language == "cy"]
    assert [c.email for c in welsh] == ["desg.newyddion@example.com"]
    assert welsh[0].lists.filter(name="Welsh-language media").exists()


def test_loading_again_changes_nothing_and_restore_puts_a_contact_back(demo):
    desk = Contact.objects.get(email="newsdesk@example.org")
    desk.outlet = "Edited"
    desk.save()
    desk.lists.clear()
    call_command("load_demo", stdout=io.StringIO())
    desk.refresh_from_db()
    assert desk.outlet == "Edited"  # a manager's edit is kept
    assert Contact.objects.count() == 4

    call_command("load_demo", "--restore", stdout=io.StringIO())
    desk.refresh_from_db()
    assert desk.outlet == "Example Evening News (demo)"
    assert list(desk.lists.values_list("name", flat=True)) == ["North West regional press"]
