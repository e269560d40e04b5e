"""Who may import statistics: partners only for the regions their organisation covers, and only
users with permission to add and change statistics.
"""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from regions.models import ImportBatch
from tests.regions.factories import UserFactory, data_officer
from tests.regions.statistics_import import (
    CHANGELIST_URL,
    CORPUS,
    IMPORT_URL,
    NOT_COVERED,
    PROCESS_URL,
    TEMPLATE_URL,
    confirm_fields,
    corpus,
    import_file,
    messages_of,
    page_text,
    preview,
    problems_of,
    run_command,
    signed_in,
    snapshot,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_unpack_limit")]


@pytest.fixture
def titan_officer(organisations):
    """A data officer of TITAN, which covers the North West and North Wales grouping."""
    return data_officer(organisations["titan"], username="titan-officer")


@pytest.fixture
def titan_client(titan_officer) -> Client:
    return signed_in(titan_officer)


@pytest.fixture
def view_only_user(demo):
    user = UserFactory(username="viewer")
    user.user_permissions.add(Permission.objects.get(codename="view_statistic"))
    return user


@pytest.fixture
def add_only_user(demo):
    user = UserFactory(username="adder")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_statistic", "add_statistic"])
    )
    return user


@pytest.fixture
def no_group_user(demo):
    return UserFactory(username="no-group")


# --- Partners import only their own regions -------------------------------------------------------


def test_north_wales_officer_cannot_import_cumbria(officer_client):
    before = snapshot()
    response = preview(officer_client, "other-partners-region.csv")
    assert problems_of(response) == [NOT_COVERED]
    assert NOT_COVERED in page_text(response)
    assert snapshot() == before


def test_titan_officer_imports_member_areas_and_the_grouping(titan_client, titan_officer, regions):
    import_file(titan_client, "titan.csv")

    batch = ImportBatch.objects.get()
    assert batch.organisation.slug == "titan"
    imported = dict(batch.statistics.values_list("region__slug", "value"))
    assert imported == {"cumbria": 31, "cheshire": 32, "north-west-and-north-wales": 3549}


def test_titan_officer_cannot_import_an_area_outside_the_grouping(titan_client):
    data = corpus("titan.csv") + b"W92000004,2024-03-05,2024-09-04,5,TITAN,\r\n"
    response = preview(titan_client, "titan.csv", data=data)
    assert problems_of(response) == [
        "Row 5, region_code: W92000004 is not a region your organisation covers. It covers "
        "E23000006 (Cheshire), E23000002 (Cumbria), E23000005 (Greater Manchester), "
        "E23000003 (Lancashire), E23000004 (Merseyside) and 2 more."
    ]


@pytest.mark.parametrize("name", ["other-partners-region.csv", "titan.csv"])
def test_manager_imports_any_region(demo, manager_client, name):
    response = import_file(manager_client, name)
    batch = ImportBatch.objects.get()
    assert batch.statistics.count() == len(corpus(name).splitlines()) - 1
    assert any(f"Imported {name}:" in message for message in messages_of(response))


def test_command_user_option_restricts_to_that_users_regions(officer, titan_officer):
    before = snapshot()
    stdout, stderr, error = run_command(
        str(CORPUS / "other-partners-region.csv"), "--user", officer.username
    )
    assert error is not None
    assert stderr.splitlines() == [NOT_COVERED]
    assert snapshot() == before

    stdout, stderr, error = run_command(
        str(CORPUS / "other-partners-region.csv"), "--user", titan_officer.username
    )
    assert error is None, stderr
    assert ImportBatch.objects.get().organisation.slug == "titan"


# --- Permissions ----------------------------------------------------------------------------------


UNPRIVILEGED = ["view_only_user", "add_only_user", "no_group_user"]


@pytest.mark.parametrize("user_fixture", UNPRIVILEGED)
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", IMPORT_URL),
        ("post", IMPORT_URL),
        ("post", PROCESS_URL),
        ("get", TEMPLATE_URL.format("csv")),
        ("get", TEMPLATE_URL.format("xlsx")),
        ("post", TEMPLATE_URL.format("csv")),
    ],
)
def test_users_without_add_and_change_permission_cannot_import(
    request, user_fixture, method, url, demo, manager_client
):
    # Something real to confirm: the manager's upload, waiting.
    fields = confirm_fields(preview(manager_client, "good.csv"))
    client = signed_in(request.getfixturevalue(user_fixture))
    before = snapshot()

    if method == "get":
        response = client.get(url)
    elif url == PROCESS_URL:
        response = client.post(url, fields)
    else:
        response = client.post(
            url, {"resource": "0", "format": "0", "import_file": upload("good.csv")}
        )

    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("user_fixture", [*UNPRIVILEGED, "manager", "officer"])
def test_confirmation_url_refuses_get(request, user_fixture, demo):
    client = signed_in(request.getfixturevalue(user_fixture))
    response = client.get(PROCESS_URL)
    # 403 without permission; with it, 405: the confirmation is only ever posted.
    assert response.status_code == (405 if user_fixture in ("manager", "officer") else 403)


@pytest.mark.parametrize("user_fixture", UNPRIVILEGED)
def test_users_without_permission_see_no_import_link(request, user_fixture):
    response = signed_in(request.getfixturevalue(user_fixture)).get(CHANGELIST_URL)
    assert IMPORT_URL not in response.content.decode()


def test_command_refuses_a_user_without_permission(view_only_user):
    before = snapshot()
    stdout, stderr, error = run_command(str(CORPUS / "good.csv"), "--user", view_only_user.username)
    assert error == (
        "'viewer' may not import these: missing permission regions.add_statistic, "
        "regions.change_statistic."
    )
    assert snapshot() == before
