"""The regions file format (its columns, for import and templates) and the entry point that
checks a file."""

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from import_export import widgets

from regions.imports.reading import Table
from regions.imports.regions.plan import RegionsPlan
from regions.imports.regions.planner import RegionsPlanner
from regions.imports.regions.writer import regions_write
from regions.imports.resources import AllOrNothingResource, Column
from regions.models import Region


class GroupingsWidget(widgets.ManyToManyWidget):
    """The groupings a region is in, as the codes a file names them by, separated by ';'."""

    def __init__(self) -> None:
        super().__init__(Region, separator=";", field="slug")

    def render(self, value, obj=None, **kwargs) -> str:
        if value is None:
            return ""
        return ";".join(region.code for region in value.all())


class RegionResource(AllOrNothingResource):
    """Regions in the partner file format; import is all-or-nothing, for campaign managers."""

    title = _("Regions")

    gss_code = Column(attribute="gss_code", column_name="gss_code", required=True)
    name = Column(attribute="name", column_name="name", required=True)
    # The name in Welsh, where it differs ("Gogledd Cymru"); left out, the stored Welsh stays.
    name_cy = Column(attribute="name_cy", column_name="name_cy")
    kind = Column(attribute="kind", column_name="kind", required=True)
    police_uk_id = Column(attribute="police_uk_id", column_name="police_uk_id")
    groupings = Column(attribute="groupings", column_name="groupings", widget=GroupingsWidget())
    slug = Column(attribute="slug", column_name="slug")
    population = Column(attribute="population", column_name="population")
    population_year = Column(attribute="population_year", column_name="population_year")
    population_source = Column(attribute="population_source", column_name="population_source")

    class Meta:
        model = Region
        fields = (
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
        )
        import_id_fields = ()

    def plan(self, table: Table, *, user: AbstractBaseUser | None, **kwargs) -> RegionsPlan:
        return regions_plan(table)

    def write(self, plan: RegionsPlan, *, user, file_name: str, checksum: str, **kwargs):
        return regions_write(plan, user=user, file_name=file_name, checksum=checksum)


def regions_plan(table: Table) -> RegionsPlan:
    """Check a whole regions file and work out what importing it would do; writes nothing."""
    return RegionsPlanner(
        table,
        required=RegionResource.required_columns(),
        optional=RegionResource.optional_columns(),
    ).plan()
