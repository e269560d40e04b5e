from django.core.management.base import CommandError, CommandParser

from regions.imports.command import ImportCommand
from regions.imports.statistics import StatisticResource
from regions.models import Metric


class Command(ImportCommand):
    help = (
        f"Import statistics from a CSV or Excel file (columns "
        f"{', '.join(StatisticResource.column_names())}). A file with any bad row imports "
        "nothing; every problem is printed by row and column, and the exit status is non-zero."
    )
    resource_class = StatisticResource
    permission_codenames = ("regions.add_statistic", "regions.change_statistic")

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--metric",
            help="The slug of the metric the figures count, when the file has no metric column.",
        )

    def handle(
        self, *args, file: str, user: str | None, dry_run: bool, metric: str | None, **options
    ):
        chosen = None
        if metric:
            chosen = Metric.objects.filter(slug=metric).first()
            if chosen is None:
                slugs = ", ".join(Metric.objects.values_list("slug", flat=True)) or "none yet"
                raise CommandError(f"There is no metric '{metric}'. The metrics are: {slugs}.")
        self.run_import(path=file, username=user, dry_run=dry_run, metric=chosen, from_command=True)
