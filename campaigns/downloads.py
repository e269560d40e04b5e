"""A campaign's figures as open data (CSV and JSON), with the same suppression as its page."""

import csv
import io
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from campaigns.impact import Impact, launch_phase
from campaigns.models import Campaign, ReportedFigure
from campaigns.welsh import WELSH, text_in
from core.spreadsheets import escape_formula
from regions.series import Period, State

COLUMNS = [
    "metric",
    "metric_name",
    "metric_name_cy",
    "region_code",
    "region_name",
    "region_name_cy",
    "period_start",
    "period_end",
    "after_launch",
    "launch_phase",
    "value",
    "value_note",
    "change_from_previous",
    "change_from_previous_percent",
    "change_across_launch",
    "change_across_launch_percent",
    "per_month",
    "per_100000_people",
    "source",
    "reported_change_percent",
]

# What each column (CSV) or figure field (JSON) holds, published with the JSON and in
# docs/figures.md, so the files explain themselves.
FIELDS = {
    "metric": _("what is counted (its short name)"),
    "metric_name": _("what is counted"),
    "metric_name_cy": _("what is counted, in Welsh (empty until it is written)"),
    "region_code": _("ONS GSS code of the area, or the short name of a grouping that has none"),
    "region_name": _("the area's name"),
    "region_name_cy": _("the area's name in Welsh (empty until it is written)"),
    "period_start": _("first day counted (YYYY-MM-DD)"),
    "period_end": _("last day counted, included (YYYY-MM-DD)"),
    "after_launch": _("whether the period starts on or after the campaign's launch"),
    "launch_phase": _("'before', 'spans launch' or 'after'"),
    "value": _("the count; empty when withheld or unknown (see value_note)"),
    "value_note": _(
        "'fewer than N', 'withheld', 'incomplete: …', 'sum of its areas', or "
        "'counts not published; change as reported' on a row for an area with a reported change "
        "only"
    ),
    "change_from_previous": _("count minus the previous period's count"),
    "change_from_previous_percent": _("that change in per cent, rounded; 'new' when it was 0"),
    "change_across_launch": _(
        "on the first period after the launch: count minus the last period before it"
    ),
    "change_across_launch_percent": _("that change in per cent, rounded; 'new' when it was 0"),
    "per_month": _(
        "count divided by the months in the period, to one decimal place (the page "
        "rounds further: 'about 590 a month')"
    ),
    "per_100000_people": _(
        "count per 100,000 people for the whole period, where the area has a population"
    ),
    "source": _("where the figure comes from"),
    "reported_change_percent": _("a change published without its counts, exactly as published"),
}

# The same for each reported figure in the JSON (figures published without their counts).
REPORTED_FIELDS = {
    "label": _("what the figure is, as it was published"),
    "label_cy": _("the same in Welsh (empty until it is written)"),
    "value": _("the number as published"),
    "qualifier": _("a word published with it, such as 'nearly', or null"),
    "unit": _("'percent_change', 'count' or 'per_month'"),
    "as_published": _("the figure as it reads on the page: '+146%', 'nearly 600 a month'"),
    "metric": _("what is counted (its short name), or null"),
    "region_code": _("the area it is for, or null for the whole campaign"),
    "earlier_period_start": _("for a change: first day of the period it is compared with"),
    "earlier_period_end": _("for a change: last day of the period it is compared with"),
    "period_start": _("first day of the period it is for"),
    "period_end": _("last day of the period it is for"),
    "period": _("the periods in words"),
    "source": _("where it was published"),
    "source_cy": _("the same in Welsh (empty until it is written)"),
}

ROUNDING = (
    "Percentage changes are worked out from the counts and rounded to the nearest whole number "
    "(a half rounds away from zero); 'new' means the earlier count was 0."
)


def in_language(descriptions: dict, language: str) -> dict[str, str]:
    """Field descriptions in one language, whichever language's page the file is from."""
    with translation.override(language):
        return {name: str(text) for name, text in descriptions.items()}


def _note(counted) -> str:
    if counted.state == State.INCOMPLETE:
        return counted.text
    if counted.suppressed:
        return counted.text
    if counted.state == State.SUM:
        return "sum of its areas"
    return ""


def _number(value: Decimal) -> int | Decimal:
    """146 rather than 146.0; 12.5 as it is."""
    return int(value) if value == value.to_integral_value() else value


def _percent(change) -> int | str | None:
    if change is None:
        return None
    return "new" if change.is_new else change.percent


def rows(impacts: list[Impact]) -> list[dict]:
    """One row per metric, region and period that has anything to say."""
    found = []
    for impact in impacts:
        for row in impact.rows:
            reported = row.reported
            for counted, change in row.series.points:
                if counted.state == State.MISSING:
                    continue
                across = row.change if counted.period == impact.after_period else None
                carries_reported = reported is not None and counted.period == impact.after_period
                found.append(
                    {
                        "metric": impact.metric.slug,
                        **labels(impact.metric, row.region),
                        "region_code": row.region.code,
                        "period_start": counted.period.start.isoformat(),
                        "period_end": counted.period.end.isoformat(),
                        "after_launch": counted.period.start >= impact.launch,
                        "launch_phase": launch_phase(counted.period, impact.launch),
                        "value": counted.shown,
                        "value_note": _note(counted),
                        "change_from_previous": change.absolute if change else None,
                        "change_from_previous_percent": _percent(change),
                        "change_across_launch": across.absolute if across else None,
                        "change_across_launch_percent": _percent(across),
                        "per_month": counted.monthly_value,
                        "per_100000_people": counted.per_100k_value,
                        "source": counted.source if counted.state == State.STORED else "",
                        "reported_change_percent": _number(reported.value)
                        if carries_reported
                        else None,
                    }
                )
                if carries_reported:
                    reported = None
            if reported is not None and reported.period_start and reported.period_end:
                # A change published without its counts: one row saying so, with its period.
                period = Period(reported.period_start, reported.period_end)
                found.append(
                    {
                        **dict.fromkeys(COLUMNS),
                        "metric": impact.metric.slug,
                        **labels(impact.metric, row.region),
                        "region_code": row.region.code,
                        "period_start": period.start.isoformat(),
                        "period_end": period.end.isoformat(),
                        "after_launch": period.start >= impact.launch,
                        "launch_phase": launch_phase(period, impact.launch),
                        "value_note": "counts not published; change as reported",
                        "source": english(reported, "source"),
                        "reported_change_percent": _number(reported.value),
                    }
                )
    return found


def english(item, name: str) -> str:
    """A text in English, whatever the language of the page the download was asked from."""
    return text_in(item, name, settings.LANGUAGE_CODE) or getattr(item, name) or ""


def welsh(item, name: str) -> str:
    return text_in(item, name, WELSH)


def labels(metric, region) -> dict[str, str]:
    """The names a row is labelled with, in English and in Welsh: the same files whichever
    language's page they are downloaded from."""
    return {
        "metric_name": english(metric, "name"),
        "metric_name_cy": welsh(metric, "name"),
        "region_name": english(region, "name"),
        "region_name_cy": welsh(region, "name"),
    }


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def as_json(campaign: Campaign, impacts: list[Impact], reported: list[ReportedFigure]) -> dict:
    thresholds = {impact.metric.slug: impact.metric.small_number_threshold for impact in impacts}
    return {
        "campaign": {
            "title": english(campaign, "title"),
            "title_cy": welsh(campaign, "title"),
            "slug": campaign.slug,
            "launch_date": campaign.launch_date.isoformat(),
        },
        "licence": settings.STATISTICS_LICENCE,
        "rounding": ROUNDING,
        "small_numbers": {
            "thresholds": thresholds,
            "rule": (
                "Values below a metric's threshold are withheld (value null, value_note 'fewer "
                "than N'). A total is withheld too (value null, value_note 'withheld') in a period "
                "in which one of its areas is withheld, or in which the figures given for its "
                "areas add up to within N of it, so that no small figure can be worked out by "
                "subtraction."
            ),
        },
        # What each field means, in English and in Welsh.
        "fields": in_language(FIELDS, "en-gb"),
        "fields_cy": in_language(FIELDS, "cy"),
        "reported_fields": in_language(REPORTED_FIELDS, "en-gb"),
        "reported_fields_cy": in_language(REPORTED_FIELDS, "cy"),
        "figures": [{k: _plain(v) for k, v in row.items()} for row in rows(impacts)],
        "reported_figures": [
            {
                "label": english(figure, "label"),
                "label_cy": welsh(figure, "label"),
                "value": _plain(_number(figure.value)),
                "qualifier": figure.qualifier or None,
                "unit": figure.unit,
                "as_published": figure.display_value,
                "metric": figure.metric.slug if figure.metric_id else None,
                "region_code": figure.region.code if figure.region else None,
                "earlier_period_start": _iso(figure.base_period_start),
                "earlier_period_end": _iso(figure.base_period_end),
                "period_start": _iso(figure.period_start),
                "period_end": _iso(figure.period_end),
                "period": figure.period_text,
                "source": english(figure, "source"),
                "source_cy": welsh(figure, "source"),
            }
            for figure in reported
        ],
    }


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return escape_formula(value)
    return value


def as_csv(impacts: list[Impact]) -> str:
    """UTF-8 with a byte order mark so Excel reads it right; formula-like text escaped."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(impacts):
        writer.writerow([_csv_value(row[name]) for name in COLUMNS])
    writer.writerow([f"# Licence: {settings.STATISTICS_LICENCE} {ROUNDING}"])
    return buffer.getvalue()
