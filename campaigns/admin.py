from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from campaign_site.context_processors import site_name
from campaigns import dashboard, publishing, selectors, signoff
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
    BilingualAdmin,
    BilingualStackedInline,
    BilingualTabularInline,
    EditConflictMixin,
    HistoryAdmin,
    TimestampsOnChangeOnlyMixin,
    thumbnail,
)
from regions.admin import OrganisationAdmin
from regions.models import Organisation

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


class CampaignPartnerInline(BilingualTabularInline):
    model = CampaignPartner
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "order"]


class CampaignReportedFigureInline(BilingualStackedInline):
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
    BilingualAdmin,
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
                "description": _(
                    "Shown at the top of every campaign and statement page, and again at the "
                    "end of the campaign page."
                ),
                "fields": [
                    "helpline_name",
                    "helpline_phone",
                    "helpline_hours",
                    "helpline_url",
                    "helpline_confidentiality",
                    "helpline_welsh",
                ],
            },
        ),
        (_("Who and where"), {"fields": ["lead_organisation", "regions", "metrics"]}),
        (_("Dates"), {"fields": ["launch_date", "end_date"]}),
        (_("Visitors' safety"), {"fields": ["is_sensitive"]}),
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


class QuoteInline(BilingualStackedInline):
    model = Quote
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "role_as_quoted", "text", "order"]


class StatementReportedFigureInline(CampaignReportedFigureInline):
    fk_name = "statement"
    verbose_name_plural = _("headline figures")


# Why a link was not emailed, by LinkRefused's reason.
LINK_NOT_SENT = {
    signoff.LinkRefused.REVOKED: _("Not sent: this link has been revoked. Make a new link."),
    signoff.LinkRefused.EXPIRED: _("Not sent: this link has expired. Make a new link."),
    signoff.LinkRefused.CHANGED: _(
        "Not sent: the statement has changed since this link was made, so the link no longer "
        "opens. Make a new link."
    ),
}


def when(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


class SignOffAdminMixin:
    """Partner sign-off on a statement's change page (campaigns/signoff.py): per organisation
    whose people are quoted, where each quote stands and the links that work, with buttons to
    make a link, email it to the organisation's press office, or revoke it.

    The buttons sit inside the change form but belong to small forms rendered after it
    (`<button form="…">`), since forms cannot nest: pressing Enter in the change form still
    saves it. Each action is a POST with the admin's CSRF check, needs permission to change the
    statement, and is recorded in the statement's admin log.
    """

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        actions = [
            ("link", self.sign_off_create_view, "create"),
            ("email", self.sign_off_email_view, "email"),
            ("revoke", self.sign_off_revoke_view, "revoke"),
        ]
        urls = [
            path(
                f"<path:object_id>/sign-off/{segment}/",
                self.admin_site.admin_view(require_POST(view)),
                name="{}_{}_sign_off_{}".format(*info, name),
            )
            for segment, view, name in actions
        ]
        return urls + super().get_urls()

    def sign_off_url(self, action: str, statement: PressStatement) -> str:
        info = self.opts.app_label, self.opts.model_name
        return reverse(
            "admin:{}_{}_sign_off_{}".format(*info, action),
            args=[statement.pk],
            current_app=self.admin_site.name,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        statement = self.get_object(request, unquote(object_id))
        if statement is not None and self.has_change_permission(request, statement):
            extra_context = {
                **(extra_context or {}),
                "sign_off": self.sign_off_panel(request, statement),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def sign_off_panel(self, request: HttpRequest, statement: PressStatement) -> dict:
        organisations = signoff.sign_off_by_organisation(statement)
        for part in organisations:
            for link in part.links:
                link.url = signoff.absolute_link_url(link, request)
        return {
            "organisations": organisations,
            # A quote awaits approval: the page's publication problem links here.
            "waiting": any(not part.all_approved for part in organisations),
            "create_url": self.sign_off_url("create", statement),
            "email_url": self.sign_off_url("email", statement),
            "revoke_url": self.sign_off_url("revoke", statement),
        }

    def sign_off_statement(self, request: HttpRequest, object_id: str) -> PressStatement:
        """The statement an action is for, if this user may change it."""
        statement = self.get_object(request, unquote(object_id))
        if statement is None:
            raise Http404
        if not self.has_change_permission(request, statement):
            raise PermissionDenied
        return statement

    def back_to_statement(self, statement: PressStatement) -> HttpResponse:
        info = self.opts.app_label, self.opts.model_name
        url = reverse(
            "admin:{}_{}_change".format(*info),
            args=[statement.pk],
            current_app=self.admin_site.name,
        )
        return HttpResponseRedirect(f"{url}#sign-off")

    def sign_off_link(self, request: HttpRequest, statement: PressStatement):
        link_id = request.POST.get("link", "")
        if not link_id.isdigit():
            return None
        return statement.sign_off_links.select_related("organisation").filter(pk=link_id).first()

    def sign_off_create_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        statement = self.sign_off_statement(request, object_id)
        quoted = {
            organisation.pk: organisation
            for organisation in signoff.quoted_organisations(statement)
        }
        organisation_id = request.POST.get("organisation", "")
        organisation = quoted.get(int(organisation_id)) if organisation_id.isdigit() else None
        if organisation is None:
            messages.error(
                request,
                gettext(
                    "No link made: sign-off links are for organisations whose people are "
                    "quoted in this statement. Save the quotes first, then make the link."
                ),
            )
            return self.back_to_statement(statement)
        link = signoff.make_link(statement, organisation, request.user)
        self.log_change(
            request,
            statement,
            gettext("Made a sign-off link for %(organisation)s, working until %(until)s.")
            % {"organisation": organisation.name, "until": when(link.expires_at)},
        )
        messages.success(
            request,
            format_html(
                gettext(
                    "Sign-off link made for {}, working until {}: {} . Copy it from the "
                    "'Partner sign-off' section, or email it to their press office from there. "
                    "It shows the statement as it was last saved."
                ),
                organisation.name,
                when(link.expires_at),
                signoff.absolute_link_url(link, request),
            ),
        )
        return self.back_to_statement(statement)

    def sign_off_email_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        statement = self.sign_off_statement(request, object_id)
        link = self.sign_off_link(request, statement)
        if link is None:
            messages.error(request, gettext("Not sent: this link is not one of this statement's."))
            return self.back_to_statement(statement)
        organisation = link.organisation
        try:
            address = signoff.send_link(link, request, request.user)
        except signoff.NoPressEmail:
            messages.error(
                request,
                format_html(
                    gettext(
                        'Not sent: {} has no press office email. Add one on <a href="{}">its '
                        "organisation page</a> (under 'Press office'), or copy the link and send "
                        "it yourself."
                    ),
                    organisation.name,
                    reverse("admin:regions_organisation_change", args=[organisation.pk]),
                ),
            )
            return self.back_to_statement(statement)
        except signoff.LinkRefused as refusal:
            messages.error(request, LINK_NOT_SENT[refusal.reason])
            return self.back_to_statement(statement)
        self.log_change(
            request,
            statement,
            gettext("Emailed the sign-off link for %(organisation)s to %(address)s.")
            % {"organisation": organisation.name, "address": address},
        )
        messages.success(
            request,
            gettext("Sign-off link for %(organisation)s emailed to %(address)s.")
            % {"organisation": organisation.name, "address": address},
        )
        return self.back_to_statement(statement)

    def sign_off_revoke_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        statement = self.sign_off_statement(request, object_id)
        link = self.sign_off_link(request, statement)
        if link is None:
            messages.error(
                request, gettext("Nothing revoked: this link is not one of this statement's.")
            )
            return self.back_to_statement(statement)
        if link.revoked_at is not None:
            messages.info(request, gettext("This link was already revoked."))
            return self.back_to_statement(statement)
        signoff.revoke(link, request.user)
        self.log_change(
            request,
            statement,
            gettext("Revoked the sign-off link for %(organisation)s made %(made)s.")
            % {"organisation": link.organisation.name, "made": when(link.created_at)},
        )
        messages.success(
            request,
            gettext(
                "Sign-off link for %(organisation)s revoked: it no longer opens. Decisions "
                "already made through it are kept."
            )
            % {"organisation": link.organisation.name},
        )
        return self.back_to_statement(statement)


@admin.register(PressStatement)
class PressStatementAdmin(
    SignOffAdminMixin,
    WorkflowAdminMixin,
    EditConflictMixin,
    TimestampsOnChangeOnlyMixin,
    PublicLinkMixin,
    BilingualAdmin,
    HistoryAdmin,
):
    def index_description(self, request: HttpRequest) -> str:
        return _("Statements to the press, with their quotes and headline figures.")

    # The workflow's page, with the partner sign-off section (templates/admin/campaigns/).
    change_form_template = "admin/campaigns/pressstatement/change_form.html"

    list_display = ["title", "public_link", "campaign", "publish_at"]
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
class PersonAdmin(BilingualAdmin, HistoryAdmin):
    def index_description(self, request: HttpRequest) -> str:
        return _("People quoted in statements, with their current role.")

    list_display = ["name", "role_title", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name", "role_title", "organisation__name"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]


@admin.register(ReportedFigure)
class ReportedFigureAdmin(BilingualAdmin, HistoryAdmin):
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


def card_frame_code(address: str, title: str) -> str:
    """The code a partner pastes into its page to show its card in a frame."""
    return format_html(
        '<iframe src="{}" title="{}" width="100%" height="600" loading="lazy"></iframe>',
        address,
        title,
    )


def card_panel(organisation: Organisation) -> dict:
    """What the card panel shows: in each language, the frame's code and the plain snippet (as
    of today); the addresses allowed to frame it; a campaign's own card address for a partner
    in several; and the preview's address (this site's, which may always frame it)."""
    # One card, written out in each language: its texts are read in the language active then.
    card = selectors.partner_card(organisation)
    versions = []
    for code, heading in [("en-gb", _("In English")), ("cy", _("In Welsh"))]:
        with translation.override(code):
            address = settings.SITE_URL + reverse(
                "campaigns:partner_card", kwargs={"slug": organisation.slug}
            )
            title = gettext("Where to get help in confidence, from %(site)s") % {
                "site": site_name()
            }
            snippet = render_to_string(
                "regions/organisation_card_snippet.html",
                {"card": card, "site_url": settings.SITE_URL},
            )
        versions.append(
            {
                "code": code,
                "heading": heading,
                "frame": card_frame_code(address, title),
                "snippet": snippet,
            }
        )
    campaigns = list(
        Campaign.objects.live()
        .listed()
        .filter(Q(lead_organisation=organisation) | Q(partners=organisation))
        .distinct()
        .order_by("-launch_date")
    )
    return {
        "card": card,
        "versions": versions,
        "origins": organisation.card_origin_list,
        "other_campaigns": [
            (
                campaign,
                settings.SITE_URL
                + reverse(
                    "campaigns:partner_campaign_card",
                    kwargs={"slug": organisation.slug, "campaign_slug": campaign.slug},
                ),
            )
            for campaign in campaigns
        ]
        if len(campaigns) > 1
        else [],
        "preview_url": reverse("campaigns:partner_card", kwargs={"slug": organisation.slug}),
    }


class OrganisationWithCardAdmin(OrganisationAdmin):
    """Organisations, with their campaign card for their own websites: the card is a page of
    this app (regions knows nothing of campaigns), so its panel is added here."""

    readonly_fields = [*OrganisationAdmin.readonly_fields, "website_card"]

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets  # a new organisation has no card yet
        return [
            (name, {**options, "fields": [*options["fields"], "website_card"]})
            if "card_origins" in options["fields"]
            else (name, options)
            for name, options in fieldsets
        ]

    @admin.display(description=_("card"))
    def website_card(self, organisation: Organisation) -> str:
        return render_to_string(
            "admin/regions/organisation_card_panel.html", card_panel(organisation)
        )


admin.site.unregister(Organisation)
admin.site.register(Organisation, OrganisationWithCardAdmin)


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
