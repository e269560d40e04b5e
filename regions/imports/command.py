"""What the import commands share: read the file, run the resource as a user, report."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from regions.imports.formats import dataset_from_bytes
from regions.imports.reading import FileRejected, check_size
from regions.imports.results import ImportResult


class ImportCommand(BaseCommand):
    """Import a CSV, XLSX or ODS file through the same resource and rules as the admin."""

    resource_class: type
    permission_codenames: tuple[str, ...] = ()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            help=(
                "The CSV or tab-separated (.csv, .tsv, .txt), Excel (.xlsx) or OpenDocument "
                "spreadsheet (.ods) file to import."
            ),
        )
        parser.add_argument(
            "--user",
            help=(
                "Import as this user, with their permissions and their organisation's regions. "
                "Without it the import is unrestricted and recorded without a user."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what it would change, without saving anything.",
        )

    def get_user(self, username: str | None):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user '{username}'.")
        missing = [code for code in self.permission_codenames if not user.has_perm(code)]
        if missing:
            raise CommandError(
                f"'{username}' may not import these: missing permission {', '.join(missing)}."
            )
        return user

    def read(self, path_text: str):
        path = Path(path_text)
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            check_size(path.stat().st_size)
            return dataset_from_bytes(path.read_bytes(), path.name)
        except FileRejected as error:
            raise CommandError(self.resource_class.explain_rejection(error)) from None

    def run_import(self, *, path: str, username: str | None, dry_run: bool, **import_kwargs):
        user = self.get_user(username)
        dataset = self.read(path)
        bar = None
        if sys.stderr.isatty() and len(dataset) >= 1000:
            bar = tqdm(total=len(dataset) * 2, unit="row", file=sys.stderr, leave=False)

        def progress(stage: str, rows: int) -> None:
            if bar is not None:
                bar.update(rows)

        resource = self.resource_class(user=user, **import_kwargs)
        try:
            result: ImportResult = resource.import_data(
                dataset,
                dry_run=dry_run,
                user=user,
                file_name=Path(path).name,
                progress=progress,
                **import_kwargs,
            )
        finally:
            if bar is not None:
                bar.close()
        self.report(result, dry_run=dry_run)

    def report(self, result: ImportResult, *, dry_run: bool) -> None:
        for note in result.notes:
            self.stdout.write(note)
        if result.failed:
            for message in result.file_problems:
                self.stderr.write(message)
            for problem in sorted(result.problems):
                self.stderr.write(str(problem))
            raise CommandError(
                "Nothing was imported: fix the problems above and run the import again."
            )
        summary = (
            f"{result.created:,} new, {result.updated:,} updated, {result.unchanged:,} unchanged."
        )
        if dry_run:
            self.stdout.write(
                self.style.WARNING(f"Dry run, nothing saved. Would import: {summary}")
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Imported {result.batch.file_name}: {summary}")
                + f" (import batch {result.batch.pk})"
            )
