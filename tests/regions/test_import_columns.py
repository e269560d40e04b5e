"""A file format's columns are declared once, on its resource: the required and optional columns,
the downloadable templates, the import form's name and the messages all come from there."""

import pytest

from regions.imports.columns import match_columns
from regions.imports.regions import RegionResource
from regions.imports.results import FileErrors
from regions.imports.statistics import StatisticResource

pytestmark = pytest.mark.django_db


def test_statistics_columns():
    assert StatisticResource.column_names() == [
        "region_code",
        "metric",
        "period_start",
        "period_end",
        "value",
        "source",
        "notes",
        "notes_cy",
    ]
    assert StatisticResource.required_columns() == [
        "region_code",
        "period_start",
        "period_end",
        "value",
    ]
    assert StatisticResource.get_display_name() == (
        "Statistics (region_code, metric, period_start, period_end, value, source, notes, notes_cy)"
    )


def test_regions_columns():
    assert RegionResource.column_names() == [
        "gss_code",
        "name",
        "name_cy",
        "kind",
        "police_uk_id",
        "groupings",
        "slug",
        "population",
        "population_year",
        "population_source",
    ]
    assert RegionResource.required_columns() == ["gss_code", "name", "kind"]


def test_the_templates_have_the_resources_columns(manager_client):
    for resource, url in [
        (StatisticResource, "/admin/regions/statistic/import/template.csv"),
        (RegionResource, "/admin/regions/region/import/template.csv"),
    ]:
        header = manager_client.get(url).content.decode("utf-8-sig").strip()
        assert header.split(",") == resource.column_names()


def test_a_missing_required_column_is_named_from_the_resource():
    with pytest.raises(FileErrors) as refused:
        match_columns(
            ["region_code", "period_start", "value"],
            required=StatisticResource.required_columns(),
            optional=StatisticResource.optional_columns(),
        )
    assert refused.value.messages == ["The required column 'period_end' is missing."]
