"""The page cache on a shared Redis: several app servers (separate processes, as on separate
hosts) fill and read one cache, and every one of them shows an edit on the next request."""

import urllib.request

import pytest
import redis
from django.core.cache import cache, caches

from tests.campaigns.factories import CampaignFactory
from tests.servers.services import site_process

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def get(address: str, path: str) -> tuple[str, str]:
    """The page's text and whether the page cache had it, asked for as a load balancer in front
    of the app servers asks: under the site's one host name."""
    request = urllib.request.Request(address + path, headers={"Host": "localhost"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (loopback)
        return response.read().decode(), response.headers["X-Page-Cache"]


@pytest.fixture
def shared_cache(redis_url):
    redis.Redis.from_url(redis_url).flushdb()
    return redis_url


def test_a_redis_cache_url_uses_djangos_own_backend(settings, shared_cache):
    # The settings read DJANGO_CACHE_URL (tests/servers/test_settings.py checks the mapping);
    # here Django's backend itself stores and reads a page-sized value through the server.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": shared_cache,
        }
    }
    caches["default"].set("probe", b"x" * 100_000, 30)
    assert cache.get("probe") == b"x" * 100_000
    assert redis.Redis.from_url(shared_cache).dbsize() == 1


def test_app_servers_share_the_page_cache_and_all_show_an_edit_at_once(shared_cache):
    campaign = CampaignFactory(title="Speak up early", title_cy="Siaradwch yn gynnar")
    path = campaign.get_absolute_url()
    store = redis.Redis.from_url(shared_cache)

    with (
        site_process(DJANGO_CACHE_URL=shared_cache) as first,
        site_process(DJANGO_CACHE_URL=shared_cache) as second,
    ):
        page, state = get(first, path)
        assert (state, "Speak up early" in page) == ("miss", True)
        # The second server never built the page: it reads what the first stored in Redis.
        assert get(second, path) == (page, "hit")
        assert any(store.scan_iter("*public-page*"))

        # An edit saved anywhere (here: neither app server) shows on both at the next request.
        campaign.title = "Help is one call away"
        campaign.save()

        page, state = get(second, path)
        assert (state, "Help is one call away" in page, "Speak up early" in page) == (
            "miss",
            True,
            False,
        )
        assert get(first, path) == (page, "hit")
