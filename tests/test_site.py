import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.campaigns.factories import CampaignFactory, PressStatementFactory
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent


def test_robots_txt_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_sitemap_lists_published_pages_only(client):
    published = CampaignFactory(slug="open")
    statement = PressStatementFactory(campaign=published, slug="news")
    secret = CampaignFactory(slug="secret", status="draft", publish_at=None)
    covered, hidden = RegionFactory(slug="covered-area"), RegionFactory(slug="hidden-area")
    published.regions.add(covered)
    secret.regions.add(hidden)
    xml = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/</loc>" in xml
    assert published.get_absolute_url() in xml
    assert statement.get_absolute_url() in xml
    assert "/regions/covered-area/" in xml
    assert published.lead_organisation.get_absolute_url() in xml
    assert "/campaigns/secret/" not in xml
    assert "/regions/hidden-area/" not in xml
    assert secret.lead_organisation.get_absolute_url() not in xml


def test_server_errors_get_a_plain_page_without_details(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.error_urls"
    response = Client(raise_request_exception=False).get("/fail/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "secret detail" not in html


def test_server_errors_under_cy_get_the_plain_page_in_welsh(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.error_urls"
    response = Client(raise_request_exception=False).get("/cy/fail/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="cy">' in html
    assert "<h1>Aeth rhywbeth o'i le</h1>" in html
    assert '<a href="/cy/">Mynd i' in html
    assert "Something went wrong" not in html and "secret detail" not in html


def test_a_refused_form_gets_the_sites_own_page():
    response = Client(enforce_csrf_checks=True).post(
        reverse("admin:login"), {"username": "manager", "password": "x"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form could not be sent" in html and "Nothing was saved" in html
    assert 'class="skip-link"' in html
    assert "CSRF" not in html


def test_home_page_title_names_the_site_once(client):
    html = client.get("/").content.decode()
    assert "<title>Campaigns</title>" in html


def test_admin_login_is_not_advertised_on_public_pages(client):
    html = client.get(reverse("campaigns:home")).content.decode()
    assert "/admin/" not in html


def run_settings(base_dir: Path = BASE_DIR, **environment: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    env.update(environment)
    return subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "-c", "import campaign_site.settings"],
        cwd=base_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key_and_hosts():
    no_key = run_settings(DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="example.org")
    assert no_key.returncode != 0
    assert "DJANGO_SECRET_KEY" in no_key.stderr
    no_hosts = run_settings(DJANGO_ENV="production", DJANGO_SECRET_KEY="x" * 60)
    assert no_hosts.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in no_hosts.stderr
    debug = run_settings(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="example.org",
        DJANGO_DEBUG="1",
    )
    assert debug.returncode != 0
    ok = run_settings(
        DJANGO_ENV="production", DJANGO_SECRET_KEY="x" * 60, DJANGO_ALLOWED_HOSTS="example.org"
    )
    assert ok.returncode == 0, ok.stderr


@pytest.fixture
def local_env_file() -> Iterator[Path]:
    """The .env beside manage.py that `make run` leaves: the one already there, left untouched,
    or else one made for the test (with a secret key and hosts) and removed afterwards."""
    path = BASE_DIR / ".env"
    try:
        made = path.open("x")
    except FileExistsError:
        made = None
    if made:
        with made:
            made.write(f"DJANGO_SECRET_KEY={'y' * 60}\nDJANGO_ALLOWED_HOSTS=example.org\n")
    try:
        yield path
    finally:
        if made:
            path.unlink(missing_ok=True)


def test_production_is_never_configured_by_the_local_env_file(local_env_file):
    no_key = run_settings(DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="example.org")
    assert no_key.returncode != 0
    assert "DJANGO_SECRET_KEY" in no_key.stderr
    no_hosts = run_settings(DJANGO_ENV="production", DJANGO_SECRET_KEY="x" * 60)
    assert no_hosts.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in no_hosts.stderr


def test_an_env_file_that_itself_says_production_configures_production(tmp_path):
    # The settings copied beside a .env of the test's own, so the checkout's .env is not touched.
    (tmp_path / "campaign_site").mkdir()
    for name in ["__init__.py", "settings.py", "release.py"]:
        shutil.copy(BASE_DIR / "campaign_site" / name, tmp_path / "campaign_site" / name)
    env_file = tmp_path / ".env"
    env_file.write_text(f"DJANGO_ENV=production\nDJANGO_SECRET_KEY={'y' * 60}\n")

    no_hosts = run_settings(base_dir=tmp_path)
    assert no_hosts.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in no_hosts.stderr

    env_file.write_text(env_file.read_text() + "DJANGO_ALLOWED_HOSTS=example.org\n")
    started = run_settings(base_dir=tmp_path)
    assert started.returncode == 0, started.stderr


def test_a_garbled_database_url_is_refused_with_a_message_that_names_it():
    garbled = run_settings(
        DATABASE_URL="Removed stale pid file.\npostgres://campaigns:x@127.0.0.1:5432/campaigns"
    )
    assert garbled.returncode != 0
    assert "DATABASE_URL is not a database address" in garbled.stderr
    assert "Removed stale pid file." in garbled.stderr
    assert run_settings(DATABASE_URL="postgres://u:p@127.0.0.1:5432/db").returncode == 0


def directives(policy: str) -> dict[str, str]:
    """A Content-Security-Policy header as directive -> sources: django-csp writes the directives
    in an order that differs from one process to the next (browsers give it no meaning)."""
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.mark.django_db
def test_public_pages_forbid_the_browser_to_load_anything_from_elsewhere(client, demo):
    for url in [
        reverse("campaigns:home"),
        demo.get_absolute_url(),
        "/no-such-page/",
        "/regions/nowhere/",
    ]:
        policy = directives(client.get(url)["Content-Security-Policy"])
        assert policy["default-src"] == "'none'"
        assert policy["script-src"] == "'self'"  # the site's own file; nothing inline
        assert policy["style-src"] == "'self'"
        assert policy["img-src"] == "'self' data:"
        assert policy["frame-ancestors"] == "'none'"


def test_uploads_on_another_host_are_allowed_as_pictures_only(client, settings):
    from campaign_site.settings import content_security_policy

    settings.MEDIA_URL = "https://media.example.org/uploads/"
    settings.CONTENT_SECURITY_POLICY = content_security_policy(
        settings.MEDIA_URL, f"/{settings.ADMIN_URL}"
    )
    policy = directives(client.get(reverse("campaigns:home"))["Content-Security-Policy"])

    assert policy["img-src"] == "'self' data: https://media.example.org"
    assert not [
        name
        for name, sources in policy.items()
        if "media.example.org" in sources and name != "img-src"
    ]


EXPECTED_POLICY = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "base-uri": "'none'",
    "form-action": "'none'",
    "frame-ancestors": "'none'",
}


def test_error_pages_carry_the_same_policy(settings):
    not_found = Client().get("/no-such-page/")
    assert not_found.status_code == 404
    assert directives(not_found["Content-Security-Policy"]) == EXPECTED_POLICY

    refused = Client(enforce_csrf_checks=True).post(reverse("campaigns:home"))
    assert refused.status_code == 403
    assert "This form could not be sent" in refused.content.decode()
    assert directives(refused["Content-Security-Policy"]) == EXPECTED_POLICY

    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.error_urls"
    failed = Client(raise_request_exception=False).get("/fail/")
    assert failed.status_code == 500
    assert directives(failed["Content-Security-Policy"]) == EXPECTED_POLICY


@pytest.mark.django_db
def test_the_admin_keeps_its_own_scripts(admin_client):
    assert "Content-Security-Policy" not in admin_client.get(reverse("admin:index"))
    assert "Content-Security-Policy" not in admin_client.get("/admin/no-such-page/")
    assert "Content-Security-Policy" not in admin_client.get(reverse("admin:login"))


@pytest.mark.django_db
def test_a_compressed_page_keeps_one_etag_and_revalidates_with_304(client, demo):
    url = demo.get_absolute_url()
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    second = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip"
    assert first["ETag"] == second["ETag"]

    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


def test_robots_txt_answers_head_requests(client):
    response = client.head("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")


def test_the_policy_lets_the_page_reach_its_own_site_only(client):
    policy = directives(client.get(reverse("campaigns:home"))["Content-Security-Policy"])
    assert policy["connect-src"] == "'self'"


@pytest.mark.django_db
def test_every_response_denies_the_browser_features_no_page_uses(client, admin_client, demo):
    responses = [
        client.get(reverse("campaigns:home")),
        client.get(demo.get_absolute_url()),
        client.get("/no-such-page/"),
        client.get("/robots.txt"),
        admin_client.get(reverse("admin:index")),
        admin_client.get(reverse("admin:campaigns_campaign_change", args=[demo.pk])),
        Client().get(reverse("admin:login")),
    ]
    for response in responses:
        policy = response["Permissions-Policy"]
        for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
            assert f"{feature}=()" in policy.split(", ")


def test_the_sitemap_lists_every_area_and_partner_page_the_public_pages_link_to(client):
    from regions.models import Region
    from tests.regions.factories import OrganisationFactory

    campaign = CampaignFactory()
    covered = RegionFactory(slug="covered")
    grouping = RegionFactory(slug="grouping", kind=Region.Kind.GROUPING, gss_code=None)
    member = RegionFactory(slug="member-of-grouping")  # linked from the grouping's page
    nation = RegionFactory(slug="nation", kind=Region.Kind.NATION, gss_code=None)
    covered.groupings.add(grouping)
    member.groupings.add(grouping)
    grouping.groupings.add(nation)  # the grouping's page links it as "Part of"
    campaign.regions.add(covered)
    police = OrganisationFactory(slug="police-covering-member")  # on the member's page
    police.regions.add(member, RegionFactory(slug="police-area"))  # on the police's page
    issuer = OrganisationFactory(slug="issuer")
    PressStatementFactory(campaign=campaign).issuing_organisations.add(issuer)
    issuer.regions.add(RegionFactory(slug="issuer-area"))
    RegionFactory(slug="linked-from-nowhere")
    OrganisationFactory(slug="on-no-page")

    xml = client.get("/sitemap.xml").content.decode()

    for slug in [
        "covered",
        "grouping",
        "member-of-grouping",
        "nation",
        "police-area",
        "issuer-area",
    ]:
        assert f"/regions/{slug}/</loc>" in xml, slug
    for slug in ["police-covering-member", "issuer", campaign.lead_organisation.slug]:
        assert f"/partners/{slug}/</loc>" in xml, slug
    assert "/regions/linked-from-nowhere/" not in xml
    assert "/partners/on-no-page/" not in xml
    assert f"<loc>http://testserver{reverse('accessibility')}</loc>" in xml
