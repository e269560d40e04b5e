"""Importing press contacts: all or nothing, every problem by row and column, matched by
email whatever its case, never subscribing anyone again, never changing consent silently."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from press import imports
from press.models import Contact
from regions.imports.results import FileErrors
from tests.press.factories import ContactFactory, ContactListFactory
from tests.regions.factories import RegionFactory
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

HEADER = "name,outlet,email,language,lists,areas,topics,lawful_basis,basis_recorded_on\r\n"


@pytest.fixture
def lists():
    return [
        ContactListFactory(name="North West regional press"),
        ContactListFactory(name="Welsh-language media"),
    ]


@pytest.fixture
def north_wales():
    return RegionFactory(name="North Wales", gss_code="W15000001")


def csv(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\r\n" for row in rows)).encode()


GOOD = csv(
    "News desk,Daily Post,newsdesk@example.org,English,North West regional press,"
    "North Wales,policing,legitimate interests,25/05/2018",
    "Bryn Jones,Radio Cymru,Bryn@Example.com,Cymraeg,"
    "Welsh-language media;North West regional press,W15000001,,consent,2018-06-01",
)


def test_a_good_file_adds_contacts_with_their_lists_and_areas(lists, north_wales):
    plan = imports.contacts_import(data=GOOD, file_name="press.csv")

    assert len(plan.new) == 2
    bryn = Contact.objects.get(email="Bryn@Example.com")
    assert bryn.language == "cy"
    assert bryn.lawful_basis == "consent"
    assert bryn.basis_recorded_on == datetime.date(2018, 6, 1)
    assert sorted(c.name for c in bryn.lists.all()) == [
        "North West regional press",
        "Welsh-language media",
    ]
    assert list(bryn.areas.all()) == [north_wales]
    desk = Contact.objects.get(email="newsdesk@example.org")
    assert desk.lawful_basis == "legitimate_interests" and desk.topics == "policing"


def test_a_workbook_reads_as_a_csv_does(lists, north_wales):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(
        [
            "Desk",
            "Post",
            "desk@example.org",
            "en",
            "Welsh-language media",
            "",
            "",
            "Consent",
            datetime.datetime(2018, 5, 25),  # noqa: DTZ001 (a sheet's cells have no zone)
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    imports.contacts_import(data=buffer.getvalue(), file_name="press.xlsx")

    assert Contact.objects.get().basis_recorded_on == datetime.date(2018, 5, 25)


def test_any_problem_imports_nothing_and_each_is_named_by_row_and_column(lists, north_wales):
    bad = csv(
        "Good Row,Post,good@example.org,English,,,,consent,25/05/2018",
        "No Address,Post,not-an-address,English,,,,consent,25/05/2018",
        "Who,Post,who@example.org,Klingon,Nowhere list,Atlantis,,maybe,31/02/2018",
        ",Post,good@EXAMPLE.org,English,,,,consent,=TODAY()",
    )
    with pytest.raises(FileErrors) as refused:
        imports.contacts_import(data=bad, file_name="press.csv")

    problems = refused.value.messages
    assert "Row 3, email: 'not-an-address' is not an email address." in problems
    assert any(p.startswith("Row 4, language: 'Klingon' is not a language") for p in problems)
    assert any(
        p.startswith("Row 4, lists: there is no press list called 'Nowhere list'") for p in problems
    )
    assert any(p.startswith("Row 4, areas: there is no area called 'Atlantis'") for p in problems)
    assert any(p.startswith("Row 4, lawful_basis: 'maybe' is not a lawful basis") for p in problems)
    assert any(p.startswith("Row 4, basis_recorded_on:") for p in problems)
    assert any(p.startswith("Row 5, name: is empty") for p in problems)
    assert "Row 5, email: good@EXAMPLE.org is already in row 2: one row per address." in problems
    assert any(p.startswith("Row 5, basis_recorded_on:") and "formula" in p for p in problems)
    assert not Contact.objects.exists()


def test_a_missing_column_is_said_before_any_row(lists):
    data = b"name,email\r\nAnn,ann@example.org\r\n"
    with pytest.raises(FileErrors) as refused:
        imports.plan_contacts(data, "press.csv")
    assert "The required column 'lawful_basis' is missing." in refused.value.messages


def test_contacts_are_matched_by_email_whatever_its_case(lists):
    ann = ContactFactory(email="ann@example.org", name="Ann", outlet="Old paper")
    data = csv("Ann,New paper,ANN@EXAMPLE.ORG,,,,,legitimate interests,25/05/2018")

    plan = imports.contacts_import(data=data, file_name="press.csv")

    assert [change.fields for change in plan.changed] == [["outlet"]]
    ann.refresh_from_db()
    assert ann.outlet == "New paper"
    assert ann.email == "ann@example.org"
    assert Contact.objects.count() == 1


def test_an_import_never_subscribes_again(lists):
    gone = datetime.datetime(2018, 6, 1, tzinfo=datetime.UTC)
    ContactFactory(email="gone@example.org", unsubscribed_at=gone)
    data = csv(
        "Gone,Post,gone@example.org,,North West regional press,,,legitimate interests,25/05/2018"
    )

    plan = imports.contacts_import(data=data, file_name="press.csv")

    assert plan.unsubscribed == ["gone@example.org"]
    assert Contact.objects.get().unsubscribed_at == gone


def test_a_change_of_lawful_basis_is_listed_not_silent(lists):
    ContactFactory(email="ann@example.org", name="Ann")
    data = csv("Ann,,ann@example.org,,,,,consent,01/06/2018")

    plan = imports.plan_contacts(data, "press.csv")

    assert plan.basis_changes == [
        "ann@example.org: Legitimate interests recorded 25/05/2018 becomes Consent recorded "
        "01/06/2018"
    ]


def test_an_import_never_takes_anyone_off_a_list(lists):
    ann = ContactFactory(email="ann@example.org", name="Ann", lists=[lists[0]])
    data = csv("Ann,,ann@example.org,,Welsh-language media,,,legitimate interests,25/05/2018")
    imports.contacts_import(data=data, file_name="press.csv")
    assert ann.lists.count() == 2


def test_the_admin_previews_then_imports(manager_client, lists, north_wales):
    url = reverse("admin:press_contact_import")
    upload = io.BytesIO(GOOD)
    upload.name = "press.csv"

    preview = manager_client.post(url, {"file": upload})

    assert "add 2 new contacts" in preview.text
    assert not Contact.objects.exists()
    token = preview.context["token"]
    done = manager_client.post(url, {"token": token}, follow=True)
    assert "Imported press.csv: 2 new contacts, 0 changed, 0 unchanged." in done.text
    assert Contact.objects.count() == 2
    again = manager_client.post(url, {"token": token}, follow=True)
    assert "no longer waiting" in again.text
    assert Contact.objects.count() == 2


def test_the_admin_lists_every_problem_and_imports_nothing(manager_client, lists):
    upload = io.BytesIO(csv("Ann,,ann@example.org,Klingon,,,,consent,25/05/2018"))
    upload.name = "press.csv"
    page = manager_client.post(reverse("admin:press_contact_import"), {"file": upload})
    assert "Nothing was imported from press.csv" in page.text
    assert "Row 2, language: &#x27;Klingon&#x27; is not a language" in page.text
    assert not Contact.objects.exists()


def test_partners_cannot_import(client, lists):
    from tests.regions.factories import OrganisationFactory, data_officer

    sign_in(client, data_officer(OrganisationFactory()))
    assert client.get(reverse("admin:press_contact_import")).status_code == 403
