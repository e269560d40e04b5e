import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from regions.imports.storage import DatabaseStorage
from regions.models import Organisation, PendingImport
from tests.bilingual import english
from tests.conftest import png_bytes

pytestmark = pytest.mark.django_db


def image_upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def gif_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="GIF")
    return buffer.getvalue()


def organisation_form_data(**extra) -> dict:
    return english(
        {
            "name": "North Wales Police",
            "slug": "north-wales-police",
            "kind": "police_force",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            **extra,
        },
        "regions",
    )


def test_logo_upload_stores_the_image_and_its_size(manager_client):
    response = manager_client.post(
        "/admin/regions/organisation/add/",
        organisation_form_data(logo=image_upload("logo.png", png_bytes(30, 10))),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = Organisation.objects.get()
    assert (organisation.logo_width, organisation.logo_height) == (30, 10)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.gif", gif_bytes(), "Use PNG, JPEG or WebP"),
        ("logo.png", gif_bytes(), "Use PNG, JPEG or WebP"),
        (
            "logo.png",
            b"this is not an image at all",
            "This file is not a picture this site can use",
        ),
    ],
    ids=["gif", "gif named png", "not an image"],
)
def test_logo_that_is_not_png_jpeg_or_webp_is_refused(manager_client, name, content, message):
    response = manager_client.post(
        "/admin/regions/organisation/add/",
        organisation_form_data(logo=image_upload(name, content)),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organisation.objects.exists()


def test_logo_over_the_size_limit_is_refused(manager_client, settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 100
    response = manager_client.post(
        "/admin/regions/organisation/add/",
        organisation_form_data(logo=image_upload("logo.png", png_bytes(200, 200))),
    )
    assert "the largest allowed is 100" in response.content.decode()
    assert not Organisation.objects.exists()


def test_clear_pending_imports_deletes_only_abandoned_uploads(settings, django_user_model):
    settings.IMPORT_PENDING_HOURS = 24
    user = django_user_model.objects.create(username="officer")
    old = PendingImport.objects.create(token="old", user=user, content=b"x")
    PendingImport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    PendingImport.objects.create(token="fresh", user=user, content=b"y")

    out = io.StringIO()
    call_command("clear_pending_imports", "--dry-run", stdout=out)
    assert "1 upload(s) older than 24 hours would be deleted." in out.getvalue()
    assert PendingImport.objects.count() == 2

    call_command("clear_pending_imports", stdout=out)
    assert list(PendingImport.objects.values_list("token", flat=True)) == ["fresh"]


def test_a_waiting_upload_is_claimed_once_and_only_by_its_owner(settings, django_user_model):
    settings.IMPORT_PENDING_HOURS = 24
    owner = django_user_model.objects.create(username="officer")
    other = django_user_model.objects.create(username="someone-else")
    PendingImport.objects.create(token="waiting", user=owner, content=b"x", details={})

    assert DatabaseStorage(name="waiting", user=other).claim() is False
    assert DatabaseStorage(name="waiting", user=owner).claim() is True
    assert DatabaseStorage(name="waiting", user=owner).claim() is False
    assert not PendingImport.objects.exists()


def test_an_expired_upload_cannot_be_claimed(settings, django_user_model):
    settings.IMPORT_PENDING_HOURS = 24
    owner = django_user_model.objects.create(username="officer")
    old = PendingImport.objects.create(token="old", user=owner, content=b"x", details={})
    PendingImport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )

    assert DatabaseStorage(name="old", user=owner).claim() is False


def test_a_phones_multi_picture_jpeg_is_stored_as_a_plain_upright_jpeg(manager_client):
    import io

    from PIL import Image

    photo, preview = Image.new("RGB", (160, 90), (200, 30, 30)), Image.new("RGB", (40, 20))
    exif = Image.Exif()
    exif[0x0112] = 6  # shown a quarter turn clockwise
    buffer = io.BytesIO()
    photo.save(buffer, format="MPO", save_all=True, append_images=[preview], exif=exif)
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"

    response = manager_client.post(
        "/admin/regions/organisation/add/",
        organisation_form_data(logo=image_upload("photo.jpg", buffer.getvalue())),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = Organisation.objects.get()
    with organisation.logo.open("rb") as stored:
        image = Image.open(stored)
        assert image.format == "JPEG"
        assert image.size == (90, 160)
        assert dict(image.getexif()) == {}
    assert (organisation.logo_width, organisation.logo_height) == (90, 160)
