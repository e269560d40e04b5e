import datetime
import zoneinfo

import pytest

from campaigns.publishing import Status
from tests.campaigns.factories import PressStatementFactory, QuoteFactory, ReportedFigureFactory
from tests.press.factories import ContactFactory, ContactListFactory
from tests.press.smtp import Recorder, SMTPServer

UK = zoneinfo.ZoneInfo("Europe/London")
# The demo's statement went out under embargo until one minute past midnight on 3 July 2018.
EMBARGO = datetime.datetime(2018, 7, 3, 0, 1, tzinfo=UK)
BEFORE = datetime.datetime(2018, 7, 1, 10, 0, tzinfo=UK)
AFTER = datetime.datetime(2018, 7, 3, 9, 0, tzinfo=UK)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def smtp(recorder, settings):
    """A real SMTP server on loopback, and the site's email set to go to it."""
    with SMTPServer(recorder) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield server


def scheduled_statement(**kwargs):
    """A statement scheduled for the embargo time, with a quote and a figure, in both
    languages."""
    statement = PressStatementFactory(
        title="Calls to the helpline doubled",
        title_cy="Galwadau i'r llinell gymorth wedi dyblu",
        summary="More people asked for help.",
        summary_cy="Gofynnodd mwy o bobl am help.",
        body="The campaign **worked**.",
        body_cy="Gweithiodd yr ymgyrch.",
        **{"status": Status.PUBLISHED, "publish_at": EMBARGO, "slug": "calls-doubled", **kwargs},
    )
    QuoteFactory(
        statement=statement,
        text="Getting help takes one phone call.",
        text_cy="Un alwad ffôn yw cael help.",
    )
    ReportedFigureFactory(statement=statement, label_cy="Newid yn y bobl a gysylltodd")
    return statement


@pytest.fixture
def statement(db):
    return scheduled_statement()


@pytest.fixture
def press_list(db):
    return ContactListFactory(name="North West regional press")


@pytest.fixture
def contacts(press_list):
    return [
        ContactFactory(name="Ann English", email="ann@example.org", lists=[press_list]),
        ContactFactory(
            name="Bryn Cymraeg", email="bryn@example.com", language="cy", lists=[press_list]
        ),
    ]
