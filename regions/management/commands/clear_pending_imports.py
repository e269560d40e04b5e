from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from regions.imports.storage import expired_pending_imports, remove_expired_pending_imports


class Command(BaseCommand):
    help = (
        "Delete uploads left waiting for confirmation for longer than IMPORT_PENDING_HOURS. "
        "Each new upload does this too; run it from a daily scheduled task so that abandoned "
        "files do not wait for the next import."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say how many would be deleted, and delete nothing.",
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        hours = settings.IMPORT_PENDING_HOURS
        if dry_run:
            count = expired_pending_imports().count()
            self.stdout.write(f"{count:,} upload(s) older than {hours} hours would be deleted.")
            return
        count = remove_expired_pending_imports()
        self.stdout.write(
            self.style.SUCCESS(f"Deleted {count:,} upload(s) older than {hours} hours.")
        )
