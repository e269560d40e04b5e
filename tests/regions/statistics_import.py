"""What the statistics import tests (tests/regions/test_statistics_*.py) share: the corpus of
files, the admin's import pages driven as a browser drives them, and the command.
"""

import datetime
import html
import io
import re
from pathlib import Path

from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from campaigns.demo import METRIC_SLUG
from regions.imports.formats import dataset_from_bytes
from regions.models import ImportBatch, Metric, PendingImport, Statistic
from tests.signing_in import sign_in

CORPUS = Path(__file__).parent / "import_files"
IMPORT_URL = "/admin/regions/statistic/import/"
PROCESS_URL = "/admin/regions/statistic/process_import/"
TEMPLATE_URL = "/admin/regions/statistic/import/template.{}"
CHANGELIST_URL = "/admin/regions/statistic/"
EXPORT_URL = "/admin/regions/statistic/export/"
NBSP = "\N{NO-BREAK SPACE}"  # Django's filesizeformat writes "5.0 MB" with one


# What every good file holds (see import_files/make_corpus.py): North Wales, two periods.
SOURCE = "Café £ figures"
GOOD_FIGURES = {
    # (period_start, period_end): (value, source, notes)
    (datetime.date(2024, 3, 5), datetime.date(2024, 9, 4)): (1747, SOURCE, "Partners’ count"),
    (datetime.date(2024, 9, 5), datetime.date(2025, 3, 4)): (139, SOURCE, ""),
}


def formula(value: str, prefix: str) -> str:
    """The formula message; an invisible prefix ("a tab") is named "the tab" when removed."""
    removed = prefix.removeprefix("a ")
    return (
        f"{value} starts with {prefix}, so a spreadsheet would treat it as a formula. "
        f"Remove the {removed} (or the formula) and save the file as values."
    )


# A partner is told which areas their organisation covers, whether the code is unknown or
# someone else's (each said as what it is: region codes and names are public).
COVERS_NORTH_WALES = "It covers W15000001 (North Wales)."
NOT_COVERED = (
    "Row 3, region_code: E23000002 is not a region your organisation covers. " + COVERS_NORTH_WALES
)


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, corpus(name) if data is None else data)


def preview(client: Client, name: str, *, data: bytes | None = None, metric=None):
    """Upload a file on the import form, as the browser posts it."""
    form = {"resource": "0", "format": "0", "import_file": upload(name, data)}
    if metric is not None:
        form["metric"] = str(metric.pk)
    response = client.post(IMPORT_URL, form)
    assert response.status_code == 200
    return response


def confirm_fields(response) -> dict[str, str]:
    """The fields of the preview's confirmation form, as the page renders them."""
    page = response.content.decode()
    form = re.search(rf'<form action="{PROCESS_URL}" method="POST">(.*?)</form>', page, re.S)
    assert form, f"the preview offers no confirmation: {problems_of(response)}"
    fields = {}
    for tag in re.findall(r"<input [^>]*>", form.group(1)):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return fields


def confirm(client: Client, fields: dict[str, str], **kwargs):
    return client.post(PROCESS_URL, fields, **kwargs)


def import_file(client: Client, name: str, *, data: bytes | None = None, metric=None):
    """Preview, then confirm; returns the response the confirmation redirected to."""
    fields = confirm_fields(preview(client, name, data=data, metric=metric))
    response = confirm(client, fields, follow=True)
    assert response.status_code == 200
    return response


def problems_of(response) -> list[str]:
    """Every problem the import page shows: the upload field's errors, the file's, the rows'."""
    problems = []
    form = response.context.get("form")
    if form is not None and form.is_bound:
        problems.extend(form.errors.get("import_file", []))
    result = response.context.get("result")
    if result is not None:
        problems.extend(result.file_problems)
        problems.extend(str(problem) for problem in result.problems_shown)
    return problems


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def snapshot() -> dict:
    """Everything an import could write, to compare before and after."""
    return {
        "statistics": list(
            Statistic.objects.order_by("pk").values_list(
                "pk",
                "metric_id",
                "region_id",
                "period_start",
                "period_end",
                "value",
                "source",
                "notes",
                "notes_cy",
                "import_batch_id",
                "created_at",
                "updated_at",
            )
        ),
        "import batches": ImportBatch.objects.count(),
        "pending imports": PendingImport.objects.count(),
        "admin log entries": LogEntry.objects.count(),
    }


def figures(batch: ImportBatch | None = None, **filters) -> dict[tuple, tuple]:
    statistics = Statistic.objects.filter(**filters)
    if batch is not None:
        statistics = statistics.filter(import_batch=batch)
    return {
        (s.period_start, s.period_end): (s.value, s.source, s.notes)
        for s in statistics.order_by("period_start")
    }


def run_command(*args: str) -> tuple[str, str, str | None]:
    """Run import_statistics; returns stdout, stderr and the CommandError's message, if any."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_statistics", *args, stdout=stdout, stderr=stderr)
    except CommandError as error:
        return stdout.getvalue(), stderr.getvalue(), str(error)
    return stdout.getvalue(), stderr.getvalue(), None


def signed_in(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def plan_of(text: str, user):
    from regions.imports.statistics import statistics_plan

    table = dataset_from_bytes(text.encode(), "figures.csv").table
    return statistics_plan(table, user=user, metric=Metric.objects.get(slug=METRIC_SLUG))
