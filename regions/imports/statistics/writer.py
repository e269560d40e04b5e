"""Writing a checked statistics plan: batched upserts in one transaction, one ImportBatch."""

import datetime
from collections.abc import Iterator

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from regions.imports.resources import import_batch_record
from regions.imports.statistics.plan import Progress, StatisticsPlan
from regions.models import ImportBatch, Statistic


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Columns written for each row, and those an existing row takes from the file on conflict.
_INSERT_COLUMNS = (
    "metric_id",
    "region_id",
    "period_start",
    "period_end",
    "value",
    "source",
    "notes",
    "notes_cy",
    "import_batch_id",
    "created_at",
    "updated_at",
)
_UPDATE_COLUMNS = ("value", "source", "notes", "notes_cy", "import_batch_id", "updated_at")
_KEY_COLUMNS = ("metric_id", "region_id", "period_start", "period_end")
# Rows per INSERT statement: stays under SQLite's oldest limit of 999 parameters.
ROWS_PER_STATEMENT = 999 // len(_INSERT_COLUMNS)


def _upsert_sql(rows: int) -> str:
    """The upsert for `rows` rows; built only from constant names, values go as parameters."""
    quote = connection.ops.quote_name
    placeholders = "(" + ", ".join(["%s"] * len(_INSERT_COLUMNS)) + ")"
    table = quote(Statistic._meta.db_table)
    columns = ", ".join(map(quote, _INSERT_COLUMNS))
    values = ", ".join([placeholders] * rows)
    key = ", ".join(map(quote, _KEY_COLUMNS))
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in _UPDATE_COLUMNS)
    # Names are constants, quoted; every value is a parameter.
    return f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT ({key}) DO UPDATE SET {updates}"  # noqa: E501, S608


def statistics_write(
    plan: StatisticsPlan,
    *,
    user: AbstractBaseUser | None,
    file_name: str,
    checksum: str,
    progress: Progress | None = None,
) -> ImportBatch:
    """Write a checked plan in one transaction, recording it as one ImportBatch.

    New and changed rows are written with an upsert on the (metric, region, period) key, so two
    imports of the same figures at once can never create duplicates. The statement is written
    out rather than built by bulk_create: for a large file the ORM's per-object work (building
    instances, preparing each value, reading back ids and timestamps) cost ten times the SQL.
    """
    ops = connection.ops
    with transaction.atomic():
        written_at = timezone.now()
        batch = import_batch_record(
            kind=ImportBatch.Kind.STATISTICS,
            plan=plan,
            user=user,
            file_name=file_name,
            checksum=checksum,
            # Enough to undo it: the figures it changes as they were (not those it creates).
            written_at=written_at,
            previous_values=plan.previous_values,
        )
        now = ops.adapt_datetimefield_value(written_at)
        dates: dict[datetime.date, object] = {}

        def adapt(day: datetime.date):
            if day not in dates:
                dates[day] = ops.adapt_datefield_value(day)
            return dates[day]

        full_statement = _upsert_sql(ROWS_PER_STATEMENT)
        with connection.cursor() as cursor:
            for chunk in _chunks([*plan.new, *plan.changed], ROWS_PER_STATEMENT):
                params: list = []
                for row in chunk:
                    params += (
                        row.metric_id,
                        row.region_id,
                        adapt(row.period_start),
                        adapt(row.period_end),
                        row.value,
                        row.source,
                        row.notes,
                        row.notes_cy,
                        batch.pk,
                        now,
                        now,
                    )
                sql = (
                    full_statement if len(chunk) == ROWS_PER_STATEMENT else _upsert_sql(len(chunk))
                )
                cursor.execute(sql, params)
                if progress:
                    progress("written", len(chunk))
    return batch
