import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from campaigns.demo import CAMPAIGN_SLUG
from campaigns.models import Campaign
from tests.regions.factories import manager_user


@pytest.fixture
def demo(db) -> Campaign:
    """The demo campaign, loaded as `make run` loads it."""
    call_command("load_demo", stdout=io.StringIO())
    return Campaign.objects.get(slug=CAMPAIGN_SLUG)


@pytest.fixture
def manager(db):
    return manager_user()


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def png_bytes(width: int = 8, height: int = 4) -> bytes:
    """A real, tiny PNG image."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def stored_png() -> str:
    """The storage name of a small PNG already saved in the (temporary) media folder."""
    return default_storage.save("campaigns/hero.png", ContentFile(png_bytes()))
