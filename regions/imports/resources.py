"""The resource every import here uses: django-import-export's entry point, all or nothing.

A resource's fields are the file's columns, and the only list of them: which are required,
which optional, the order of the downloadable templates and of exports, and the words of every
message about a file's columns all come from `Column` fields declared on the resource.
"""

from django.contrib.auth.models import AbstractBaseUser
from import_export import fields, resources

from regions.imports.columns import explain_rejection
from regions.imports.formats import SheetDataset, table_from_dataset
from regions.imports.reading import Table
from regions.imports.results import FileErrors, ImportResult, WriteProblems, marked_hidden
from regions.models import ImportBatch
from regions.permissions import organisation_of


class Column(fields.Field):
    """A column of the partner file format: the library's Field, saying whether a file must
    have it. Its column name is the name a file's header row gives it."""

    def __init__(self, *args, required: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.required = required


class AllOrNothingResource(resources.ModelResource):
    """Keeps the library's import_data (transactions, Result, admin views) and replaces its
    per-row pipeline: `plan` checks the whole table and works out every change, `write` saves
    a plan that has no problems. Subclasses provide both, and declare their columns as `Column`
    fields.

    A plan has `problems`, `created`, `updated`, `unchanged`, `new_sample` and `changed_sample`.
    """

    title = ""  # what is imported, as the import form names it: 'Statistics'

    def __init__(self, *, user: AbstractBaseUser | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.user = user

    @classmethod
    def columns(cls) -> list[Column]:
        """The file's columns, in the order templates and exports write them."""
        declared = {name: f for name, f in cls.fields.items() if isinstance(f, Column)}
        order = list(cls._meta.fields or declared)
        return [declared[name] for name in order if name in declared]

    @classmethod
    def column_names(cls) -> list[str]:
        return [column.column_name for column in cls.columns()]

    @classmethod
    def required_columns(cls) -> list[str]:
        return [column.column_name for column in cls.columns() if column.required]

    @classmethod
    def optional_columns(cls) -> list[str]:
        return [column.column_name for column in cls.columns() if not column.required]

    @classmethod
    def explain_rejection(cls, error: Exception) -> str:
        """What to say about a file refused before its rows were read, in this import's words."""
        return explain_rejection(
            error, required=cls.required_columns(), optional=cls.optional_columns()
        )

    @classmethod
    def get_display_name(cls) -> str:
        """'Statistics (region_code, metric, …)': the import's name with its columns."""
        return f"{cls.title} ({', '.join(cls.column_names())})"

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
        # Problems are marked here, where both imports pass, on rows the partner cannot see.
        if plan.problems:
            result.add_problems(marked_hidden(plan.problems, table.hidden_rows))
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
                result.add_problems(marked_hidden(error.problems, table.hidden_rows))
        return result

    def after_import(self, dataset, result, **kwargs) -> None:
        """Nothing to do: unlike the library's default, never reset the primary-key sequence,
        which races with concurrent imports on PostgreSQL."""


def import_batch_record(
    *,
    kind: str,
    plan,
    user: AbstractBaseUser | None,
    file_name: str,
    checksum: str,
    **details,
) -> ImportBatch:
    """Record one import as it is written (call it inside the writing transaction): who brought
    which file in, for which partner, and what it changes; `details` are other ImportBatch
    fields (what undoing it needs)."""
    return ImportBatch.objects.create(
        kind=kind,
        user=user,
        organisation=organisation_of(user) if user is not None else None,
        file_name=file_name[:255],
        checksum=checksum,
        rows_created=plan.created,
        rows_updated=plan.updated,
        rows_unchanged=plan.unchanged,
        **details,
    )
