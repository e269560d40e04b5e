"""A statistics file may carry its notes in Welsh too (an optional `notes_cy` column): written,
kept when a later file leaves the cell empty, shown in the preview, exported for a round trip
and put back as they were when an import is undone."""

import datetime

import pytest

from regions.imports.statistics import StatisticResource
from regions.models import ImportBatch, Statistic
from tests.regions.statistics_import import (
    import_file,
    page_text,
    plan_of,
    preview,
)

pytestmark = pytest.mark.django_db(transaction=True)

H1 = (datetime.date(2017, 7, 1), datetime.date(2017, 12, 31))  # the demo's 84 for North Wales
NEW = (datetime.date(2018, 7, 1), datetime.date(2018, 12, 31))
FILE = (
    "region_code,period_start,period_end,value,notes,notes_cy\n"
    "W15000001,01/07/2017,31/12/2017,90,New method,Dull newydd\n"
    "W15000001,01/07/2018,31/12/2018,151,First count,Cyfrif cyntaf\n"
)


def notes(period) -> tuple[str, str]:
    statistic = Statistic.objects.get(region__slug="north-wales", period_start=period[0])
    return statistic.notes, statistic.notes_cy


def undo(client, batch):
    return client.post(f"/admin/regions/importbatch/{batch.pk}/undo/", follow=True)


def test_welsh_notes_are_written_beside_the_english(officer_client, regions):
    import_file(officer_client, "figures.csv", data=FILE.encode())

    assert notes(H1) == ("New method", "Dull newydd")
    assert notes(NEW) == ("First count", "Cyfrif cyntaf")


def test_the_preview_shows_a_change_of_welsh_notes_alone(officer_client, regions):
    import_file(officer_client, "figures.csv", data=FILE.encode())
    changed = FILE.replace("Dull newydd", "Dull arall")

    text = page_text(preview(officer_client, "figures.csv", data=changed.encode()))

    assert "notes in Welsh: Dull arall" in text
    assert "notes in Welsh: Dull newydd" in text
    assert "notes: New method" not in text  # unchanged English notes are not repeated


def test_an_empty_welsh_cell_or_no_column_keeps_the_stored_welsh(officer_client, regions):
    import_file(officer_client, "figures.csv", data=FILE.encode())
    empty_cell = FILE.replace(",Dull newydd", ",").replace("90,", "91,")
    import_file(officer_client, "again.csv", data=empty_cell.encode())
    no_column = "region_code,period_start,period_end,value\nW15000001,01/07/2017,31/12/2017,92\n"
    import_file(officer_client, "third.csv", data=no_column.encode())

    statistic = Statistic.objects.get(region__slug="north-wales", period_start=H1[0])
    assert (statistic.value, statistic.notes_cy) == (92, "Dull newydd")


def test_welsh_notes_alone_make_a_changed_figure(officer, regions):
    Statistic.objects.filter(region__slug="north-wales", period_start=H1[0]).update(
        notes="New method", value=90
    )
    plan = plan_of(
        "region_code,period_start,period_end,value,notes_cy\n"
        "W15000001,01/07/2017,31/12/2017,90,Dull newydd\n",
        officer,
    )

    assert (plan.updated, plan.unchanged, plan.problems) == (1, 0, [])


def test_undo_puts_the_welsh_notes_back(officer_client, regions):
    Statistic.objects.filter(region__slug="north-wales", period_start=H1[0]).update(
        notes="Old", notes_cy="Hen"
    )
    import_file(officer_client, "figures.csv", data=FILE.encode())

    undo(officer_client, ImportBatch.objects.get())

    assert notes(H1) == ("Old", "Hen")
    assert not Statistic.objects.filter(region__slug="north-wales", period_start=NEW[0]).exists()


def test_undo_of_an_import_recorded_before_welsh_notes_keeps_them(officer_client, regions):
    """An import recorded without notes_cy in its previous values (made before the column
    existed) could not have changed the Welsh notes: undoing it leaves them as they are."""
    import_file(officer_client, "figures.csv", data=FILE.encode())
    batch = ImportBatch.objects.get()
    batch.previous_values = [
        [pk, value, source, note, *rest]
        for pk, value, source, note, _cy, *rest in batch.previous_values
    ]
    batch.save(update_fields=["previous_values"])

    undo(officer_client, batch)

    statistic = Statistic.objects.get(region__slug="north-wales", period_start=H1[0])
    assert (statistic.value, statistic.notes, statistic.notes_cy) == (84, "", "Dull newydd")


def test_export_carries_the_welsh_notes_for_a_round_trip(officer, regions):
    Statistic.objects.filter(region__slug="north-wales", period_start=H1[0]).update(
        notes="Method", notes_cy="Dull"
    )
    exported = StatisticResource().export(
        queryset=Statistic.objects.filter(region__slug="north-wales")
    )

    row = next(r for r in exported.dict if r["period_start"] == "2017-07-01")
    assert (row["notes"], row["notes_cy"]) == ("Method", "Dull")
    plan = plan_of(exported.csv, officer)
    assert (plan.created, plan.updated, plan.problems) == (0, 0, [])
