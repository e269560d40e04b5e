from regions.imports.command import ImportCommand
from regions.imports.regions import RegionResource


class Command(ImportCommand):
    help = (
        f"Import regions from a CSV or Excel file (columns "
        f"{', '.join(RegionResource.column_names())}). A file with any bad row imports nothing; "
        "every problem is printed by row and column, and the exit status is non-zero."
    )
    resource_class = RegionResource
    permission_codenames = ("regions.add_region", "regions.change_region")

    def handle(self, *args, file: str, user: str | None, dry_run: bool, **options) -> None:
        self.run_import(path=file, username=user, dry_run=dry_run)
