"""Real services for the several-servers tests: a redis-server, and the site in processes of
its own sharing it, as app servers on several hosts would."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
SERVE = Path(__file__).with_name("serve.py")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, what: str, seconds: float = 20.0) -> None:
    """Poll `check` until it answers truthily, or fail naming what never came up."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except (OSError, redis.RedisError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {seconds:.0f} s")
        time.sleep(0.05)


@contextmanager
def redis_server() -> Iterator[str]:
    """A throwaway redis-server on a free loopback port, keeping nothing on disk; yields its
    address. Fails, naming the fix, where redis-server is not installed."""
    program = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
    )
    if program is None:
        raise RuntimeError(
            "redis-server is not installed: `bash .ci/redis.sh` (as root) installs it; "
            "`make test-redis` runs these tests."
        )
    with tempfile.TemporaryDirectory(prefix="campaign-redis-") as folder:
        port = free_port()
        process = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [
                program,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                folder,
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{port}/0"
        try:
            wait_for(lambda: redis.Redis.from_url(url).ping(), f"redis-server on port {port}")
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def database_url() -> str:
    """The address of the database this test uses (the test database), for another process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST'] or '127.0.0.1'}"
        f":{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def process_environment(**variables: str) -> dict[str, str]:
    """The environment of a site process: this one's, less any DJANGO_ setting, plus these."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="campaign_site.settings_test",
        DATABASE_URL=database_url(),
        DJANGO_SECRET_KEY="a-test-key-shared-by-the-processes-of-one-site-0123456789",
        **variables,
    )
    return env


@contextmanager
def site_process(**variables: str) -> Iterator[str]:
    """The site served over HTTP by a process of its own, its page cache on; yields its
    address."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [sys.executable, str(SERVE), str(port)],
        cwd=BASE_DIR,
        env=process_environment(**variables),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(port) or process.poll() is not None, f"the site at {address}")
        if process.poll() is not None:
            raise RuntimeError(f"The site process stopped: {process.stderr.read()}")
        yield address
    finally:
        process.terminate()
        process.wait(timeout=10)


def _answers(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1):
        return True


@contextmanager
def press_worker(**variables: str) -> Iterator[subprocess.Popen]:
    """`manage.py press_worker` in a process of its own, as a worker host runs it."""
    process = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [sys.executable, "manage.py", "press_worker"],
        cwd=BASE_DIR,
        env=process_environment(**variables),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise RuntimeError(
                f"press_worker did not stop on SIGTERM: {process.communicate()[0]}"
            ) from None
