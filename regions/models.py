"""The ground campaigns stand on: places, the partners who cover them, and what is counted there.

Nothing here knows about campaigns: a statistic is a fact about a metric, a region and a period,
whether or not any campaign shows it.
"""

import contextlib
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.images import validate_image_upload
from core.models import ConstraintErrorsByField, TimeStampedModel
from core.origins import parse_origins, valid_origins, validate_origins
from core.renditions import LOGO, Candidate, PictureModel, share_picture
from core.text import one_kind_of_line_break
from regions.figures import period_label
from regions.validators import validate_population_year

GSS_CODE_PATTERN = r"^[EWSN][0-9]{8}$"
gss_code_validator = RegexValidator(
    GSS_CODE_PATTERN,
    _(
        "Enter an ONS GSS code: a capital E, W, S or N followed by eight digits, "
        "for example W15000001. Leave it empty for a custom grouping."
    ),
)


class Region(ConstraintErrorsByField, TimeStampedModel):
    """A place figures are counted for: a nation, an ONS region, a police force area, a grouping."""

    constraint_error_fields = {
        "region_gss_code_format": "gss_code",
        "region_population_has_year": "population_year",
        "region_valid_to_not_before_valid_from": "valid_to",
    }

    class Kind(models.TextChoices):
        NATION = "nation", _("Nation")
        ONS_REGION = "ons_region", _("Region (ONS)")
        POLICE_FORCE_AREA = "police_force_area", _("Police force area")
        COUNTY = "county", _("County")
        LOCAL_AUTHORITY = "local_authority", _("Local authority")
        GROUPING = "grouping", _("Custom grouping")

    name = models.CharField(_("name"), max_length=120, help_text=_("As the public knows it."))
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_("The region's web address: lower-case letters, digits and hyphens; unique."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=32,
        choices=Kind.choices,
        help_text=_(
            "What sort of area this is. Use 'Custom grouping' for an area made for a campaign "
            "or partner, such as a regional crime unit's area."
        ),
    )
    gss_code = models.CharField(
        _("ONS GSS code"),
        max_length=9,
        unique=True,
        null=True,
        blank=True,
        validators=[gss_code_validator],
        help_text=_(
            "The nine-character ONS code, for example W15000001 for North Wales. Unique. "
            "Leave empty for a custom grouping that has no official code."
        ),
    )
    police_uk_id = models.SlugField(
        _("police.uk force id"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_(
            "For police force areas only: the force's id on police.uk, for example north-wales. "
            "Unique."
        ),
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Optional, one or two plain sentences shown on the region's page."),
    )
    groupings = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="members",
        blank=True,
        verbose_name=_("groupings it belongs to"),
        help_text=_(
            "Every larger area this region is part of. A region may sit in several: "
            "North Wales is in Wales and in the North West and North Wales grouping."
        ),
    )
    population = models.PositiveBigIntegerField(
        _("population"),
        null=True,
        blank=True,
        help_text=_(
            "Optional: the number of people living here, for rates per 100,000 people. "
            "Give its year and source too."
        ),
    )
    population_year = models.PositiveSmallIntegerField(
        _("population year"),
        null=True,
        blank=True,
        validators=[validate_population_year],
        help_text=_("The year the population figure is for, in full, for example 2022."),
    )
    population_source = models.CharField(
        _("population source"),
        max_length=255,
        blank=True,
        help_text=_(
            "Where the population figure comes from, for example 'ONS mid-2022 estimates'."
        ),
    )
    valid_from = models.DateField(
        _("valid from"),
        null=True,
        blank=True,
        help_text=_("Optional: the day this boundary came into use."),
    )
    valid_to = models.DateField(
        _("valid to"),
        null=True,
        blank=True,
        help_text=_(
            "Optional: the last day this boundary was in use. Must not be before 'valid from'."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=Q(gss_code__isnull=True) | Q(gss_code__regex=GSS_CODE_PATTERN),
                name="region_gss_code_format",
                violation_error_message=_(
                    "The ONS GSS code must be a capital E, W, S or N followed by eight digits."
                ),
            ),
            models.CheckConstraint(
                condition=Q(population__isnull=True) | Q(population_year__isnull=False),
                name="region_population_has_year",
                violation_error_message=_("Give the year the population figure is for."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="region_valid_to_not_before_valid_from",
                violation_error_message=_("'Valid to' cannot be before 'valid from'."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def unique_error_message(self, model_class, unique_check):
        if tuple(unique_check) == ("slug",):
            return ValidationError(
                _("Another region already uses this slug; choose another."), code="unique"
            )
        return super().unique_error_message(model_class, unique_check)

    @property
    def code(self) -> str:
        """The identifier partners use for this region in files: GSS code, else the slug."""
        return self.gss_code or self.slug


class Organisation(PictureModel, TimeStampedModel):
    # A new logo: upright, without its camera's notes, at most 4,000 pixels a side, and its
    # renditions made (core/renditions.py).
    picture_fields = {"logo": LOGO}
    """A partner: the charity running a campaign, a police force, a regional crime unit."""

    class Kind(models.TextChoices):
        CHARITY = "charity", _("Charity")
        POLICE_FORCE = "police_force", _("Police force")
        ROCU = "rocu", _("Regional organised crime unit")
        LOCAL_AUTHORITY = "local_authority", _("Local authority")
        HEALTH_BODY = "health_body", _("Health body")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, help_text=_("The organisation's full name."))
    short_name = models.CharField(
        _("short name"),
        max_length=60,
        blank=True,
        help_text=_(
            "Optional: the name it is known by, for example TITAN. Used where space is short."
        ),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_(
            "The partner page's web address: lower-case letters, digits and hyphens; unique."
        ),
    )
    kind = models.CharField(
        _("kind"),
        max_length=32,
        choices=Kind.choices,
        help_text=_("What sort of organisation this is; shown on its partner page."),
    )
    website = models.URLField(
        _("website"), blank=True, help_text=_("Optional: the full address, starting https://.")
    )
    logo = models.ImageField(
        _("logo"),
        upload_to="logos/",
        width_field="logo_width",
        height_field="logo_height",
        validators=[validate_image_upload],
        blank=True,
        help_text=_(
            "Optional: PNG, JPEG or WebP, at most 5 MB. Shown small beside the name, "
            "which is always written out too, so the logo needs no separate description."
        ),
    )
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Optional: one or two plain sentences on the partner page."),
    )
    press_email = models.EmailField(
        _("press office email"),
        blank=True,
        help_text=_(
            "Optional: the press office's address, for sign-off links. Never shown on the "
            "public site."
        ),
    )
    card_origins = models.TextField(
        _("websites that may show the campaign card"),
        blank=True,
        validators=[validate_origins],
        help_text=_(
            "The addresses of the organisation's own websites on which its campaign card may "
            "be shown in a frame, one a line: the scheme and host name (and port, if any), "
            "without a page's path, for example https://www.northwales.police.uk. Every other "
            "website is refused. Empty: the card can be framed on this site only."
        ),
    )
    regions = models.ManyToManyField(
        Region,
        related_name="organisations",
        blank=True,
        verbose_name=_("regions it covers"),
        help_text=_(
            "The areas this organisation works in. Covering a grouping covers all of its "
            "members; the organisation's data officers may import figures for these areas only."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def card_origin_list(self) -> list[str]:
        """The websites that may frame the organisation's campaign card (core/origins.py)."""
        return valid_origins(self.card_origins)

    def clean(self) -> None:
        super().clean()
        # One address a line, each written one way (https://www.example.org), each once. A
        # list with a mistake is left as typed: its validator says what is wrong beside it.
        with contextlib.suppress(ValidationError):
            self.card_origins = "\n".join(parse_origins(self.card_origins))

    def unique_error_message(self, model_class, unique_check):
        if tuple(unique_check) == ("slug",):
            return ValidationError(
                _("Another organisation already uses this slug; choose another."), code="unique"
            )
        return super().unique_error_message(model_class, unique_check)

    @property
    def logo_share_picture(self) -> Candidate:
        """The logo as one picture (at most 384 pixels wide, PNG or JPEG) for search engines:
        never the stored one."""
        return share_picture(self.logo, LOGO, width=self.logo_width, height=self.logo_height)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class PartnerMembership(TimeStampedModel):
    """Links a user account to the one partner organisation it works for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_membership",
        verbose_name=_("user"),
        help_text=_(
            "A staff account in the 'Partner data officers' group. Each account works for "
            "one organisation only."
        ),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
        help_text=_("The partner this person imports figures for. One organisation per user."),
    )

    class Meta:
        verbose_name = _("partner membership")
        verbose_name_plural = _("partner memberships")

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


def period_not_ended_error(end) -> str | None:
    """Why a period ending after today cannot have figures yet, or None when it has ended."""
    if not isinstance(end, datetime.date) or end <= timezone.localdate():
        return None
    return _(
        "This period has not ended yet (it ends %(end)s): give figures only for periods that "
        "have ended."
    ) % {"end": end.strftime("%d/%m/%Y")}


def lock_metrics(metric_ids) -> None:
    """Inside a transaction, make other writers of these metrics' statistics wait until it ends,
    so that two overlapping periods checked at once cannot both pass. (On SQLite a writing
    transaction already holds the database's write lock.)"""
    if metric_ids and transaction.get_connection().in_atomic_block:
        list(Metric.objects.select_for_update().filter(pk__in=metric_ids).values_list("pk"))


def period_holders_text(named: str | None, count: int) -> str:
    """Who has a period a new one overlaps, as an importer may be told it: 'North Wales',
    'North Wales, among others', or only that they are areas the importer does not cover."""
    if named is None:
        return _("areas your organisation does not cover")
    if count > 1:
        return _("%(region)s, among others") % {"region": named}
    return named


THRESHOLD_NOT_NEGATIVE = _(
    "The threshold cannot be negative: give 5, the owner's own threshold, or 0 to show every value."
)


class Metric(TimeStampedModel):
    """Something that is counted, per region and period, by the organisation that owns it."""

    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("Short, plain and specific, for example 'People contacting the helpline'."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_("Used in import files and web addresses; unique."),
    )
    description = models.TextField(
        _("what is counted"),
        help_text=_(
            "Exactly what is counted and how it is assigned to a region, as a reader "
            "would need it to understand the figures."
        ),
    )
    unit = models.CharField(
        _("unit"),
        max_length=60,
        default="people",
        help_text=_("What one counts as, in the plural, for example 'people' or 'calls'."),
    )
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="metrics",
        verbose_name=_("owner"),
        help_text=_("The organisation that collects these figures and answers for them."),
    )
    small_number_threshold = models.PositiveSmallIntegerField(
        _("small-number threshold"),
        default=5,
        validators=[MinValueValidator(0, message=THRESHOLD_NOT_NEGATIVE)],
        help_text=_(
            "Public pages say 'fewer than N' for any value below this, to protect the people "
            "counted. 5 unless the owner's disclosure rules say otherwise. 0 turns this "
            "protection off and shows every value exactly, however small: use 0 only for counts "
            "that cannot identify anyone, such as visits to a website, never for counts of "
            "people."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")

    def __str__(self) -> str:
        return self.name

    def unique_error_message(self, model_class, unique_check):
        if tuple(unique_check) == ("slug",):
            return ValidationError(
                _("Another metric already uses this slug; choose another."), code="unique"
            )
        return super().unique_error_message(model_class, unique_check)

    @property
    def hides_small_numbers(self) -> bool:
        """Whether public pages hide values below the threshold (a threshold of 0 hides none)."""
        return self.small_number_threshold > 0


class ImportBatch(models.Model):
    """One imported file: who brought it in, for which partner, and what it changed."""

    class Kind(models.TextChoices):
        STATISTICS = "statistics", _("Statistics")
        REGIONS = "regions", _("Regions")

    kind = models.CharField(
        _("what was imported"), max_length=16, choices=Kind.choices, default=Kind.STATISTICS
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True, db_default=Now())
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_batches",
        verbose_name=_("imported by"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_batches",
        verbose_name=_("for organisation"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64)
    rows_created = models.PositiveIntegerField(_("rows created"), default=0)
    rows_updated = models.PositiveIntegerField(_("rows updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("rows unchanged"), default=0)
    # What undoing the import needs, and no more: when its figures were written (a figure of
    # this import changed since has another time), and the figures it changed as they were
    # before ([statistic id, value, source, notes, notes_cy, import batch id, updated_at];
    # imports made before Welsh notes have no notes_cy); the figures it created are those still
    # marked with it that are not in that list.
    written_at = models.DateTimeField(_("figures written at"), null=True, blank=True)
    previous_values = models.JSONField(_("figures as they were"), default=list, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="undone_import_batches",
        verbose_name=_("undone by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class PendingImport(models.Model):
    """An uploaded file waiting for its importer to confirm the preview.

    Kept in the database rather than a temporary folder so that the preview and the confirmation
    may be served by different app servers, and so the file is never reachable by URL. Removed on
    confirmation; abandoned ones are removed once they are older than IMPORT_PENDING_HOURS.
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_imports"
    )
    content = models.BinaryField()
    # What was decided at the preview (the file's name, the metric chosen), so the confirmation
    # reads it from here rather than from form fields anyone could edit.
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")

    def __str__(self) -> str:
        return f"{self.token[:8]}… ({self.user})"


class Statistic(ConstraintErrorsByField, TimeStampedModel):
    """The value of a metric for one region over one period (both dates inclusive)."""

    # A duplicate (metric, region, period) stays with the whole form: any of the four may be
    # the one to correct.
    constraint_error_fields = {
        "statistic_period_end_not_before_start": "period_end",
        "statistic_value_not_negative": "value",
    }

    metric = models.ForeignKey(
        Metric,
        on_delete=models.PROTECT,
        related_name="statistics",
        verbose_name=_("metric"),
        help_text=_("What was counted."),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="statistics",
        verbose_name=_("region"),
        help_text=_(
            "Where it was counted. Partner data officers can choose only the areas their "
            "organisation covers."
        ),
    )
    period_start = models.DateField(
        _("period start"), help_text=_("The first day counted, for example 1 July 2017.")
    )
    period_end = models.DateField(
        _("period end"),
        help_text=_(
            "The last day counted, included in the period, for example 31 December 2017. "
            "Not before the start; the same day for a one-day count."
        ),
    )
    value = models.BigIntegerField(
        _("value"),
        validators=[MinValueValidator(0, message=_("A count cannot be negative."))],
        help_text=_(
            "The whole count for the period, 0 or more. Enter the real number even when it is "
            "small: public pages hide values below the metric's threshold."
        ),
    )
    source = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        help_text=_("Optional: where the figure comes from, as a reader could check it."),
    )
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("Optional: caveats, for example a change of method.")
    )
    notes_cy = models.TextField(
        _("notes in Welsh"),
        blank=True,
        help_text=_("Optional: the same notes in Welsh."),
    )
    import_batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statistics",
        verbose_name=_("import batch"),
        help_text=_("The import that last wrote this figure; empty when entered by hand."),
    )

    class Meta:
        ordering = ["metric", "region", "period_start"]
        verbose_name = _("statistic")
        verbose_name_plural = _("statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "region", "period_start", "period_end"],
                name="statistic_one_per_metric_region_period",
                violation_error_message=_(
                    "There is already a figure for this metric, region and period. "
                    "Edit that one instead."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="statistic_period_end_not_before_start",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="statistic_value_not_negative",
                violation_error_message=_("A count cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["region", "metric"], name="statistic_region_metric")]

    def __str__(self) -> str:
        if None in (self.metric_id, self.region_id, self.period_start, self.period_end):
            return str(_("new statistic"))
        period = period_label(self.period_start, self.period_end)
        value = "?" if self.value is None else f"{self.value:,}"
        return f"{self.metric} · {self.region} · {period}: {value}"

    # The regions whose names a refusal may mention (None: any). The admin sets it for partner
    # data officers, so a refusal never names an area their organisation does not cover.
    visible_region_ids: set[int] | None = None

    def clean(self) -> None:
        """A period has ended before it has figures. Within one metric, any two periods (for any
        regions) are identical or do not overlap.

        A grouping's January-December total beside its members' half-years would let a
        withheld half be worked out by subtraction, and compare a half-year with a year. So a
        metric counts every area in the same periods. (The import checks the same rule for a
        whole file at once.)
        """
        super().clean()
        # As the import stores them, so an export re-imported unchanged compares equal.
        self.notes = one_kind_of_line_break(self.notes or "")
        self.notes_cy = one_kind_of_line_break(self.notes_cy or "")
        self.source = one_kind_of_line_break(self.source or "")
        not_ended = period_not_ended_error(self.period_end)
        if not_ended:
            # A count for a period still running is incomplete, and would be published as if
            # it were the whole.
            raise ValidationError({"period_end": not_ended}, code="period_not_ended")
        if None in (self.metric_id, self.region_id, self.period_start, self.period_end):
            return
        if self.period_end < self.period_start:
            return  # the period check says so
        lock_metrics([self.metric_id])  # as an import does
        others = Statistic.objects.filter(metric_id=self.metric_id).exclude(pk=self.pk)
        clashing = (
            others.filter(period_start__lte=self.period_end, period_end__gte=self.period_start)
            # The very same period is the metric's grid (or, for this region, a duplicate,
            # which the unique check names).
            .exclude(period_start=self.period_start, period_end=self.period_end)
            .order_by("period_start", "period_end")
            .values_list("period_start", "period_end")
        )
        overlapping = None
        if self.visible_region_ids is not None:
            # A clash with the editor's own areas first: that one they can see and mend.
            overlapping = clashing.filter(region_id__in=self.visible_region_ids).first()
        if overlapping is None:
            overlapping = clashing.first()
        if overlapping is None:
            return
        holders = others.filter(period_start=overlapping[0], period_end=overlapping[1])
        count = holders.count()
        if self.visible_region_ids is not None:
            holders = holders.filter(region_id__in=self.visible_region_ids)
        named = holders.order_by("region__name").values_list("region__name", flat=True).first()
        where = period_holders_text(named, count)
        raise ValidationError(
            _(
                "This period overlaps %(other)s, a period this metric already counts in "
                "(%(where)s). A metric counts every area in the same periods; give figures for "
                "those periods."
            )
            % {
                "other": _("%(start)s to %(end)s")
                % {
                    "start": overlapping[0].strftime("%d/%m/%Y"),
                    "end": overlapping[1].strftime("%d/%m/%Y"),
                },
                "where": where,
            },
            code="overlapping_period",
        )
