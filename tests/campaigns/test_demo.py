import html
import io
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from campaigns.demo import DATA_OFFICER_USERNAME, MANAGER_USERNAME, STATEMENT_SLUG
from campaigns.models import Campaign, PressStatement
from core.roles import CAMPAIGN_MANAGERS, PARTNER_DATA_OFFICERS
from regions.models import PartnerMembership, Region, Statistic
from regions.permissions import regions_for_user
from tests.demo_snapshot import foreign_keys, table_models

pytestmark = pytest.mark.django_db


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every project table, and every user, as plain values."""
    tables = {}
    for model in [
        *apps.get_app_config("regions").get_models(),
        *apps.get_app_config("campaigns").get_models(),
    ]:
        tables[model._meta.label] = sorted(map(repr, model.objects.values_list()))
        for field in model._meta.many_to_many:
            through = getattr(model, field.name).through
            tables[through._meta.label] = sorted(map(repr, through.objects.values_list()))
    tables["users"] = sorted(map(repr, get_user_model().objects.values_list()))
    return tables


def printed_passwords(output: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+(\S+)\s+password: (\S+)$", output, re.M))


def test_second_run_creates_nothing_and_changes_nothing():
    first = run_demo()
    before = snapshot()
    second = run_demo()
    assert snapshot() == before
    assert "0 created, 0 updated" in second
    assert "0 created" not in first
    assert Campaign.objects.count() == 1
    assert Statistic.objects.count() == 4
    assert PressStatement.objects.count() == 2  # one public, one in review


def test_a_second_run_keeps_a_managers_edits_unless_asked_to_restore():
    run_demo()
    campaign = Campaign.objects.get()
    campaign.title = "Edited by a campaign manager"
    campaign.slug = "edited-address"
    campaign.save()
    campaign.regions.remove(Region.objects.get(slug="cumbria"))
    run_demo()
    campaign = Campaign.objects.get()  # still one: found by its demo mark, not its address
    assert campaign.title == "Edited by a campaign manager"
    assert not campaign.regions.filter(slug="cumbria").exists()

    output = run_demo("--restore")
    campaign = Campaign.objects.get()
    assert campaign.title == "Stop it Now! in North West England and North Wales"
    assert campaign.regions.filter(slug="cumbria").exists()
    assert "0 created, 2 updated" in output


def test_first_run_counts_only_creations():
    assert re.search(r"\d+ created, 0 updated, 0 already there", run_demo())


def password_works(username: str, password: str) -> bool:
    return get_user_model().objects.get(username=username).check_password(password)


def test_demo_accounts_get_generated_passwords_that_work():
    passwords = printed_passwords(run_demo())
    assert set(passwords) == {MANAGER_USERNAME, DATA_OFFICER_USERNAME}
    assert passwords[MANAGER_USERNAME] != passwords[DATA_OFFICER_USERNAME]
    for username, password in passwords.items():
        assert len(password) >= 12
        assert password_works(username, password)

    again = run_demo()
    assert printed_passwords(again) == {}
    assert "already exist" in again

    reset = printed_passwords(run_demo("--reset-passwords"))
    assert reset[MANAGER_USERNAME] != passwords[MANAGER_USERNAME]
    assert not password_works(MANAGER_USERNAME, passwords[MANAGER_USERNAME])
    assert password_works(MANAGER_USERNAME, reset[MANAGER_USERNAME])


def test_passwords_differ_between_installations():
    first = printed_passwords(run_demo())
    get_user_model().objects.all().delete()
    second = printed_passwords(run_demo())
    assert first[MANAGER_USERNAME] != second[MANAGER_USERNAME]


def test_demo_accounts_have_their_roles():
    run_demo()
    user_model = get_user_model()
    manager = user_model.objects.get(username=MANAGER_USERNAME)
    officer = user_model.objects.get(username=DATA_OFFICER_USERNAME)
    assert manager.is_staff and not manager.is_superuser
    assert manager.groups.filter(name=CAMPAIGN_MANAGERS).exists()
    assert officer.is_staff and not officer.is_superuser
    assert officer.groups.filter(name=PARTNER_DATA_OFFICERS).exists()
    assert PartnerMembership.objects.get(user=officer).organisation.name == "North Wales Police"
    assert list(regions_for_user(officer).values_list("name", flat=True)) == ["North Wales"]


def test_dry_run_saves_nothing():
    output = run_demo("--dry-run")
    assert "Dry run" in output
    assert not Campaign.objects.exists()
    assert not get_user_model().objects.exists()


def test_demo_regions_carry_their_codes_and_groupings(demo):
    north_wales = Region.objects.get(slug="north-wales")
    assert north_wales.gss_code == "W15000001"
    assert north_wales.police_uk_id == "north-wales"
    assert {g.name for g in north_wales.groupings.all()} == {"Wales", "North West and North Wales"}
    rocu_area = Region.objects.get(slug="north-west-and-north-wales")
    assert rocu_area.gss_code is None
    assert rocu_area.members.count() == 6
    assert Region.objects.get(gss_code="E12000002").members.count() == 5


def test_campaign_page_shows_the_published_figures_with_their_periods(client, demo):
    html = client.get(demo.get_absolute_url()).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert re.search(
        r"North Wales\s+84\s+about 14 a month\s+139\s+about 23 a month\s+up 65%\s+\(\+55\)", text
    )
    assert re.search(
        r"North West and North Wales\s+1,747\s+about 290 a month\s+3,549\s+about 590 a month"
        r"\s+up 103%\s+\(\+1,802\)",
        text,
    )
    for area, percent in [("Lancashire", 146), ("Cheshire", 193), ("Cumbria", 186)]:
        assert re.search(
            rf"{area}\s+not published\s+not published\s+up {percent}%\s+as reported",
            text,
        ), area
    assert "Before launch July to December 2017" in text
    assert "After launch January to June 2018" in text
    assert "nearly 600 a month" in text
    assert 'href="tel:08081000900"' in html
    assert "Demonstration content" in html
    assert "Donald Findlater" in html and "Alan Barr" in html


def test_statement_page_shows_reported_figures(client, demo):
    statement = demo.statements.get(slug=STATEMENT_SLUG)
    html = client.get(statement.get_absolute_url()).content.decode()
    for figure in ["+65%", "+146%", "+193%", "+186%", "+103%", "nearly 600 a month"]:
        assert figure in html
    assert "January to June 2018 compared with July to December 2017" in html


def comparable_rows() -> dict[str, list[dict]]:
    """Every row of every table, in no order, with ids replaced by each row's place in its
    table (ids are not reused on PostgreSQL, so a second load gets others; many-to-many links
    are added in an order that follows the ids) and without the times and password hashes that
    differ from one load to the next."""
    rows = {
        model: list(
            model._base_manager.order_by("pk").values(
                *[f.attname for f in model._meta.concrete_fields]
            )
        )
        for model in table_models()
    }
    places = {
        model: {row[model._meta.pk.attname]: place for place, row in enumerate(table)}
        for model, table in rows.items()
    }
    # A sign-off link works for a week from when it was made.
    volatile = {"password", "date_joined", "last_login", "created_at", "expires_at"}
    comparable = {}
    for model, table in rows.items():
        references = {f.attname: f.related_model for f in foreign_keys(model)}
        changing = volatile | {
            f.attname
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        }
        comparable[model._meta.label] = sorted(
            repr(
                {
                    name: places[references[name]].get(value) if name in references else value
                    for name, value in row.items()
                    if name not in changing and name != model._meta.pk.attname
                }
            )
            for row in table
        )
    return comparable


class RollBack(Exception):
    pass


def test_the_demo_fixture_holds_exactly_what_load_demo_makes(demo_snapshot):
    try:
        with transaction.atomic():
            run_demo()
            loaded = comparable_rows()
            raise RollBack
    except RollBack:
        pass
    assert not Campaign.objects.exists()

    demo_snapshot.restore()
    assert comparable_rows() == loaded
    assert Campaign.objects.count() == 1
    assert set(get_user_model().objects.values_list("username", flat=True)) == {
        MANAGER_USERNAME,
        DATA_OFFICER_USERNAME,
    }


def test_the_demo_has_a_statement_in_review_and_prints_its_sign_off_link(client):
    output = run_demo()

    statement = PressStatement.objects.get(slug="why-police-back-the-helpline")
    assert statement.status == "in_review" and statement.is_demo
    url = re.search(r"^\s+(http://\S+/sign-off/\S+/)$", output, re.M).group(1)
    page = client.get(url.removeprefix("http://127.0.0.1:8000"))
    assert page.status_code == 200
    assert statement.title in html.unescape(page.text)
    assert "Alan Barr" in page.text
    # Run again, it prints the same link rather than making another.
    assert url in run_demo()
