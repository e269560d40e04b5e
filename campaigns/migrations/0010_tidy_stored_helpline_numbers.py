# Stored helpline numbers brought into a form the libphonenumber-based validation accepts, where
# they differ from one only in how they are written: '0044 …' becomes '+44 …', dots, dashes and
# slashes between digits become spaces, '(0161) 496 0000' loses its brackets, and stray or
# repeated spaces go. The digits dialled never change. A number that this does not make
# acceptable is left exactly as it was, for an editor to correct.

import re

from django.core.exceptions import ValidationError
from django.db import migrations
from django.db.models import F
from django.utils import timezone

from campaigns.phones import validate_phone_number

SPACES = re.compile(r"\s+")  # any kind of space, no-break spaces included
SEPARATOR = re.compile(r"(?<=[0-9])[.\-/](?=[0-9])")  # 0808.1000.900, 0808-1000-900
AREA_CODE_IN_BRACKETS = re.compile(r"^\((0[0-9]+)\) *")  # (0161) 496 0000
INTERNATIONAL_00 = re.compile(r"^00 *(?=[1-9])")  # 0044 808 1000 900


def dialled(text):
    """The keys pressed to call the number, with + pressed as 00."""
    text = text.strip()
    if text.startswith("+"):
        text = "00" + text[1:]
    return "".join(c for c in text if c.isdigit())


def accepted(text):
    try:
        validate_phone_number(text)
    except ValidationError:
        return False
    return True


def tidy_phone(text):
    """The number in a form the validation accepts, or the text unchanged if none is found
    without changing the digits dialled."""
    candidate = text.strip()
    candidate = SEPARATOR.sub(" ", candidate)
    candidate = AREA_CODE_IN_BRACKETS.sub(r"\1 ", candidate)
    candidate = INTERNATIONAL_00.sub("+", candidate)
    candidate = SPACES.sub(" ", candidate).strip()
    if candidate != text and accepted(candidate) and dialled(candidate) == dialled(text):
        return candidate
    return text


def tidy_helpline_numbers(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    SiteVersion = apps.get_model("campaigns", "SiteVersion")
    changed = 0
    for pk, phone in Campaign.objects.values_list("pk", "helpline_phone"):
        tidied = tidy_phone(phone)
        if tidied != phone:
            changed += Campaign.objects.filter(pk=pk).update(helpline_phone=tidied)
    if changed:
        # Public pages are cached under the content version: show the numbers as tidied.
        bumped = SiteVersion.objects.filter(pk=1).update(
            number=F("number") + 1, changed_at=timezone.now()
        )
        if not bumped:
            SiteVersion.objects.get_or_create(pk=1, defaults={"number": 1})


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0009_one_day_periods"),
    ]

    operations = [
        # Backwards there is nothing to undo: a tidied number dials the same as the original,
        # which is not kept.
        migrations.RunPython(tidy_helpline_numbers, migrations.RunPython.noop),
    ]
