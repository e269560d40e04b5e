"""Press emails queued on Redis through RQ (DJANGO_TASKS_REDIS_URL): the site queues the task,
a worker on another host (`press_worker`, which then runs an RQ worker with its scheduler)
sends each email once, and a send waiting for its publish time goes out after it."""

import datetime

import pytest
import redis
from django.utils import timezone

from press import delivery
from press.models import Delivery, PressSend
from tests.press.conftest import scheduled_statement
from tests.press.factories import ContactFactory, ContactListFactory
from tests.press.smtp import Recorder, SMTPServer
from tests.servers.services import press_worker, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rq_tasks(settings, redis_url):
    """This process queues its tasks on the test Redis, as the site does with
    DJANGO_TASKS_REDIS_URL set."""
    redis.Redis.from_url(redis_url).flushdb()
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 3600}}
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"], "OPTIONS": {}}
    }
    return redis_url


def test_a_worker_on_redis_sends_each_email_once_and_waits_for_the_publish_time(rq_tasks):
    press = ContactListFactory(name="Regional press")
    ContactFactory(email="ann@example.org", lists=[press])
    ContactFactory(email="bryn@example.com", language="cy", lists=[press])
    now = timezone.now()
    published = scheduled_statement(publish_at=now - datetime.timedelta(days=1))
    upcoming = scheduled_statement(slug="next-week", publish_at=now + datetime.timedelta(seconds=4))
    recorder = Recorder()

    with SMTPServer(recorder) as smtp:
        now_send = delivery.send_create(
            statement=published, lists=[press], kind=PressSend.Kind.PUBLICATION, user=None
        )
        later_send = delivery.send_create(
            statement=upcoming, lists=[press], kind=PressSend.Kind.PUBLICATION, user=None
        )
        queued = redis.Redis.from_url(rq_tasks)
        assert queued.llen("rq:queue:default") == 1  # the deferred one waits in RQ's schedule
        assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 0

        with press_worker(
            DJANGO_TASKS_REDIS_URL=rq_tasks, DJANGO_EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}"
        ) as worker:
            wait_for(
                lambda: (
                    worker.poll() is not None
                    or Delivery.objects.filter(status=Delivery.Status.SENT).count() == 4
                ),
                "four press emails sent and recorded",
                seconds=60,
            )
            assert worker.poll() is None, worker.stdout.read()

    # Each email of each send arrived, once, at its own address.
    arrived = sorted((r.envelope_to, r.message["Message-ID"]) for r in recorder.received)
    expected = sorted(
        ([d.email], d.message_id) for d in Delivery.objects.filter(send__in=[now_send, later_send])
    )
    assert arrived == expected and len(expected) == 4
    for send in (now_send, later_send):
        assert {d.status for d in send.deliveries.all()} == {Delivery.Status.SENT}
    first_later = min(d.sent_at for d in later_send.deliveries.all())
    assert first_later >= upcoming.publish_at
