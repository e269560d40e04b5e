from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST_POPULATION_YEAR = 1800


def validate_population_year(value: int | None) -> None:
    """Refuse a year no population figure could be for: '22' for 2022, or a year to come."""
    if value is None:
        return
    latest = timezone.localdate().year + 1  # projections are published a year ahead
    if not EARLIEST_POPULATION_YEAR <= value <= latest:
        raise ValidationError(
            _(
                "%(year)s is not a year a population figure could be for: give the year in full, "
                "from %(earliest)s to %(latest)s, for example 2022."
            )
            % {"year": value, "earliest": EARLIEST_POPULATION_YEAR, "latest": latest},
            code="population_year",
        )
