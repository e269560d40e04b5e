"""What an import tells the person importing: every problem by row and column, and a summary."""

from collections import Counter
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.results import Error, InvalidRow, Result

# The preview lists this many errors at most (the command line prints them all), and a sample of
# this many changes of each kind.
ERRORS_SHOWN = 1000
SAMPLE_SIZE = 10


@dataclass(frozen=True, order=True)
class RowError:
    """One problem, placed as a spreadsheet shows it: row number (header = 1) and column, and
    whether the row is hidden in the sheet (where the partner would not see it). Problems sort
    and compare by row, column and message only."""

    row: int
    column: str
    message: str
    hidden: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        values = {"row": self.row, "column": self.column, "message": self.message}
        if self.hidden and self.column:
            return _("Row %(row)s (hidden in the sheet), %(column)s: %(message)s") % values
        if self.hidden:
            return _("Row %(row)s (hidden in the sheet): %(message)s") % values
        if self.column:
            return _("Row %(row)s, %(column)s: %(message)s") % values
        return _("Row %(row)s: %(message)s") % values


def marked_hidden(problems: list[RowError], hidden_rows: frozenset[int]) -> list[RowError]:
    """The problems, those on rows hidden in the sheet marked as such."""
    if not hidden_rows:
        return problems
    return [
        replace(problem, hidden=True) if problem.row in hidden_rows else problem
        for problem in problems
    ]


class FileErrors(Exception):
    """Problems with the file as a whole (its columns), found before any row is read."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class WriteProblems(Exception):
    """Problems found while writing a checked plan; the write is undone and they are shown
    like any row problem."""

    def __init__(self, problems: list[RowError]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class ChangeSample:
    """One row of the preview: what a row will create or change."""

    row: int
    what: str
    before: str
    after: str


class ImportResult(Result):
    """The library's Result, carrying every problem by row and column and a summary."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.problems: list[RowError] = []
        self.file_problems: list[str] = []
        self.notes: list[str] = []
        self.new_sample: list[ChangeSample] = []
        self.changed_sample: list[ChangeSample] = []
        self.batch = None
        self.dry_run = True

    def add_file_problems(self, messages: list[str]) -> None:
        self.file_problems.extend(messages)
        for message in messages:
            self.append_base_error(Error(message))

    def add_problems(self, problems: list[RowError]) -> None:
        """Record row problems, also as the library's invalid rows so nothing can be confirmed."""
        self.problems.extend(problems)
        by_row: dict[int, dict[str, list[str]]] = {}
        for problem in problems[:ERRORS_SHOWN]:
            by_row.setdefault(problem.row, {}).setdefault(problem.column or "__all__", []).append(
                problem.message
            )
        for row, messages in by_row.items():
            self.invalid_rows.append(
                InvalidRow(number=row, validation_error=ValidationError(messages), values=())
            )

    @property
    def failed(self) -> bool:
        return bool(self.file_problems or self.problems)

    @property
    def problems_shown(self) -> list[RowError]:
        return sorted(self.problems)[:ERRORS_SHOWN]

    @property
    def problems_not_shown(self) -> int:
        return max(0, len(self.problems) - ERRORS_SHOWN)

    @property
    def rows_with_problems(self) -> int:
        return len({problem.row for problem in self.problems})

    @property
    def problems_summary(self) -> str:
        """ "2 problems in 1 row. Fix them …", each count with its own plural."""
        total, rows = len(self.problems), self.rows_with_problems
        problems = ngettext("%(count)s problem", "%(count)s problems", total) % {
            "count": f"{total:,}"
        }
        where = ngettext("in %(count)s row", "in %(count)s rows", rows) % {"count": f"{rows:,}"}
        fix = ngettext(
            "Fix it in your spreadsheet and upload the file again; no row of this file has "
            "been saved.",
            "Fix them in your spreadsheet and upload the file again; no row of this file has "
            "been saved.",
            total,
        )
        return f"{problems} {where}. {fix}"

    @property
    def problems_by_column(self) -> list[tuple[str, int]]:
        return Counter(problem.column or _("whole row") for problem in self.problems).most_common()

    @property
    def created(self) -> int:
        return self.totals["new"]

    @property
    def updated(self) -> int:
        return self.totals["update"]

    @property
    def unchanged(self) -> int:
        return self.totals["skip"]
