"""The resource every import here uses: django-import-export's entry point, all or nothing."""

from django.contrib.auth.models import AbstractBaseUser
from import_export import resources

from regions.imports.core import FileErrors, ImportResult, WriteProblems, explain_rejection
from regions.imports.formats import SheetDataset, table_from_dataset
from regions.imports.reading import Table
from regions.models import ImportBatch


class AllOrNothingResource(resources.ModelResource):
    """Keeps the library's import_data (transactions, Result, admin views) and replaces its
    per-row pipeline: `plan` checks the whole table and works out every change, `write` saves
    a plan that has no problems. Subclasses provide both.

    A plan has `problems`, `created`, `updated`, `unchanged`, `new_sample` and `changed_sample`.
    """

    # The file's columns, for messages about a file refused before its rows are read.
    required_columns: list[str] = []
    optional_columns: list[str] = []

    def __init__(self, *, user: AbstractBaseUser | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.user = user

    @classmethod
    def explain_rejection(cls, error: Exception) -> str:
        """What to say about a file refused before its rows were read, in this import's words."""
        return explain_rejection(
            error, required=cls.required_columns, optional=cls.optional_columns
        )

    def get_result_class(self):
        return ImportResult

    def plan(self, table: Table, *, user: AbstractBaseUser | None, **kwargs):
        raise NotImplementedError

    def write(self, plan, *, user, file_name: str, checksum: str, **kwargs) -> ImportBatch:
        raise NotImplementedError

    def import_data_inner(
        self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
    ) -> ImportResult:
        result = ImportResult()
        result.dry_run = dry_run
        table = dataset.table if isinstance(dataset, SheetDataset) else table_from_dataset(dataset)
        result.notes = list(table.notes)
        result.total_rows = len(table.rows)
        user = kwargs.pop("user", self.user)
        file_name = kwargs.pop("file_name", None) or getattr(dataset, "file_name", "") or ""
        if user is not None and not user.is_authenticated:
            user = None
        try:
            plan = self.plan(table, user=user, **kwargs)
        except FileErrors as error:
            result.add_file_problems(error.messages)
            return result
        if plan.problems:
            result.add_problems(plan.problems)
            return result
        result.totals["new"] = plan.created
        result.totals["update"] = plan.updated
        result.totals["skip"] = plan.unchanged
        result.new_sample = plan.new_sample
        result.changed_sample = plan.changed_sample
        if not dry_run:
            try:
                result.batch = self.write(
                    plan,
                    user=user,
                    file_name=file_name,
                    checksum=getattr(dataset, "checksum", ""),
                    **kwargs,
                )
            except WriteProblems as error:
                result.totals["new"] = result.totals["update"] = result.totals["skip"] = 0
                result.add_problems(error.problems)
        return result

    def after_import(self, dataset, result, **kwargs) -> None:
        """Nothing to do: unlike the library's default, never reset the primary-key sequence,
        which races with concurrent imports on PostgreSQL."""
