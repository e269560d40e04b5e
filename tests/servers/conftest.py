"""Tests of the site on several servers: a shared Redis (`-m redis`, run by `make test-redis`,
which CI runs after .ci/redis.sh installs redis-server) and object storage (moto's S3 server,
a Python package, so those run with every `make test`)."""

import pytest

from tests.servers.services import redis_server


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A real redis-server for this test session (and worker); the tests fail, saying how to
    install it, where it is missing."""
    try:
        with redis_server() as url:
            yield url
    except RuntimeError as error:
        pytest.fail(str(error))
