from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from campaigns import dashboard, publishing
from campaigns.admin_calendar import CalendarView, may_view_calendar
from campaigns.admin_workflow import WorkflowAdminMixin
from campaigns.models import (
    Campaign,
    CampaignPartner,
    Person,
    PressStatement,
    Quote,
    ReportedFigure,
)
from core.admin import (
    ASSUME_HTTPS,
    PICTURE_UPLOADS,
    EditConflictMixin,
    HistoryAdmin,
    TimestampsOnChangeOnlyMixin,
    thumbnail,
)

# What the figure says and where it comes from first, each on one line with what it qualifies;
# the periods, then what it can be matched with.
REPORTED_FIGURE_FIELDS = [
    "label",
    ("qualifier", "value", "unit"),
    "source",
    ("base_period_start", "base_period_end"),
    ("period_start", "period_end"),
    ("metric", "region"),
    "order",
]


class PublicLinkMixin:
    """Where an item stands with the public, said plainly in the list ("Scheduled for …") and
    after each save, with a link to its page or, until it is public, its preview."""

    @staticmethod
    def public_state(obj) -> str:
        """'Now public', 'Scheduled for 8 December 2026, 09:00', 'Draft', 'In review',
        'Approved', 'Withdrawn' or 'Waiting for its campaign to be public' (a statement released
        before its campaign); a new edition says so."""
        state = {
            publishing.PUBLIC: _("Now public"),
            publishing.WITHDRAWN: _("Withdrawn"),
            publishing.WAITING_FOR_CAMPAIGN: _("Waiting for its campaign to be public"),
            publishing.DRAFT: _("Draft"),
            publishing.IN_REVIEW: _("In review"),
            publishing.APPROVED: _("Approved"),
            publishing.SCHEDULED: _("Scheduled for %(when)s"),
        }[publishing.standing(obj)] % {"when": publishing.publish_time_text(obj)}
        if obj.edition_of_id is not None:
            return _("New edition %(number)s (%(state)s)") % {"number": obj.edition, "state": state}
        return state

    @admin.display(description=_("public page"))
    def public_link(self, obj) -> str:
        label = _("view") if obj.is_published else _("preview")
        return format_html(
            '{} (<a href="{}">{}</a>)', self.public_state(obj), obj.get_page_url(), label
        )

    def view_on_site(self, obj) -> str:
        """The public page, or the staff preview until it is public (see get_page_url)."""
        return obj.get_page_url()

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        messages.info(request, _("%(state)s.") % {"state": self.public_state(obj)})


class CampaignPartnerInline(admin.TabularInline):
    model = CampaignPartner
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "order"]


class CampaignReportedFigureInline(admin.StackedInline):
    model = ReportedFigure
    fk_name = "campaign"
    extra = 0
    fields = REPORTED_FIGURE_FIELDS
    autocomplete_fields = ["metric", "region"]
    verbose_name_plural = _("headline figures (published as a percentage or total, without counts)")


@admin.register(Campaign)
class CampaignAdmin(
    WorkflowAdminMixin,
    EditConflictMixin,
    TimestampsOnChangeOnlyMixin,
    PublicLinkMixin,
    HistoryAdmin,
):
    def index_description(self, request: HttpRequest) -> str:
        return _("Each campaign's page: its helpline, its areas and partners, and what it changed.")

    formfield_overrides = {**ASSUME_HTTPS, **PICTURE_UPLOADS}
    list_display = [
        "title",
        "public_link",
        "launch_date",
        "lead_organisation",
        "hero_thumbnail",
        "is_demo",
    ]
    list_filter = ["status", "is_demo", "lead_organisation", "launch_date"]
    search_fields = ["title", "slug", "summary", "body", "helpline_name", "helpline_phone"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["lead_organisation"]
    filter_horizontal = ["regions", "metrics"]
    list_select_related = ["lead_organisation"]
    date_hierarchy = "launch_date"
    readonly_fields = ["hero_preview", "is_demo", "created_at", "updated_at"]
    inlines = [CampaignPartnerInline, CampaignReportedFigureInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "is_demo"]}),
        (
            _("Helpline"),
            {
                "description": _("Shown near the top of every campaign and statement page."),
                "fields": [
                    "helpline_name",
                    "helpline_phone",
                    "helpline_hours",
                    "helpline_url",
                    "helpline_confidentiality",
                ],
            },
        ),
        (_("Who and where"), {"fields": ["lead_organisation", "regions", "metrics"]}),
        (_("Dates"), {"fields": ["launch_date", "end_date"]}),
        (
            _("Hero image"),
            {"fields": ["hero_image", "hero_preview", "hero_image_alt", "hero_image_decorative"]},
        ),
        (_("Publishing"), {"fields": ["status", "publish_at", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("image"))
    def hero_thumbnail(self, campaign: Campaign) -> str:
        return thumbnail(campaign.hero_image, 48)

    @admin.display(description=_("current image"))
    def hero_preview(self, campaign: Campaign) -> str:
        return thumbnail(campaign.hero_image, 240)


class QuoteInline(admin.StackedInline):
    model = Quote
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "role_as_quoted", "text", "order"]


class StatementReportedFigureInline(CampaignReportedFigureInline):
    fk_name = "statement"
    verbose_name_plural = _("headline figures")


@admin.register(PressStatement)
class PressStatementAdmin(
    WorkflowAdminMixin,
    EditConflictMixin,
    TimestampsOnChangeOnlyMixin,
    PublicLinkMixin,
    HistoryAdmin,
):
    def index_description(self, request: HttpRequest) -> str:
        return _("Statements to the press, with their quotes and headline figures.")

    list_display = ["title", "public_link", "campaign", "publish_at", "is_demo"]
    list_filter = ["status", "is_demo", "campaign", "issuing_organisations"]
    search_fields = ["title", "slug", "summary", "body", "quotes__text"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["campaign"]
    filter_horizontal = ["issuing_organisations"]
    list_select_related = ["campaign"]
    date_hierarchy = "publish_at"
    readonly_fields = ["is_demo", "created_at", "updated_at"]
    inlines = [QuoteInline, StatementReportedFigureInline]
    fieldsets = [
        (None, {"fields": ["campaign", "title", "slug", "summary", "body", "is_demo"]}),
        (_("Issuing organisations"), {"fields": ["issuing_organisations"]}),
        (_("Publishing"), {"fields": ["status", "publish_at", "created_at", "updated_at"]}),
    ]


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    def index_description(self, request: HttpRequest) -> str:
        return _("People quoted in statements, with their current role.")

    list_display = ["name", "role_title", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name", "role_title", "organisation__name"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]


@admin.register(ReportedFigure)
class ReportedFigureAdmin(HistoryAdmin):
    def index_description(self, request: HttpRequest) -> str:
        return _("Figures as they were published when the counts behind them were not.")

    list_display = ["label", "display_value", "region", "campaign", "statement", "source"]
    list_filter = ["unit", "campaign", "region"]
    search_fields = ["label", "source", "region__name"]
    autocomplete_fields = ["campaign", "statement", "metric", "region"]
    list_select_related = ["region", "campaign", "statement"]
    fields = ["campaign", "statement", *REPORTED_FIGURE_FIELDS]

    @admin.display(description=_("as shown"))
    def display_value(self, figure: ReportedFigure) -> str:
        return figure.display_value


# What the admin home shows, and the calendar: parts of the admin site itself, added here as
# the models are (core/sites.py says why).
admin.site.register_home(dashboard.home)
admin.site.register_view(
    "calendar/",
    CalendarView,
    name="calendar",
    link_text=_("Calendar"),
    allowed=may_view_calendar,
)
