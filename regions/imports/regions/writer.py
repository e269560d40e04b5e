"""Writing a checked regions plan in one transaction, recorded as one ImportBatch."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from regions.imports.regions.parsing import grouping_key
from regions.imports.regions.plan import PlannedRegion, RegionsPlan
from regions.imports.resources import import_batch_record
from regions.imports.results import RowError, WriteProblems
from regions.models import ImportBatch, Region


def region_codes(region: Region) -> set[str]:
    """Every code a file may use for a region."""
    return {key for key in (region.gss_code, region.slug, region.police_uk_id) if key}


def _row_errors(row: int, error: ValidationError) -> list[RowError]:
    if not hasattr(error, "error_dict"):
        return [RowError(row, "", message) for message in error.messages]
    return [
        RowError(row, "" if name == NON_FIELD_ERRORS else name, message)
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def regions_write(
    plan: RegionsPlan, *, user: AbstractBaseUser | None, file_name: str, checksum: str
) -> ImportBatch:
    """Write a checked regions plan in one transaction, recorded as one ImportBatch."""
    with transaction.atomic():
        batch = import_batch_record(
            kind=ImportBatch.Kind.REGIONS,
            plan=plan,
            user=user,
            file_name=file_name,
            checksum=checksum,
        )
        saved: list[tuple[PlannedRegion, Region]] = []
        problems: list[RowError] = []
        for planned in plan.rows:
            region = planned.existing or Region()
            if planned.existing is None or any(
                getattr(region, name) != value for name, value in planned.values.items()
            ):
                for name, value in planned.values.items():
                    setattr(region, name, value)
                try:
                    region.full_clean(exclude=["groupings"])
                except ValidationError as error:
                    # Checked at planning, so this means the database changed since (or a
                    # rule planning does not know): say so by row, never as a server error.
                    problems.extend(_row_errors(planned.row, error))
                    continue
                if not problems:
                    region.save()
            saved.append((planned, region))
        if problems:
            raise WriteProblems(problems)  # leaving the transaction undoes every row
        lookup: dict[str, Region] = {}
        for region in Region.objects.all():
            for key in region_codes(region):
                lookup.setdefault(key, region)
        for planned, region in saved:
            if planned.groupings is None:
                continue
            wanted = [lookup[grouping_key(code)] for code in planned.groupings]
            if {g.pk for g in wanted} != set(region.groupings.values_list("pk", flat=True)):
                region.groupings.set(wanted)
    return batch
