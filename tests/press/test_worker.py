"""The real background worker (django-tasks-db's, started as `make run` starts it) against a real
SMTP server on loopback: sends, and a worker killed mid-send resumes without duplicates."""

import datetime
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from press import delivery
from press.models import Delivery, PressSend
from tests.press.conftest import scheduled_statement
from tests.press.factories import ContactFactory

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(settings.BASE_DIR)
WAIT_SECONDS = 60  # the most any wait below may take before the test fails
# The workers' own output (each test process its own file).
WORKER_LOG = Path(tempfile.gettempdir()) / f"press-worker-test-{os.getpid()}.log"


def database_url() -> str:
    """The test database (committed rows only: a transactional test) for another process."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{db['NAME']}"


def start_worker(smtp_port: int, claim_seconds: int = 2) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "campaign_site.settings_test",
        "DATABASE_URL": database_url(),
        "DJANGO_EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_PRESS_CLAIM_SECONDS": str(claim_seconds),
        "DJANGO_PRESS_RETRY_SECONDS": "1",
    }
    return subprocess.Popen(  # noqa: S603 (this interpreter, this project's manage.py)
        [sys.executable, "manage.py", "press_worker", "--interval", "0.2"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=WORKER_LOG.open("a"),
    )


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            # What the workers said, so that a failure here can be understood afterwards.
            said = WORKER_LOG.read_text()[-4000:] if WORKER_LOG.exists() else ""
            raise AssertionError(f"Still waiting after {WAIT_SECONDS}s for {what}:\n{said}")
        time.sleep(0.1)


def all_sent(send: PressSend) -> bool:
    return not send.deliveries.exclude(status=Delivery.Status.SENT).exists()


@pytest.fixture
def embargoed(press_list):
    statement = scheduled_statement()
    statement.publish_at = timezone.now() + datetime.timedelta(days=2)
    statement.save()
    addresses = [f"desk{n}@example.org" for n in range(8)]
    for address in addresses:
        ContactFactory(email=address, lists=[press_list])
    return statement, addresses


def test_the_worker_sends_every_email_once(embargoed, press_list, smtp):
    statement, addresses = embargoed
    worker = start_worker(smtp.port)
    try:
        send = delivery.send_create(
            statement=statement, lists=[press_list], kind=PressSend.Kind.EMBARGO, user=None
        )
        wait_until(lambda: all_sent(send), "every email to be sent")
    finally:
        stop(worker)

    assert sorted(r.envelope_to[0] for r in smtp.recorder.received) == sorted(addresses)
    for received in smtp.recorder.received:
        assert received.subject.startswith("EMBARGOED UNTIL ")
        assert received.text.startswith("EMBARGOED UNTIL ")
        assert statement.get_absolute_url() not in received.text + received.html


def test_a_worker_killed_mid_send_resumes_without_duplicates(embargoed, press_list, smtp):
    statement, addresses = embargoed
    smtp.recorder.hold_rcpt_number = 3  # the third email waits for the server's answer
    worker = start_worker(smtp.port)
    try:
        send = delivery.send_create(
            statement=statement, lists=[press_list], kind=PressSend.Kind.EMBARGO, user=None
        )
        assert smtp.recorder.holding.wait(WAIT_SECONDS), "the worker never reached the third"
        worker.send_signal(signal.SIGKILL)  # no chance to tidy up
        worker.wait(timeout=WAIT_SECONDS)
        smtp.recorder.release.set()
        assert len(smtp.recorder.received) == 2
        statuses = list(send.deliveries.values_list("status", flat=True))
        assert statuses.count(Delivery.Status.SENT) == 2
        assert statuses.count(Delivery.Status.SENDING) == 1  # held by the dead worker

        worker = start_worker(smtp.port)
        wait_until(lambda: all_sent(send), "the restarted worker to finish the send")
    finally:
        stop(worker)

    received = sorted(r.envelope_to[0] for r in smtp.recorder.received)
    assert received == sorted(addresses)  # each address exactly once
    assert len({r.message["Message-ID"] for r in smtp.recorder.received}) == len(addresses)
