"""Which metric imported figures count: the one chosen on the form or with --metric, or a
'metric' column, and what is said when they disagree or none is given.
"""

import pytest

from regions.models import ImportBatch, Metric, Statistic
from tests.regions.factories import MetricFactory
from tests.regions.statistics_import import (
    CORPUS,
    GOOD_FIGURES,
    confirm,
    confirm_fields,
    corpus,
    figures,
    import_file,
    messages_of,
    preview,
    problems_of,
    run_command,
    snapshot,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_unpack_limit")]


@pytest.fixture
def other_metric(demo) -> Metric:
    return MetricFactory(slug="calls-to-the-helpline", name="Calls to the helpline")


# --- In the admin ---------------------------------------------------------------------------------


def test_metric_chosen_on_the_form_is_used(officer_client, other_metric, regions):
    response = preview(officer_client, "good.csv", metric=other_metric)
    fields = confirm_fields(response)
    assert "metric" not in fields  # kept with the upload, not in the page
    confirm(officer_client, fields)

    assert figures(metric=other_metric, region=regions["north-wales"]) == GOOD_FIGURES


def test_the_confirmation_uses_the_metric_chosen_at_the_preview_whatever_the_form_says(
    officer_client, metric, other_metric, regions
):
    fields = confirm_fields(preview(officer_client, "good.csv", metric=other_metric))
    confirm(officer_client, {**fields, "metric": str(metric.pk)})

    assert figures(metric=other_metric, region=regions["north-wales"]) == GOOD_FIGURES
    assert figures(batch=ImportBatch.objects.get(), metric=metric) == {}


def test_a_metric_deleted_since_the_preview_imports_nothing(officer_client, regions):
    metric = MetricFactory(slug="short-lived")
    fields = confirm_fields(preview(officer_client, "good.csv", metric=metric))
    metric.delete()
    before = snapshot()

    response = confirm(officer_client, fields, follow=True)

    assert messages_of(response) == [
        "The metric chosen for this upload no longer exists. Nothing was imported. Upload the "
        "file again and choose a metric."
    ]
    after = snapshot()
    assert after["statistics"] == before["statistics"]
    assert after["import batches"] == before["import batches"] == 0
    assert after["pending imports"] == 0


def test_the_audit_record_names_the_file_uploaded_not_the_form_field(officer_client):
    fields = confirm_fields(preview(officer_client, "good.csv"))
    confirm(officer_client, {**fields, "original_file_name": "someone-elses-figures.csv"})

    assert ImportBatch.objects.get().file_name == "good.csv"


def test_without_a_metric_on_the_form_or_in_the_file_the_file_is_refused(
    officer_client, other_metric
):
    before = snapshot()
    response = preview(officer_client, "good.csv")
    assert problems_of(response) == [
        "Choose the metric these figures count on the import form, or add a 'metric' column "
        "with a metric's slug on every row."
    ]
    assert snapshot() == before


def test_metric_column_names_the_metric_of_each_row(officer_client, other_metric, metric, regions):
    import_file(officer_client, "good-metric-column.csv")
    batch = ImportBatch.objects.get()
    assert figures(batch, metric=metric, region=regions["north-wales"]) == GOOD_FIGURES
    assert not Statistic.objects.filter(metric=other_metric).exists()


def test_metric_column_must_agree_with_the_form(officer_client, other_metric):
    before = snapshot()
    response = preview(officer_client, "good-metric-column.csv", metric=other_metric)
    assert problems_of(response) == [
        f"Row {row}, metric: 'helpline-contacts-online-behaviour' is not the metric chosen on "
        "the form (calls-to-the-helpline)."
        for row in (2, 3)
    ]
    assert snapshot() == before


def test_metric_column_agreeing_with_the_form_is_fine(officer_client, metric, other_metric):
    response = preview(officer_client, "good-metric-column.csv", metric=metric)
    assert problems_of(response) == []
    assert response.context["result"].created == 2


def test_empty_metric_cell_without_a_form_choice_is_a_row_problem(officer_client, other_metric):
    data = corpus("good-metric-column.csv").replace(
        b",helpline-contacts-online-behaviour\r\nnorth", b",\r\nnorth"
    )
    response = preview(officer_client, "good-metric-column.csv", data=data)
    assert problems_of(response) == [
        "Row 2, metric: is empty; write the metric's slug, or choose a metric on the form."
    ]


def test_unknown_metric_lists_the_metrics(officer_client, other_metric):
    response = preview(officer_client, "unknown-metric.csv")
    assert problems_of(response) == [
        "Row 2, metric: 'no-such-metric' is not a metric. The metrics are: "
        "calls-to-the-helpline, helpline-contacts-online-behaviour."
    ]


# --- With the command -----------------------------------------------------------------------------


def test_command_metric_option_chooses_the_metric(officer, other_metric, regions):
    stdout, stderr, error = run_command(
        str(CORPUS / "good.csv"), "--metric", other_metric.slug, "--user", officer.username
    )
    assert error is None, stderr
    assert figures(metric=other_metric, region=regions["north-wales"]) == GOOD_FIGURES


def test_command_refuses_an_unknown_metric(officer):
    before = snapshot()
    stdout, stderr, error = run_command(str(CORPUS / "good.csv"), "--metric", "nope")
    assert error == (
        "There is no metric 'nope'. The metrics are: helpline-contacts-online-behaviour."
    )
    assert snapshot() == before


def test_command_metric_option_must_agree_with_the_metric_column(other_metric):
    stdout, stderr, error = run_command(
        str(CORPUS / "good-metric-column.csv"), "--metric", other_metric.slug
    )
    assert error == "Nothing was imported: fix the problems above and run the import again."
    assert stderr.splitlines() == [
        f"Row {row}, metric: 'helpline-contacts-online-behaviour' is not the metric chosen with "
        "--metric (calls-to-the-helpline)."
        for row in (2, 3)
    ]


def test_command_without_a_metric_says_to_give_one_with_the_option(other_metric):
    stdout, stderr, error = run_command(str(CORPUS / "good.csv"))
    assert stderr.splitlines() == [
        "Choose the metric these figures count with --metric SLUG, or add a 'metric' column "
        "with a metric's slug on every row."
    ]


def test_command_with_an_empty_metric_cell_says_to_give_the_option(other_metric, tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text(
        "region_code,period_start,period_end,value,metric\nW15000001,05/03/2024,04/09/2024,1,\n"
    )
    stdout, stderr, error = run_command(str(path))
    assert stderr.splitlines() == [
        "Row 2, metric: is empty; write the metric's slug, or give --metric."
    ]
