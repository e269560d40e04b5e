import io
import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from regions.imports.formats import dataset_from_bytes
from regions.imports.regions import regions_plan
from regions.models import ImportBatch, Region
from tests.regions.factories import OrganisationFactory, RegionFactory, data_officer
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

HEADER = "gss_code,name,kind,police_uk_id,groupings\n"


def snapshot() -> list:
    rows = sorted(map(repr, Region.objects.values_list()))
    links = sorted(map(repr, Region.groupings.through.objects.values_list()))
    return [rows, links, ImportBatch.objects.count()]


def import_regions(text: str, *args: str) -> str:
    """Run the command on a file holding the text; its output, or FAILED and its errors."""
    with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as handle:
        handle.write(text.encode())
    err = io.StringIO()
    out = io.StringIO()
    try:
        call_command("import_regions", handle.name, *args, stdout=out, stderr=err)
    except CommandError:
        return "FAILED\n" + err.getvalue()
    return out.getvalue()


def test_new_regions_and_groupings_from_the_same_file(demo):
    output = import_regions(
        HEADER
        + "W15000002,Dyfed-Powys,Police force area,dyfed-powys,W92000004;welsh-forces\n"
        + ",Welsh forces,grouping,,W92000004\n"
    )
    assert "2 new, 0 updated, 0 unchanged" in output
    dyfed = Region.objects.get(gss_code="W15000002")
    assert dyfed.kind == Region.Kind.POLICE_FORCE_AREA
    assert dyfed.slug == "dyfed-powys"
    assert dyfed.police_uk_id == "dyfed-powys"
    assert {g.slug for g in dyfed.groupings.all()} == {"wales", "welsh-forces"}
    assert Region.objects.get(slug="welsh-forces").gss_code is None
    batch = ImportBatch.objects.get()
    assert batch.kind == ImportBatch.Kind.REGIONS
    assert (batch.rows_created, batch.rows_updated) == (2, 0)


def test_reimporting_the_same_regions_changes_nothing(demo):
    groupings = "W92000004;north-west-and-north-wales"
    text = HEADER + f"W15000001,North Wales,police_force_area,north-wales,{groupings}\n"
    before = snapshot()[:2]
    assert "0 new, 0 updated, 1 unchanged" in import_regions(text)
    assert snapshot()[:2] == before


def test_groupings_column_states_the_full_list(demo):
    assert "1 updated" in import_regions(
        HEADER + "W15000001,North Wales,police_force_area,north-wales,W92000004\n"
    )
    north_wales = Region.objects.get(gss_code="W15000001")
    assert [g.slug for g in north_wales.groupings.all()] == ["wales"]


def test_a_row_without_the_groupings_column_keeps_them(demo):
    import_regions("gss_code,name,kind\nW15000001,Gogledd Cymru,police_force_area\n")
    north_wales = Region.objects.get(gss_code="W15000001")
    assert north_wales.name == "Gogledd Cymru"
    assert north_wales.groupings.count() == 2


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("X1,Nowhere,grouping,,\n", "Row 3, gss_code: 'X1' is not a GSS code"),
        ("W15000009,,police_force_area,,\n", "Row 3, name: is empty"),
        ("W15000009,Somewhere,planet,,\n", "Row 3, kind: 'planet' is not a kind of region"),
        (
            "W15000009,Somewhere,grouping,,atlantis\n",
            "Row 3, groupings: 'atlantis' is not a known region",
        ),
        (
            "W15000009,Somewhere,grouping,,W15000009\n",
            "Row 3, groupings: a region cannot be a grouping of itself",
        ),
        (
            "W15000009,Somewhere,police_force_area,north-wales,\n",
            "Row 3, police_uk_id: 'north-wales' is already used by North Wales",
        ),
        (
            "W15000009,A,grouping,,\nW15000009,B,grouping,,\n",
            "Row 4, gss_code: 'W15000009' is also on row 3",
        ),
        (
            "W15000009,=cmd|' /C calc'!A0,grouping,,\n",
            "Row 3, name: '=cmd|' /C calc'!A0' starts with '='",
        ),
        (
            ",Cumbria,grouping,,\n",
            "Row 3, gss_code: is empty, but 'cumbria' is Cumbria, whose GSS code is E23000002",
        ),
        # Two new regions of the same name would get the same web address.
        (
            "E06000022,Newport,local_authority,,\nW06000022,Newport,local_authority,,\n",
            "Row 4, name: the web address 'newport' is also that of row 3; each region needs its "
            "own. Give one of them a different slug.",
        ),
        (
            "W15000009,Gwent,police_force_area,,\n",
            "Row 3, name: the web address 'gwent' is also that of row 2",
        ),
        # A grouping slugged as a force's police.uk id, and the other way round: a statistics
        # file naming that code could mean either region.
        (
            "W15000009,Test Force,police_force_area,wales,\n",
            "Row 3, police_uk_id: 'wales' is the slug of Wales; one region's slug may not be "
            "another's police.uk force id",
        ),
        (
            "E23000099,Test Force Area,police_force_area,test-force,\n,Test Force,grouping,,\n",
            "Row 4, name: 'test-force' is the police.uk force id of the region on row 3;",
        ),
        (
            ",Test Force,grouping,,\nE23000099,Test Force Area,police_force_area,test-force,\n",
            "Row 4, police_uk_id: 'test-force' is the slug of the region on row 3;",
        ),
        # Groupings that would make a loop: with a stored grouping, or within the file.
        (
            "W92000004,Wales,nation,,W15000001\n",
            "Row 3, groupings: North Wales is already inside Wales, so Wales cannot be part of "
            "it: that would make a loop.",
        ),
        (
            ",AA,grouping,,ga1\n,GA1,grouping,,aa\n",
            "Row 4, groupings: AA is already inside GA1, so GA1 cannot be part of it: that "
            "would make a loop.",
        ),
        (
            ",AA,grouping,,ga1\n,GA1,grouping,,ga2\n,GA2,grouping,,aa\n",
            "Row 5, groupings: AA is already inside GA2, so GA2 cannot be part of it: that "
            "would make a loop.",
        ),
        (
            f"W15000009,Test Force,police_force_area,{'p' * 65},\n",
            "Row 3, police_uk_id: is 65 characters long; at most 64 are allowed.",
        ),
    ],
)
def test_bad_rows_import_nothing_and_are_named(demo, rows, message):
    before = snapshot()
    output = import_regions(HEADER + "W15000003,Gwent,police_force_area,gwent,\n" + rows)
    assert output.startswith("FAILED")
    assert message in output
    assert snapshot() == before


def test_a_file_may_turn_groupings_round_when_it_restates_both(demo):
    """North Wales leaves Wales and Wales joins North Wales: no loop once both rows apply."""
    output = import_regions(
        HEADER
        + "W92000004,Wales,nation,,W15000001\n"
        + "W15000001,North Wales,police_force_area,north-wales,\n"
    )
    assert "2 updated" in output
    assert [g.slug for g in Region.objects.get(gss_code="W92000004").groupings.all()] == [
        "north-wales"
    ]


def test_loops_are_found_without_a_query_per_row(demo):
    counts = []
    for size in (3, 60):
        rows = [f",G{n},grouping,,g{n + 1}" for n in range(size)] + [f",G{size},grouping,,g0"]
        table = dataset_from_bytes((HEADER + "\n".join(rows)).encode(), "regions.csv").table
        with CaptureQueriesContext(connection) as queries:
            plan = regions_plan(table)
        assert [str(problem) for problem in plan.problems] == [
            f"Row {size + 2}, groupings: G0 is already inside G{size}, so G{size} cannot be part "
            "of it: that would make a loop."
        ]
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_missing_and_unknown_columns_are_named(demo):
    output = import_regions("gss_code,nmae,kind\nW15000003,Gwent,police_force_area\n")
    assert "Unknown column 'nmae'" in output and "Did you mean 'name'?" in output
    assert "The required column 'name' is missing." in output


def test_only_people_who_may_add_and_change_regions_can_import(demo, client):
    officer = data_officer(OrganisationFactory())
    sign_in(client, officer)
    assert client.get("/admin/regions/region/import/").status_code == 403
    assert client.get("/admin/regions/region/import/template.csv").status_code == 403
    response = client.post(
        "/admin/regions/region/import/",
        {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("r.csv", b"x")},
    )
    assert response.status_code == 403
    output = import_regions(
        HEADER + "W15000003,Gwent,police_force_area,gwent,\n", "--user", officer.username
    )
    assert "may not import these" in output or "FAILED" in output
    assert not Region.objects.filter(gss_code="W15000003").exists()


def test_manager_imports_regions_through_the_admin(demo, manager_client):
    upload = SimpleUploadedFile(
        "regions.csv", (HEADER + "W15000003,Gwent,police_force_area,gwent,W92000004\n").encode()
    )
    preview = manager_client.post(
        "/admin/regions/region/import/", {"format": "0", "resource": "0", "import_file": upload}
    )
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "create 1 new region" in html
    confirm = preview.context["confirm_form"]
    response = manager_client.post(
        "/admin/regions/region/process_import/",
        {name: confirm[name].value() for name in confirm.fields},
    )
    assert response.status_code == 302
    gwent = Region.objects.get(gss_code="W15000003")
    assert [g.slug for g in gwent.groupings.all()] == ["wales"]
    assert ImportBatch.objects.get().user.groups.filter(name="Campaign managers").exists()


def test_population_with_year_and_source_is_imported(demo):
    output = import_regions(
        "gss_code,name,kind,population,population_year,population_source\n"
        'W15000001,North Wales,police_force_area,"700,000",2022,ONS mid-2022 estimates\n'
    )
    assert "1 updated" in output
    north_wales = Region.objects.get(gss_code="W15000001")
    assert (north_wales.population, north_wales.population_year) == (700_000, 2022)
    assert north_wales.population_source == "ONS mid-2022 estimates"


def test_population_needs_its_year(demo):
    output = import_regions(
        "gss_code,name,kind,population,population_year\n"
        "W15000001,North Wales,police_force_area,700000,\n"
    )
    assert "Row 2, population_year: is needed with a population." in output
    assert Region.objects.get(gss_code="W15000001").population is None


def test_a_failed_preview_says_so_at_the_top_of_the_page(demo, manager_client):
    upload = SimpleUploadedFile("regions.csv", (HEADER + "X1,Nowhere,grouping,,\n").encode())
    response = manager_client.post(
        "/admin/regions/region/import/", {"format": "0", "resource": "0", "import_file": upload}
    )
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [
        "Nothing can be imported from this file yet: 1 problem, listed below. "
        "No row has been saved."
    ]


def test_a_population_with_thousands_of_digits_is_a_row_problem(demo):
    before = snapshot()
    output = import_regions(
        "gss_code,name,kind,population,population_year\n"
        f"W15000001,North Wales,police_force_area,{'9' * 5000},{'2' * 5000}\n"
    )
    assert output.startswith("FAILED")
    assert "Row 2, population: '9999999999999999999999999…' is too large to be a count." in output
    assert "Row 2, population_year: '2222222222222222222222222…' is too large to be a count." in (
        output
    )
    assert snapshot() == before


def test_a_slug_longer_than_a_web_address_may_be_is_a_row_problem(demo):
    before = snapshot()
    output = import_regions(f"gss_code,name,kind,slug\n,Long Group,grouping,{'a' * 121}\n")
    assert "Row 2, slug: is 121 characters long; at most 120 are allowed." in output
    assert snapshot() == before


def test_two_new_regions_of_one_name_are_refused_at_preview_not_at_confirmation(
    demo, manager_client
):
    upload = SimpleUploadedFile(
        "regions.csv",
        (
            HEADER
            + "E06000022,Newport,local_authority,,\nW06000022,Newport,Local authority,,W92000004\n"
        ).encode(),
    )
    before = snapshot()
    response = manager_client.post(
        "/admin/regions/region/import/", {"format": "0", "resource": "0", "import_file": upload}
    )
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert [str(p) for p in response.context["result"].problems] == [
        "Row 3, name: the web address 'newport' is also that of row 2; each region needs its "
        "own. Give one of them a different slug."
    ]
    assert snapshot() == before


def test_a_region_the_database_refuses_at_writing_is_a_row_problem_not_an_error(demo, monkeypatch):
    """Planning checks every rule it knows; should writing still find one broken (the database
    changed in between), the import is undone and the problem shown by row."""
    from regions.imports.regions import resource as region_imports

    real_plan = region_imports.regions_plan

    def plan_then_change(table):
        plan = real_plan(table)
        plan.rows[1].values["police_uk_id"] = "p" * 65
        return plan

    monkeypatch.setattr(region_imports, "regions_plan", plan_then_change)
    before = snapshot()
    output = import_regions(
        HEADER + "W15000003,Gwent,police_force_area,gwent,\n"
        "W15000009,Test Force,police_force_area,,\n"
    )
    assert output.startswith("FAILED")
    assert "Row 3, police_uk_id: Ensure this value has at most 64 characters (it has 65)." in (
        output
    )
    assert snapshot() == before


def test_a_new_groupings_slug_may_not_be_a_stored_forces_police_id(demo):
    RegionFactory(
        name="Test Force Area",
        slug="test-force-area",
        police_uk_id="test-force",
        gss_code="E23000099",
    )
    before = snapshot()
    output = import_regions(HEADER + ",Test Force,grouping,,\n")
    assert (
        "Row 2, name: 'test-force' is the police.uk force id of Test Force Area; one region's "
        "slug may not be another's police.uk force id, or a file naming 'test-force' could mean "
        "either. Choose another."
    ) in output
    assert snapshot() == before


def test_a_column_left_out_keeps_the_stored_police_id(demo):
    output = import_regions("gss_code,name,kind\nW15000001,Gogledd Cymru,police_force_area\n")
    assert "1 updated" in output
    north_wales = Region.objects.get(gss_code="W15000001")
    assert (north_wales.name, north_wales.police_uk_id) == ("Gogledd Cymru", "north-wales")


def test_population_columns_left_out_keep_the_stored_values(demo):
    Region.objects.filter(gss_code="W15000001").update(
        population=690_000, population_year=2021, population_source="ONS mid-2021 estimates"
    )
    output = import_regions(
        "gss_code,name,kind,population,population_year\n"
        "W15000001,North Wales,police_force_area,700000,2022\n"
    )
    assert "1 updated" in output
    north_wales = Region.objects.get(gss_code="W15000001")
    assert (north_wales.population, north_wales.population_year) == (700_000, 2022)
    assert north_wales.population_source == "ONS mid-2021 estimates"
    # A population without its year's column keeps the stored year.
    assert "1 updated" in import_regions(
        "gss_code,name,kind,population\nW15000001,North Wales,police_force_area,710000\n"
    )
    assert Region.objects.get(gss_code="W15000001").population_year == 2022


def test_an_emptied_population_takes_its_year_and_source_with_it(demo):
    Region.objects.filter(gss_code="W15000001").update(
        population=690_000, population_year=2021, population_source="ONS mid-2021 estimates"
    )
    output = import_regions(
        "gss_code,name,kind,population\nW15000001,North Wales,police_force_area,\n"
    )
    assert "1 updated" in output
    north_wales = Region.objects.get(gss_code="W15000001")
    assert (north_wales.population, north_wales.population_year) == (None, None)
    assert north_wales.population_source == ""


def test_a_population_without_a_year_column_needs_a_stored_year(demo):
    output = import_regions(
        "gss_code,name,kind,population\nW15000001,North Wales,police_force_area,700000\n"
    )
    assert "Row 2, population_year: is needed with a population." in output


def test_an_empty_cell_in_a_column_the_file_has_still_clears(demo):
    output = import_regions(
        "gss_code,name,kind,police_uk_id\nW15000001,North Wales,police_force_area,\n"
    )
    assert "1 updated" in output
    assert Region.objects.get(gss_code="W15000001").police_uk_id is None


def test_the_preview_names_each_field_that_changes(demo):
    table = dataset_from_bytes(
        (HEADER + "W15000001,Gogledd Cymru,police_force_area,,W92000004\n").encode(), "r.csv"
    ).table
    [sample] = regions_plan(table).changed_sample
    assert sample.before == (
        "name: North Wales · police_uk_id: north-wales · "
        "groupings: North West and North Wales; Wales"
    )
    assert sample.after == "name: Gogledd Cymru · police_uk_id: (empty) · groupings: W92000004"


def test_every_problem_of_a_file_is_listed_in_one_pass(demo):
    """An empty name or a bad number does not hide a duplicate code or an unknown grouping."""
    output = import_regions(
        "gss_code,name,kind,groupings,population,population_year\n"
        "W15000009,Test Force,police_force_area,W92000004,,\n"
        "W15000009,,police_force_area,atlantis,,\n"
        "W15000010,Other Force,police_force_area,,lots,2022\n"
        "W15000010,Other Force,police_force_area,,,\n"
    )
    assert output.splitlines()[1:] == [
        "Row 3, groupings: 'atlantis' is not a known region (nor one in this file).",
        "Row 3, gss_code: 'W15000009' is also on row 2; each region may appear once.",
        "Row 3, name: is empty; every region needs a name.",
        "Row 4, population: 'lots' is not a number.",
        "Row 5, gss_code: 'W15000010' is also on row 4; each region may appear once.",
    ]


def test_a_grouping_on_a_row_with_problems_is_still_known_to_the_others(demo):
    output = import_regions(
        HEADER + ",Welsh forces,planet,,\nW15000002,Dyfed-Powys,police_force_area,,welsh-forces\n"
    )
    assert "Row 2, kind: 'planet' is not a kind of region" in output
    assert "welsh-forces" not in output


def test_a_slug_another_region_has_is_named_as_a_slug_clash(demo):
    """Cheshire's slug is also its police.uk id: the clash is with its slug."""
    output = import_regions(
        "gss_code,name,kind,slug\nE23000099,Cheshire East,police_force_area,cheshire\n"
    )
    assert output.splitlines()[1:] == [
        "Row 2, slug: the slug 'cheshire' is already used by Cheshire (E23000006); choose another."
    ]


def test_a_bad_population_year_gets_one_message(demo):
    output = import_regions(
        "gss_code,name,kind,population,population_year\n"
        "W15000001,North Wales,police_force_area,700000,22\n"
    )
    year = timezone.localdate().year + 1
    assert output.splitlines()[1:] == [
        "Row 2, population_year: 22 is not a year a population figure could be for: give the "
        f"year in full, from 1800 to {year}, for example 2022."
    ]


def test_a_file_holding_only_a_title_says_no_column_names_were_found(demo):
    with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as handle:
        handle.write(b"Regions for 2024\n")
    with pytest.raises(CommandError) as raised:
        call_command("import_regions", handle.name, stdout=io.StringIO(), stderr=io.StringIO())
    assert str(raised.value) == (
        "No column names were found: the first row holds only 'Regions for 2024' and there is "
        "nothing below it. The first row must name the columns; gss_code, name and kind are "
        "required."
    )


def test_a_header_row_alone_still_says_there_are_no_data_rows(demo):
    with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as handle:
        handle.write(b"gss_code,name,kind\n")
    with pytest.raises(CommandError, match="has a header row but no data rows"):
        call_command("import_regions", handle.name, stdout=io.StringIO(), stderr=io.StringIO())


def test_a_population_year_to_come_is_refused_at_the_preview(demo):
    table = dataset_from_bytes(
        b"gss_code,name,kind,population,population_year\n"
        b"W15000001,North Wales,police_force_area,700000,2100\n",
        "r.csv",
    ).table
    assert [problem.column for problem in regions_plan(table).problems] == ["population_year"]


def test_an_optional_welsh_name_column_sets_and_keeps_welsh_names(demo, client):
    Region.objects.filter(gss_code="W15000001").update(name_cy=None)
    output = import_regions(
        "gss_code,name,name_cy,kind\n"
        "W15000001,North Wales,Gogledd Cymru,police_force_area\n"
        "W15000002,Dyfed-Powys,,police_force_area\n"
    )
    assert "1 new, 1 updated" in output
    north_wales = Region.objects.get(gss_code="W15000001")
    assert (north_wales.name_en_gb, north_wales.name_cy) == ("North Wales", "Gogledd Cymru")
    assert Region.objects.get(gss_code="W15000002").name_cy is None
    assert "Gogledd Cymru" in client.get("/cy/regions/north-wales/").text

    # A file without the column leaves the Welsh names as they are.
    import_regions("gss_code,name,kind\nW15000001,North Wales,police_force_area\n")
    assert Region.objects.get(gss_code="W15000001").name_cy == "Gogledd Cymru"
