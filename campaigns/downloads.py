"""A campaign's figures as open data (CSV and JSON), with the same suppression as its page.

The CSV is a plain table: its header row first, then one row per figure, nothing else, so that
spreadsheets and data tools read it as data. What a tool needs to know about it (the licence,
the sources, the rounding and small-number rules, and each column's name, titles in English and
Welsh, type and meaning) is in a W3C CSV on the Web metadata file ("Metadata Vocabulary for
Tabular Data", https://www.w3.org/TR/tabular-metadata/) at the standard address beside it,
`statistics.csv-metadata.json`, which the CSV response names in its `Link` header. The JSON
carries the same facts in its own fields.
"""

import csv
import io
import re
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

ROUNDING = _(
    "Percentage changes are worked out from the counts and rounded to the nearest whole number "
    "(a half rounds away from zero); 'new' means the earlier count was 0."
)

SMALL_NUMBERS = _(
    "Values below a metric's threshold are withheld (value null, value_note 'fewer than N'). A "
    "total is withheld too (value null, value_note 'withheld') in a period in which one of its "
    "areas is withheld, or in which the figures given for its areas add up to within N of it, "
    "so that no small figure can be worked out by subtraction."
)

# Each CSV column's title for people, in English and Welsh (the metadata's `titles`, beside the
# column's name as the header row has it).
TITLES = {
    "metric": _("Metric"),
    "metric_name": _("What is counted"),
    "metric_name_cy": _("What is counted, in Welsh"),
    "region_code": _("Area code"),
    "region_name": _("Area"),
    "region_name_cy": _("Area, in Welsh"),
    "period_start": _("Period start"),
    "period_end": _("Period end"),
    "after_launch": _("After the launch"),
    "launch_phase": _("Period and launch"),
    "value": _("Count"),
    "value_note": _("Note on the count"),
    "change_from_previous": _("Change from the period before"),
    "change_from_previous_percent": _("Change from the period before, per cent"),
    "change_across_launch": _("Change across the launch"),
    "change_across_launch_percent": _("Change across the launch, per cent"),
    "per_month": _("A month"),
    "per_100000_people": _("Per 100,000 people"),
    "source": _("Source"),
    "reported_change_percent": _("Change as reported, per cent"),
}

# A percentage column holds a whole number or the word 'new'.
_PERCENT = {"base": "string", "format": "^(-?[0-9]+|new)$"}
# Each CSV column's datatype (CSVW built-in datatypes, https://www.w3.org/TR/tabular-metadata/
# #datatypes); every column not named is text.
DATATYPES = {
    "period_start": {"base": "date", "format": "yyyy-MM-dd"},
    "period_end": {"base": "date", "format": "yyyy-MM-dd"},
    "after_launch": {"base": "boolean", "format": "true|false"},
    "launch_phase": {"base": "string", "format": "^(before|spans launch|after)$"},
    "value": {"base": "integer", "minimum": 0},
    "change_from_previous": "integer",
    "change_from_previous_percent": _PERCENT,
    "change_across_launch": "integer",
    "change_across_launch_percent": _PERCENT,
    "per_month": {"base": "decimal", "minimum": 0},
    "per_100000_people": {"base": "decimal", "minimum": 0},
    "reported_change_percent": "decimal",
}
# The columns every row fills in.
REQUIRED = {
    "metric",
    "metric_name",
    "region_code",
    "region_name",
    "period_start",
    "period_end",
    "after_launch",
    "launch_phase",
}
# What tells one row from another: a figure is one metric's, for one area and one period.
PRIMARY_KEY = ["metric", "region_code", "period_start", "period_end"]


def in_language(descriptions: dict, language: str) -> dict[str, str]:
    """Field descriptions in one language, whichever language's page the file is from."""
    with translation.override(language):
        return {name: str(text) for name, text in descriptions.items()}


def in_english(text) -> str:
    """A translatable text in English, whichever language's page asked."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


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


def _carries(reported: ReportedFigure | None, period: Period, after: Period | None) -> bool:
    """Whether a row for this period carries the reported change: the row of the change's own
    period, or of the first period after the launch for a change published without one. (Two
    rows for one metric, area and period would break the files' key.)"""
    if reported is None:
        return False
    if reported.period_start and reported.period_end:
        return (reported.period_start, reported.period_end) == (period.start, period.end)
    return period == after


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
                carries_reported = _carries(reported, counted.period, impact.after_period)
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
        "rounding": in_english(ROUNDING),
        "small_numbers": {"thresholds": thresholds, "rule": in_english(SMALL_NUMBERS)},
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
    """A plain table: the header row, then the rows. UTF-8 with a byte order mark so Excel
    reads it right (CSV on the Web readers skip it); formula-like text escaped."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(impacts):
        writer.writerow([_csv_value(row[name]) for name in COLUMNS])
    return buffer.getvalue()


# --- CSV on the Web metadata -------------------------------------------------------------------

CSVW_CONTEXT = "http://www.w3.org/ns/csvw"
CSVW_MEDIA_TYPE = "application/csvm+json"
# The languages of the metadata's texts, as its language maps name them.
_TAGS = {settings.LANGUAGE_CODE: "en", WELSH: "cy"}


def _languages(first: str) -> list[str]:
    """Both languages, the page's first."""
    return sorted(_TAGS, key=lambda language: language != first)


def _texts(text_by_language: dict[str, str], first: str) -> list[dict[str, str]]:
    """A text in both languages as JSON-LD values, the page's language first; a language whose
    text is empty is left out."""
    return [
        {"@value": text_by_language[language], "@language": _TAGS[language]}
        for language in _languages(first)
        if text_by_language.get(language)
    ]


def _translated(text, first: str) -> list[dict[str, str]]:
    """A gettext text in both languages."""
    found = {}
    for language in _TAGS:
        with translation.override(language):
            found[language] = str(text)
    return _texts(found, first)


def _licence() -> dict | str:
    """The licence as a link where its text names one (the default does), else as text."""
    found = re.search(r"https?://[^\s)]+", settings.STATISTICS_LICENCE)
    return {"@id": found.group(0)} if found else settings.STATISTICS_LICENCE


def _column(name: str, first: str) -> dict:
    titles = {}
    for language in _languages(first):
        with translation.override(language):
            # The header row's name first: a CSVW reader matches the header against titles.
            titles[_TAGS[language]] = [name, str(TITLES[name])]
    column = {
        "name": name,
        "titles": titles,
        "datatype": DATATYPES.get(name, "string"),
        "required": name in REQUIRED,
        "dc:description": _translated(FIELDS[name], first),
    }
    if name not in REQUIRED:
        column["null"] = ""
    return column


def csvw_metadata(campaign: Campaign, impacts: list[Impact], language: str) -> dict:
    """The CSV's CSVW metadata, its texts in both languages with `language`'s first. The CSV's
    `url` is relative, so it names the CSV beside the metadata in either language."""
    first = WELSH if language == WELSH else settings.LANGUAGE_CODE
    title = {
        settings.LANGUAGE_CODE: english(campaign, "title"),
        WELSH: welsh(campaign, "title") or english(campaign, "title"),
    }
    described = {}
    for code in _TAGS:
        with translation.override(code):
            described[code] = str(
                _("%(campaign)s: the campaign's figures by area and period")
                % {"campaign": title[code]}
            )
    thresholds = {}
    for code in _TAGS:
        with translation.override(code):
            thresholds[code] = " ".join(
                str(
                    _("Threshold for %(metric)s: %(threshold)s.")
                    % {"metric": impact.metric.slug, "threshold": threshold}
                )
                for impact in impacts
                if (threshold := impact.metric.small_number_threshold)
            )
    small_numbers = {}
    for code in _TAGS:
        with translation.override(code):
            small_numbers[code] = f"{SMALL_NUMBERS} {thresholds[code]}".strip()
    sources = sorted({row["source"] for row in rows(impacts) if row["source"]})
    lead = campaign.lead_organisation
    publisher = {"schema:name": english(lead, "name")}
    if lead.website:
        publisher["schema:url"] = {"@id": lead.website}
    return {
        "@context": [CSVW_CONTEXT, {"@language": _TAGS[first]}],
        "url": "statistics.csv",
        "dc:title": _texts(described, first),
        "dc:publisher": publisher,
        "dc:license": _licence(),
        "dc:rights": settings.STATISTICS_LICENCE,
        "dc:source": sources,
        "rdfs:comment": _translated(ROUNDING, first) + _texts(small_numbers, first),
        "dialect": {"encoding": "utf-8", "header": True, "lineTerminators": ["\r\n"]},
        "tableSchema": {
            "columns": [_column(name, first) for name in COLUMNS],
            "primaryKey": PRIMARY_KEY,
        },
    }
