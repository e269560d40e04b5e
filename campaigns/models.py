"""Campaigns and what they publish: statements, quotes and figures as reported."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from campaigns.helplines import Helpline, is_free, tel_link
from campaigns.phones import validate_phone_number
from campaigns.publishing import (
    PUBLIC_STATUSES,
    PublishableQuerySet,
    Status,
    is_released,
    listed_q,
    released_q,
)
from core.images import is_turned, validate_image_upload
from core.models import ConstraintErrorsByField, TimeStampedModel, VersionedModel
from core.renditions import HERO, Candidate, PictureModel, share_picture
from regions.figures import period_label
from regions.models import Metric, Organisation, Region, period_not_ended_error

MARKDOWN_HELP = _(
    "Plain text; no HTML. Leave a blank line between paragraphs. Formatting: '## ' at the start "
    "of a line for a heading, '- ' for a bullet, **bold**, [link text](https://example.org)."
)


def publish_time_required(prefix: str = "") -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=~Q(status__in=PUBLIC_STATUSES) | Q(publish_at__isnull=False),
        name=f"{prefix}publish_time_unless_draft",
        violation_error_message=_("Published, archived and withdrawn items need a publish time."),
    )


def new_edition_is_not_public(prefix: str = "") -> models.CheckConstraint:
    """A new edition is a draft of changes to a public item: it is published by merging it into
    that item (campaigns/workflow.py), never on its own at the same address."""
    return models.CheckConstraint(
        condition=Q(edition_of__isnull=True) | ~Q(status__in=PUBLIC_STATUSES),
        name=f"{prefix}new_edition_not_public",
        violation_error_message=_("A new edition is published into the page it changes."),
    )


def staff_member(verbose_name) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=verbose_name,
    )


class PublishableModel(VersionedModel, TimeStampedModel):
    """Content the public sees only once it is published and its publish time has come."""

    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_(
            "Changed by the buttons at the top of the page. Draft, in review and approved: "
            "only staff can see it. Published: public from the publish time. Archived: still "
            "public at its address, marked as past, no longer listed. Withdrawn: still at its "
            "address with a dated notice saying why, no longer listed."
        ),
    )
    publish_at = models.DateTimeField(
        _("publish time"),
        null=True,
        blank=True,
        help_text=_(
            "When it becomes public (UK time), set by 'Publish now' or 'Schedule'. A future "
            "time works as an embargo."
        ),
    )
    # Who did what in review (campaigns/workflow.py); each action is also in the History.
    submitted_by = staff_member(_("submitted for review by"))
    submitted_at = models.DateTimeField(_("submitted for review at"), null=True, blank=True)
    edited_by = staff_member(_("text last changed by"))
    approved_by = staff_member(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    review_comment = models.TextField(
        _("changes asked for"),
        blank=True,
        help_text=_("The reviewer's comment when they last sent it back for changes."),
    )
    review_comment_by = staff_member(_("changes asked for by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(
        _("reason for withdrawal"),
        blank=True,
        help_text=_("Shown to the public on the page, with the date it was withdrawn."),
    )
    # Editing a public item makes a new edition of it: a draft row of its own, merged into
    # the public item when published (campaigns/workflow.py), so the page keeps showing the
    # published edition until then.
    edition_of = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="new_edition",
        verbose_name=_("new edition of"),
    )
    edition = models.PositiveIntegerField(
        _("edition"), default=1, editable=False, help_text=_("1 for the first edition.")
    )
    is_demo = models.BooleanField(
        _("demo content"),
        default=False,
        help_text=_(
            "Set by the demo loader: sample content reconstructed from public reporting, "
            "with quotes paraphrased. Not for publication as it stands."
        ),
    )

    constraint_fields_always_checked = frozenset({"edition_of"})

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.status in PUBLIC_STATUSES and self.publish_at is None:
            self.publish_at = timezone.now()

    @property
    def is_released(self) -> bool:
        """Its own publish rule is met (campaigns/publishing.py)."""
        return is_released(self)

    @property
    def is_withdrawn(self) -> bool:
        return self.status == Status.WITHDRAWN

    @property
    def is_published(self) -> bool:
        """Whether the public sees its page: what `published()` selects, for one object."""
        return self.is_released

    def get_page_url(self) -> str:
        """The public page once published; until then the staff preview, so that a link from the
        admin or from another preview never leads an editor to a page not found."""
        if self.is_published:
            return self.get_absolute_url()
        return reverse(self.preview_url_name, args=[self.pk])


class CampaignQuerySet(PublishableQuerySet):
    def published(self) -> "CampaignQuerySet":
        """Campaigns the public sees: released (campaigns/publishing.py)."""
        return self.released()

    def listed(self) -> "CampaignQuerySet":
        """Published campaigns that are not withdrawn: those lists and the sitemap show."""
        return self.listed_released()

    def current(self) -> "CampaignQuerySet":
        """Published campaigns that are not archived, as listed on the home page."""
        return self.published().filter(status=Status.PUBLISHED)

    def live(self) -> "CampaignQuerySet":
        """The campaigns themselves, without the new editions being prepared of them."""
        return self.filter(edition_of__isnull=True)


HERO_IMAGE_MIN_WIDTH = 1200


def validate_hero_image_width(value) -> None:
    """Refuse a newly uploaded hero image too narrow to stay sharp across a wide screen, measured
    as it is shown (after its EXIF orientation)."""
    image = getattr(getattr(value, "file", None), "image", None)
    if image is None:
        return
    turned = is_turned(image)
    width = image.height if turned else image.width
    if width >= HERO_IMAGE_MIN_WIDTH:
        return
    if turned:
        message = _(
            "This image is %(width)s pixels wide as it is shown (it is stored on its side, "
            "%(stored)s pixels wide, and turned upright by the orientation its camera "
            "recorded); "
        )
    else:
        message = _("This image is %(width)s pixels wide; ")
    message += _(
        "a hero image must be at least %(minimum)s pixels wide so that it stays sharp on "
        "large screens. Upload a larger version of the picture."
    )
    raise ValidationError(
        message % {"width": f"{width:,}", "stored": f"{image.width:,}", "minimum": "1,200"},
        code="hero_image_too_narrow",
    )


class Campaign(PictureModel, ConstraintErrorsByField, PublishableModel):
    # A new hero image: upright, without where and with what the photo was taken, at most
    # 4,000 pixels a side, and its renditions made (core/renditions.py).
    picture_fields = {"hero_image": HERO}
    constraint_error_fields = {
        "campaign_publish_time_unless_draft": "publish_at",
        "campaign_slug_not_empty": "slug",
        "campaign_slug_unique": "slug",
        "campaign_end_not_before_launch": "end_date",
        "campaign_hero_image_described": "hero_image_alt",
        "campaign_decorative_image_has_no_description": "hero_image_alt",
    }

    title = models.CharField(
        _("title"), max_length=200, help_text=_("Plain and specific; shown as the page heading.")
    )
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        help_text=_("The web address: lower-case letters, digits and hyphens; unique."),
    )
    summary = models.TextField(
        _("summary"),
        max_length=400,
        help_text=_(
            "One or two plain sentences, at most 400 characters: what the campaign is for. "
            "Shown in lists and at the top of the page."
        ),
    )
    body = models.TextField(_("body"), blank=True, help_text=MARKDOWN_HELP)
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_campaigns",
        verbose_name=_("lead organisation"),
        help_text=_("The organisation that runs the campaign and answers for it."),
    )
    partners = models.ManyToManyField(
        Organisation,
        through="CampaignPartner",
        related_name="partner_campaigns",
        blank=True,
        verbose_name=_("partners"),
    )
    regions = models.ManyToManyField(
        Region,
        related_name="campaigns",
        blank=True,
        verbose_name=_("regions covered"),
        help_text=_(
            "Every area the campaign runs in, and any grouping whose totals it reports. "
            "Impact figures are shown for these."
        ),
    )
    metrics = models.ManyToManyField(
        Metric,
        related_name="campaigns",
        blank=True,
        verbose_name=_("metrics shown"),
        help_text=_("The figures the campaign page shows, before and after launch, per region."),
    )
    launch_date = models.DateField(
        _("launch date"),
        help_text=_(
            "The day the campaign started. Periods ending before it count as 'before', "
            "periods starting on or after it as 'after'."
        ),
    )
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("Optional: the last day of the campaign. Not before the launch date."),
    )
    hero_image = models.ImageField(
        _("hero image"),
        upload_to="campaigns/",
        width_field="hero_image_width",
        height_field="hero_image_height",
        validators=[validate_image_upload, validate_hero_image_width],
        blank=True,
        help_text=_("Optional: PNG, JPEG or WebP, at most 5 MB, at least 1,200 pixels wide."),
    )
    hero_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_alt = models.CharField(
        _("hero image description"),
        max_length=250,
        blank=True,
        help_text=_(
            "What the image shows, for people who cannot see it. Required with an image, "
            "unless you tick 'decorative'."
        ),
    )
    hero_image_decorative = models.BooleanField(
        _("hero image is decorative"),
        default=False,
        help_text=_(
            "Tick only if the image adds nothing the text does not say; screen readers "
            "will then skip it. Leave the description empty if you tick this."
        ),
    )
    helpline_name = models.CharField(
        _("helpline name"),
        max_length=120,
        help_text=_("For example 'Stop it Now! helpline'."),
    )
    helpline_phone = models.CharField(
        _("helpline phone number"),
        max_length=40,
        validators=[validate_phone_number],
        help_text=_(
            "As people dial it, in digits and spaces, for example 0808 1000 900. From abroad: "
            "+44 808 1000 900 or +44 (0)808 1000 900. An extension may follow as 'ext 12'. "
            "Phones can call it straight from the page."
        ),
    )
    helpline_hours = models.CharField(
        _("opening hours"),
        max_length=200,
        blank=True,
        help_text=_(
            "When a person answers, in plain words, for example 'Monday to Thursday 9am to 9pm'."
        ),
    )
    helpline_url = models.URLField(
        _("helpline website"),
        blank=True,
        help_text=_("Optional: where to get help online, starting https://."),
    )
    helpline_confidentiality = models.TextField(
        _("confidentiality notice"),
        help_text=_(
            "What callers can expect about privacy, honestly including its limits, "
            "in one to three plain sentences."
        ),
    )
    helpline_welsh = models.BooleanField(
        _("calls can be taken in Welsh"),
        default=False,
        help_text=_(
            "Tick only if callers can always ask to speak Welsh; the helpline box then says so."
        ),
    )
    is_sensitive = models.BooleanField(
        _("sensitive subject: show 'Exit this page'"),
        default=False,
        help_text=_(
            "Tick for a subject a visitor may need to hide quickly from someone nearby. The "
            "campaign page, its statements and the pages of the areas it covers then show an "
            "'Exit this page' button that leaves for a neutral site (also by pressing Shift "
            "three times)."
        ),
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-launch_date", "title"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        permissions = [
            ("review_campaign", "Can approve campaigns or send them back for changes"),
            ("publish_campaign", "Can publish, schedule, withdraw and archive campaigns"),
        ]
        constraints = [
            publish_time_required("campaign_"),
            new_edition_is_not_public("campaign_"),
            models.CheckConstraint(
                condition=~Q(slug=""),
                name="campaign_slug_not_empty",
                violation_error_message=_("Give the campaign a web address (slug)."),
            ),
            # A new edition keeps its campaign's address until it is merged into it.
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(edition_of__isnull=True),
                name="campaign_slug_unique",
                violation_error_message=_("Another campaign already has this slug."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("launch_date")),
                name="campaign_end_not_before_launch",
                violation_error_message=_("The end date cannot be before the launch date."),
            ),
            models.CheckConstraint(
                condition=Q(hero_image="") | Q(hero_image_decorative=True) | ~Q(hero_image_alt=""),
                name="campaign_hero_image_described",
                violation_error_message=_(
                    "Describe the hero image for people who cannot see it, "
                    "or tick 'decorative' if it adds nothing to the text."
                ),
            ),
            models.CheckConstraint(
                condition=Q(hero_image_decorative=False) | Q(hero_image_alt=""),
                name="campaign_decorative_image_has_no_description",
                violation_error_message=_(
                    "A decorative image has no description: empty the description "
                    "or untick 'decorative'."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    preview_url_name = "campaigns:campaign_preview"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:campaign_detail", kwargs={"slug": self.slug})

    @property
    def hero_image_is_described(self) -> bool:
        """Whether it has a hero image that says what it shows (a decorative one has no alt
        text), so that a share card or a search engine can show it."""
        return (
            bool(self.hero_image) and not self.hero_image_decorative and bool(self.hero_image_alt)
        )

    @property
    def hero_share_picture(self) -> Candidate:
        """The hero image as one picture (1,200 pixels wide at most, JPEG or PNG) for share
        cards and search engines, which name a single picture: never the stored one."""
        return share_picture(
            self.hero_image, HERO, width=self.hero_image_width, height=self.hero_image_height
        )

    @property
    def helpline(self) -> Helpline:
        """What its helpline box says (templates/includes/helpline.html)."""
        from campaigns.welsh import shown_in_english

        return Helpline(
            name=self.helpline_name,
            phone=self.helpline_phone,
            hours=self.helpline_hours,
            url=self.helpline_url,
            confidentiality=self.helpline_confidentiality,
            welsh=self.helpline_welsh,
            # The texts shown in English on a page in another language, their translation
            # not written yet: marked as English in the box.
            in_english=frozenset(
                name
                for name in ("name", "hours", "confidentiality")
                if shown_in_english(self, f"helpline_{name}")
            ),
        )

    @property
    def helpline_tel(self) -> str:
        """The phone number as a tel: link target: 'tel:08081000900', 'tel:+448081000900'."""
        return tel_link(self.helpline_phone)

    @property
    def helpline_is_free(self) -> bool:
        """Whether calls cost nothing from UK landlines and mobiles."""
        return is_free(self.helpline_phone)


class CampaignPartner(ConstraintErrorsByField, models.Model):
    constraint_error_fields = {"campaignpartner_once_per_campaign": "organisation"}

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="partnerships", verbose_name=_("campaign")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="campaign_partnerships",
        verbose_name=_("organisation"),
        help_text=_("Each organisation once per campaign. Add a missing one with the + button."),
    )
    role = models.CharField(
        _("role"),
        max_length=80,
        default="Partner",
        help_text=_("What they do in this campaign, for example 'Police partner'."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers are listed first.")
    )

    class Meta:
        ordering = ["order", "organisation__name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"],
                name="campaignpartner_once_per_campaign",
                violation_error_message=_("This organisation is already a partner."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.role})"


class Person(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120, help_text=_("As they are named in print."))
    role_title = models.CharField(
        _("role"),
        max_length=200,
        blank=True,
        help_text=_("Their current job title, for example 'Director of the helpline'."),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
        help_text=_("Optional: who they work for now."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name


class PressStatementQuerySet(PublishableQuerySet):
    # released(), from PublishableQuerySet: statements whose own rule is met, whatever their
    # campaign's: those a campaign page shows once the campaign is published (or in its preview).

    def published(self) -> "PressStatementQuerySet":
        """Statements the public sees: released, and their campaign released too."""
        return self.filter(released_q() & released_q(prefix="campaign__"))

    def listed(self) -> "PressStatementQuerySet":
        """Published statements that lists and the sitemap show: neither the statement nor its
        campaign withdrawn."""
        return self.filter(listed_q() & listed_q(prefix="campaign__"))

    def live(self) -> "PressStatementQuerySet":
        """The statements themselves, without the new editions being prepared of them."""
        return self.filter(edition_of__isnull=True)


class PressStatement(ConstraintErrorsByField, PublishableModel):
    constraint_error_fields = {
        "statement_publish_time_unless_draft": "publish_at",
        "statement_slug_not_empty": "slug",
        "statement_slug_unique_per_campaign": "slug",
    }

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="statements",
        verbose_name=_("campaign"),
        limit_choices_to={"edition_of__isnull": True},
        help_text=_(
            "The campaign it belongs to. The statement is public only while the campaign is."
        ),
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("The headline."))
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        help_text=_(
            "The web address: lower-case letters, digits and hyphens; unique per campaign."
        ),
    )
    summary = models.TextField(
        _("summary"),
        max_length=400,
        help_text=_("The news in one or two plain sentences, at most 400 characters."),
    )
    body = models.TextField(_("body"), blank=True, help_text=MARKDOWN_HELP)
    issuing_organisations = models.ManyToManyField(
        Organisation,
        related_name="statements",
        blank=True,
        verbose_name=_("issuing organisations"),
        help_text=_("Every organisation the statement is issued on behalf of."),
    )

    objects = PressStatementQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "title"]
        verbose_name = _("press statement")
        verbose_name_plural = _("press statements")
        permissions = [
            ("review_pressstatement", "Can approve statements or send them back for changes"),
            ("publish_pressstatement", "Can publish, schedule, withdraw and archive statements"),
        ]
        constraints = [
            publish_time_required("statement_"),
            new_edition_is_not_public("statement_"),
            models.CheckConstraint(
                condition=~Q(slug=""),
                name="statement_slug_not_empty",
                violation_error_message=_("Give the statement a web address (slug)."),
            ),
            models.UniqueConstraint(
                fields=["campaign", "slug"],
                condition=Q(edition_of__isnull=True),
                name="statement_slug_unique_per_campaign",
                violation_error_message=_("This campaign already has a statement with this slug."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    preview_url_name = "campaigns:statement_preview"

    def get_absolute_url(self) -> str:
        return reverse(
            "campaigns:statement_detail",
            kwargs={"campaign_slug": self.campaign.slug, "slug": self.slug},
        )

    @property
    def is_published(self) -> bool:
        """Whether the public sees it: released, and its campaign released too."""
        return self.is_released and self.campaign.is_released


class Quote(models.Model):
    statement = models.ForeignKey(
        PressStatement, on_delete=models.CASCADE, related_name="quotes", verbose_name=_("statement")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="quotes",
        verbose_name=_("person"),
        help_text=_("Who said it. Add someone new with the + button."),
    )
    role_as_quoted = models.CharField(
        _("role as quoted"),
        max_length=250,
        blank=True,
        help_text=_(
            "Their role when they said it, as printed. Left empty, it is copied from the "
            "person's current role and organisation."
        ),
    )
    text = models.TextField(_("text"), help_text=_("Their words, without quotation marks."))
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers are shown first.")
    )
    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")

    def __str__(self) -> str:
        return f"{self.person}: {self.text[:60]}"

    def clean(self) -> None:
        super().clean()
        if not self.role_as_quoted and self.person_id:
            person = self.person
            parts = [person.role_title, person.organisation.name if person.organisation else ""]
            self.role_as_quoted = ", ".join(part for part in parts if part)


class ReportedFigure(ConstraintErrorsByField, models.Model):
    """A figure as it was published, when the counts behind it were not (Lancashire +146%)."""

    # Belonging to a campaign or a statement stays with the whole form.
    constraint_error_fields = {
        "reportedfigure_period_end_not_before_start": "period_end",
        "reportedfigure_base_period_end_not_before_start": "base_period_end",
        "reportedfigure_change_has_both_periods": (
            "base_period_start",
            "base_period_end",
            "period_start",
            "period_end",
        ),
        "reportedfigure_count_not_negative": "value",
        "reportedfigure_earlier_period_ends_before_later_starts": "period_start",
        "reportedfigure_change_not_below_minus_100": "value",
    }

    class Unit(models.TextChoices):
        PERCENT_CHANGE = "percent_change", _("percentage change")
        COUNT = "count", _("count")
        PER_MONTH = "per_month", _("count a month")

    class Qualifier(models.TextChoices):
        EXACT = "", _("exactly")
        ABOUT = "about", _("about")
        NEARLY = "nearly", _("nearly")
        MORE_THAN = "more_than", _("more than")

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reported_figures",
        verbose_name=_("campaign"),
        help_text=_(
            "Fill in either the campaign or the statement the figure belongs to, not both."
        ),
    )
    statement = models.ForeignKey(
        PressStatement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reported_figures",
        verbose_name=_("statement"),
        help_text=_(
            "Fill in either the campaign or the statement the figure belongs to, not both."
        ),
    )
    label = models.CharField(
        _("label"),
        max_length=250,
        help_text=_(
            "What the figure says, in plain words, for example "
            "'Change in people contacting the helpline from Lancashire'."
        ),
    )
    qualifier = models.CharField(
        _("qualifier"),
        max_length=16,
        choices=Qualifier.choices,
        blank=True,
        default=Qualifier.EXACT,
        help_text=_("As published: 'nearly 600' is entered as 600 with 'nearly'."),
    )
    value = models.DecimalField(
        _("value"),
        max_digits=12,
        decimal_places=1,
        help_text=_("The number exactly as published: 146 for +146%, 600 for 'nearly 600'."),
    )
    unit = models.CharField(
        _("unit"),
        max_length=16,
        choices=Unit.choices,
        help_text=_("A percentage change needs both periods below; counts cannot be negative."),
    )
    metric = models.ForeignKey(
        Metric,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_figures",
        verbose_name=_("metric"),
        help_text=_(
            "Optional: what was counted, when it matches one of the metrics. A count or count "
            "a month may not then be below the metric's small-number threshold."
        ),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_figures",
        verbose_name=_("region"),
        help_text=_("Optional: the area the figure is about."),
    )
    base_period_start = models.DateField(
        _("earlier period start"),
        null=True,
        blank=True,
        help_text=_("For a change: the first day of the period it is compared with."),
    )
    base_period_end = models.DateField(
        _("earlier period end"),
        null=True,
        blank=True,
        help_text=_("The last day of the earlier period, not before its start."),
    )
    period_start = models.DateField(
        _("period start"), null=True, blank=True, help_text=_("The first day the figure covers.")
    )
    period_end = models.DateField(
        _("period end"),
        null=True,
        blank=True,
        help_text=_("The last day the figure covers, not before its start."),
    )
    source = models.CharField(
        _("source"),
        max_length=255,
        help_text=_("Who published it, where and when, so a reader could check it."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers are shown first.")
    )

    class Meta:
        ordering = ["order", "pk"]
        # "Headline figure" everywhere an editor reads it: one name per thing.
        verbose_name = _("headline figure")
        verbose_name_plural = _("headline figures")
        constraints = [
            models.CheckConstraint(
                condition=(Q(campaign__isnull=False) & Q(statement__isnull=True))
                | (Q(campaign__isnull=True) & Q(statement__isnull=False)),
                name="reportedfigure_belongs_to_campaign_or_statement",
                violation_error_message=_(
                    "A headline figure belongs either to a campaign or to a statement."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="reportedfigure_period_end_not_before_start",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(base_period_end__isnull=True)
                | Q(base_period_start__isnull=True)
                | Q(base_period_end__gte=F("base_period_start")),
                name="reportedfigure_base_period_end_not_before_start",
                violation_error_message=_("The earlier period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(unit="percent_change")
                | (
                    Q(base_period_start__isnull=False)
                    & Q(base_period_end__isnull=False)
                    & Q(period_start__isnull=False)
                    & Q(period_end__isnull=False)
                ),
                name="reportedfigure_change_has_both_periods",
                violation_error_message=_(
                    "A percentage change compares two periods: give the start and end of both "
                    "the earlier and the later period."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(unit__in=["count", "per_month"]) | Q(value__gte=0),
                name="reportedfigure_count_not_negative",
                violation_error_message=_("A count cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(base_period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(base_period_end__lt=F("period_start")),
                name="reportedfigure_earlier_period_ends_before_later_starts",
                violation_error_message=_(
                    "The earlier period must end before the later period starts."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(unit="percent_change") | Q(value__gte=-100),
                name="reportedfigure_change_not_below_minus_100",
                violation_error_message=_(
                    # Django fills in %(name)s, so a percent sign is written twice.
                    "A percentage change cannot be below −100%%: a count cannot fall by more "
                    "than 100%%."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.display_value}"

    def clean(self) -> None:
        """Periods that have ended, counts no smaller than their metric publishes, and the
        checks the database makes too, said by the field they concern."""
        super().clean()
        errors = {}
        for field in ("base_period_end", "period_end"):
            not_ended = period_not_ended_error(getattr(self, field))
            if not_ended:
                errors[field] = not_ended
        earlier_end, later_start = self.base_period_end, self.period_start
        if (
            isinstance(earlier_end, datetime.date)
            and isinstance(later_start, datetime.date)
            and earlier_end >= later_start
        ):
            errors["period_start"] = _(
                "The later period must start after the earlier one ends (%(end)s): a change "
                "compares two separate periods, the earlier first."
            ) % {"end": earlier_end.strftime("%d/%m/%Y")}
        if (
            self.unit == self.Unit.PERCENT_CHANGE
            and isinstance(self.value, Decimal)
            and self.value < -100
        ):
            places = 0 if self.value == self.value.to_integral_value() else 1
            errors["value"] = _(
                "−%(value)s%% is not a possible change: a count cannot fall by more than 100%%."
            ) % {"value": number_format(abs(self.value), decimal_pos=places, force_grouping=True)}
        small = self.small_number_error()
        if small and "value" not in errors:
            errors["value"] = small
        if errors:
            raise ValidationError(errors)

    def small_number_error(self) -> str | None:
        """Why a count tied to a metric is too small to publish, as its statistics would be
        hidden on every public page; None when it may be published."""
        if self.unit not in (self.Unit.COUNT, self.Unit.PER_MONTH) or self.metric_id is None:
            return None
        if not isinstance(self.value, (int, Decimal)) or self.value < 0:
            return None  # not a number, or negative: the count rule says so
        threshold = self.metric.small_number_threshold
        if self.value >= threshold:
            return None
        places = 0 if self.value == int(self.value) else 1
        return _(
            "%(value)s is below this metric's small-number threshold (%(threshold)s): counts "
            "this small could identify people, so they are not published. Leave this figure "
            "out, or say 'fewer than %(threshold)s' in the text instead."
        ) % {
            "value": number_format(self.value, decimal_pos=places, force_grouping=True),
            "threshold": threshold,
        }

    @property
    def display_value(self) -> str:
        """The figure as printed: '+146%', 'nearly 600 a month', '1,747'."""
        value = self.value
        places = 0 if value == value.to_integral_value() else 1
        shown = abs(value) if self.unit == self.Unit.PERCENT_CHANGE else value
        number = number_format(shown, decimal_pos=places, force_grouping=True)
        if self.unit == self.Unit.PERCENT_CHANGE:
            sign = "+" if value > 0 else ("−" if value < 0 else "")
            text = f"{sign}{number}%"
        elif self.unit == self.Unit.PER_MONTH:
            text = _("%(number)s a month") % {"number": number}
        else:
            text = number
        if self.qualifier:
            text = f"{self.get_qualifier_display()} {text}"
        return text

    def describe(self) -> str:
        """A percentage change in the words computed changes use ('up 146%'), else the value."""
        if not self.is_change:
            return self.display_value
        number = number_format(abs(self.value), decimal_pos=0 if self.value % 1 == 0 else 1)
        if self.value > 0:
            return _("up %(number)s%%") % {"number": number}
        if self.value < 0:
            return _("down %(number)s%%") % {"number": number}
        return _("no change")

    @property
    def period_text(self) -> str:
        """'July to December 2017 compared with …', or the single period, or ''."""
        if not (self.period_start and self.period_end):
            return ""
        later = period_label(self.period_start, self.period_end)
        if self.base_period_start and self.base_period_end:
            earlier = period_label(self.base_period_start, self.base_period_end)
            return _("%(later)s compared with %(earlier)s") % {"later": later, "earlier": earlier}
        return later

    @property
    def is_change(self) -> bool:
        return self.unit == self.Unit.PERCENT_CHANGE


class SiteVersion(models.Model):
    """One row: a number bumped whenever anything a public page shows is saved or deleted, so
    cached pages are keyed by it (campaigns/page_cache.py) and never outlive an edit."""

    SINGLETON = 1

    number = models.BigIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("site content version")

    def __str__(self) -> str:
        return f"{self.number}"


class ContentVersion(models.Model):
    """A version number per kind of public content ("campaigns.campaign", "regions.statistic"),
    bumped with the site's version when a row of that kind changes. A section of a page is
    cached under the versions of the kinds it shows (campaigns/sections.py), so an edit rebuilds
    only the sections that show what changed."""

    label = models.CharField(max_length=100, primary_key=True)
    number = models.BigIntegerField(default=1)

    class Meta:
        verbose_name = _("content version")

    def __str__(self) -> str:
        return f"{self.label}: {self.number}"


# --- Partner sign-off ----------------------------------------------------------------------
# Each organisation approves the words of its people quoted in a statement, through a signed
# link that needs no account. The rules are in campaigns/signoff.py; these rows only record.

SIGN_OFF_LINK_DAYS = 7


def sign_off_link_expiry() -> datetime.datetime:
    """When a link made now stops working, unless it is made for a different length of time."""
    return timezone.now() + datetime.timedelta(days=SIGN_OFF_LINK_DAYS)


class SignOffLink(models.Model):
    """A link through which one organisation approves its people's quotes in one statement.

    No secret is stored: the address carries this row's id and the statement's digest, signed
    with the site's secret key (campaigns/signoff.py). The link works until it expires, is
    revoked, or the statement's text changes from what `statement_digest` recorded.
    """

    statement = models.ForeignKey(
        PressStatement,
        on_delete=models.CASCADE,
        related_name="sign_off_links",
        verbose_name=_("statement"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    created_by = staff_member(_("made by"))
    created_at = models.DateTimeField(_("made at"), default=timezone.now)
    expires_at = models.DateTimeField(_("works until"), default=sign_off_link_expiry)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = staff_member(_("revoked by"))
    statement_digest = models.CharField(
        _("statement digest"),
        max_length=64,
        help_text=_("The digest of the statement's text when the link was made."),
    )
    sent_to = models.EmailField(_("last emailed to"), blank=True)
    sent_at = models.DateTimeField(_("last emailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sign-off link")
        verbose_name_plural = _("sign-off links")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.statement}"


class QuoteApproval(models.Model):
    """One decision of a partner about one quote, kept for good: a later decision is a new row.

    Decisions are stored against the statement's root (the live statement, not a new edition
    of it) and matched by the quote's digest, so an unchanged quote keeps its approval in a new
    edition, and a quote changed after approval needs approving again.
    """

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Change asked for")

    statement = models.ForeignKey(
        PressStatement,
        on_delete=models.CASCADE,
        related_name="quote_approvals",
        verbose_name=_("statement"),
        help_text=_("The live statement, whichever edition the decision was made on."),
    )
    quote = models.ForeignKey(
        Quote,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approvals",
        verbose_name=_("quote"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    quote_digest = models.CharField(_("quote digest"), max_length=64)
    decision = models.CharField(_("decision"), max_length=24, choices=Decision.choices)
    name = models.CharField(_("name given"), max_length=120)
    comment = models.TextField(_("comment"), blank=True)
    link = models.ForeignKey(
        SignOffLink,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("through link"),
    )
    statement_version = models.PositiveIntegerField(_("statement version"))
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("quote approval")
        verbose_name_plural = _("quote approvals")
        indexes = [models.Index(fields=["statement", "organisation", "quote_digest"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="quoteapproval_name_given",
                violation_error_message=_("Give your name."),
            ),
            models.CheckConstraint(
                condition=Q(decision="approved") | ~Q(comment=""),
                name="quoteapproval_change_has_comment",
                violation_error_message=_("Say what should change."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.name}, {self.organisation}"


# --- Staff calendar feed -------------------------------------------------------------------
# Each staff member's calendar app reads the admin calendar through a secret address of their
# own. The rules are in campaigns/calendar_feed.py; this row only holds the address's parts.


class CalendarFeedToken(models.Model):
    """The secret part of one user's calendar feed address: `<selector>-<verifier>`.

    The address is shown to its owner on the calendar page whenever they look (as calendar
    services show a 'secret address'), so it is kept as it is rather than hashed. The selector
    finds the row; the verifier is compared in constant time, so how long an answer takes says
    nothing about it. Resetting replaces both, so the old address stops working at once.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed_token",
        verbose_name=_("user"),
    )
    selector = models.CharField(_("selector"), max_length=32, unique=True)
    verifier = models.CharField(_("verifier"), max_length=128)
    created_at = models.DateTimeField(_("made at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed address")
        verbose_name_plural = _("calendar feed addresses")

    def __str__(self) -> str:
        return f"{self.user}"

    @property
    def token(self) -> str:
        return f"{self.selector}-{self.verifier}"
