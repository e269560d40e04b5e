import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from campaigns.demo import CAMPAIGN_SLUG
from campaigns.models import Campaign
from tests.demo_snapshot import DemoSnapshot, capture_demo
from tests.regions.factories import manager_user
from tests.signing_in import sign_in


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker) -> DemoSnapshot:
    """What `load_demo` adds to an empty database, made once per test session (and worker)."""
    with django_db_blocker.unblock():
        return capture_demo()


@pytest.fixture
def demo(db, demo_snapshot) -> Campaign:
    """The demo campaign, as `make run` loads it: the rows `load_demo` made once, put back in
    this test's database (tests/demo_snapshot.py)."""
    demo_snapshot.restore()
    return Campaign.objects.get(slug=CAMPAIGN_SLUG)


@pytest.fixture
def manager(db):
    return manager_user()


@pytest.fixture
def manager_client(client, manager):
    sign_in(client, manager)
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
