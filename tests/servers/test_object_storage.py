"""Uploads and waiting import files on object storage (the S3 API), against a local
S3-compatible server (moto's), with the settings a server reads from its environment."""

import io
import json
import re
import urllib.request

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer
from PIL import Image

from regions.imports.storage import DatabaseStorage, PendingImportMissing
from regions.models import PendingImport
from tests.campaigns.factories import CampaignFactory
from tests.regions.factories import OrganisationFactory, data_officer
from tests.servers.services import free_port
from tests.servers.test_settings import settings_in

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::campaign-media/*",
        }
    ],
}
KEYS = {"DJANGO_S3_ACCESS_KEY_ID": "local", "DJANGO_S3_SECRET_ACCESS_KEY": "local-secret"}


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_server, settings, tmp_path):
    """Two buckets, public media and private imports, and the site's settings for them as
    campaign_site/settings.py makes them from DJANGO_S3_* variables."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="eu-west-2",
        aws_access_key_id="local",
        aws_secret_access_key="local-secret",
    )
    for bucket in ("campaign-media", "campaign-imports"):
        client.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
    # What docs/deployment.md asks of the media bucket: anyone may read its objects.
    client.put_bucket_policy(Bucket="campaign-media", Policy=json.dumps(PUBLIC_READ))
    made = settings_in(
        tmp_path,
        "STORAGES",
        "MEDIA_URL",
        "CONTENT_SECURITY_POLICY",
        DJANGO_S3_BUCKET="campaign-media",
        DJANGO_S3_IMPORTS_BUCKET="campaign-imports",
        DJANGO_S3_ENDPOINT_URL=s3_server,
        DJANGO_S3_REGION="eu-west-2",
        **KEYS,
    )
    settings.STORAGES = {
        **made["STORAGES"],
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_URL = made["MEDIA_URL"]
    settings.CONTENT_SECURITY_POLICY = made["CONTENT_SECURITY_POLICY"]
    yield client
    for bucket in ("campaign-media", "campaign-imports"):
        for found in client.list_objects_v2(Bucket=bucket).get("Contents", []):
            client.delete_object(Bucket=bucket, Key=found["Key"])
        client.delete_bucket(Bucket=bucket)


def jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, format="JPEG")
    return buffer.getvalue()


def keys(client, bucket: str) -> list[str]:
    return [found["Key"] for found in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_a_hero_image_is_stored_in_the_bucket_and_the_page_links_it(s3, s3_server, client):
    campaign = CampaignFactory(
        hero_image=SimpleUploadedFile("hero.jpg", jpeg(1600, 900), content_type="image/jpeg"),
        hero_image_alt="A volunteer answering the helpline",
    )

    stored = keys(s3, "campaign-media")
    # The upload, and its renditions at the widths pages show it (core/renditions.py).
    assert campaign.hero_image.name in stored
    assert all(key.startswith("CACHE/images/") for key in stored if key != campaign.hero_image.name)
    page = client.get(campaign.get_absolute_url())
    source = re.search(r'<img class="hero" src="([^"]+)"', page.text).group(1)
    rendition = source.removeprefix(f"{s3_server}/campaign-media/")
    assert rendition != source and rendition in stored
    # The browser may load it: the page's policy names the bucket's host, and the bucket serves
    # the very picture, with a long cache life (a new picture gets a new name).
    assert s3_server in page["Content-Security-Policy"]
    with urllib.request.urlopen(source, timeout=10) as response:  # noqa: S310 (loopback)
        picture = Image.open(io.BytesIO(response.read()))
        assert picture.size[0] <= 1600 and picture.format == "JPEG"
        assert "immutable" in response.headers["Cache-Control"]
    # Another app server reads the same object: nothing was kept on this one's disk.
    campaign.refresh_from_db()
    assert (campaign.hero_image_width, campaign.hero_image_height) == (1600, 900)


def test_a_waiting_import_file_lives_in_the_private_bucket_until_confirmed(s3):
    officer = data_officer(OrganisationFactory())
    upload = DatabaseStorage(user=officer, details={"file_name": "figures.csv"})
    upload.save(b"region,value\nE23000005,146\n")

    pending = PendingImport.objects.get()
    assert bytes(pending.content) == b""  # the bytes are in the bucket, not the database
    assert keys(s3, "campaign-imports") == [f"pending-imports/{upload.name}"]
    assert keys(s3, "campaign-media") == []

    # The confirmation, perhaps on another app server, reads it back by the token alone.
    confirming = DatabaseStorage(user=officer)
    confirming.name = upload.name
    assert confirming.read() == b"region,value\nE23000005,146\n"
    assert confirming.details == {"file_name": "figures.csv"}

    assert confirming.claim() is True
    assert keys(s3, "campaign-imports") == []
    with pytest.raises(PendingImportMissing):
        confirming.read()


def test_a_waiting_file_whose_object_is_gone_is_missing_not_an_error(s3):
    officer = data_officer(OrganisationFactory())
    upload = DatabaseStorage(user=officer, details={"file_name": "figures.csv"})
    upload.save(b"region,value\n")
    s3.delete_object(Bucket="campaign-imports", Key=f"pending-imports/{upload.name}")

    with pytest.raises(PendingImportMissing):
        upload.read()
