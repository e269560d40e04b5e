"""Public pages. Each view finds its object through a published() queryset and hands the rest
to a selector, so the publish rules and the query budget live in one place each."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from campaigns import downloads, publishing, selectors
from campaigns.models import Campaign, PressStatement
from regions.models import Organisation, Region


class HomeView(TemplateView):
    template_name = "campaigns/campaign_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **selectors.home_page())


class CampaignDetailView(TemplateView):
    template_name = "campaigns/campaign_detail.html"

    def get_context_data(self, **kwargs):
        campaign = get_object_or_404(
            Campaign.objects.published().select_related("lead_organisation"),
            slug=kwargs["slug"],
        )
        return super().get_context_data(page=selectors.campaign_page(campaign), **kwargs)


class CampaignStatisticsView(View):
    """The campaign's figures as CSV or JSON, after the same suppression as the page."""

    def get(self, request: HttpRequest, slug: str, format: str) -> HttpResponse:
        if format not in ("csv", "json"):
            raise Http404
        campaign = get_object_or_404(Campaign.objects.published(), slug=slug)
        impacts, reported = selectors.campaign_statistics(campaign)
        if format == "json":
            response = JsonResponse(
                downloads.as_json(campaign, impacts, reported), json_dumps_params={"indent": 1}
            )
        else:
            response = HttpResponse(
                downloads.as_csv(impacts), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = (
                f'attachment; filename="{campaign.slug}-statistics.csv"'
            )
        return response


class StatementDetailView(TemplateView):
    template_name = "campaigns/pressstatement_detail.html"

    def get_context_data(self, **kwargs):
        statement = get_object_or_404(
            PressStatement.objects.published().select_related("campaign"),
            campaign__slug=kwargs["campaign_slug"],
            slug=kwargs["slug"],
        )
        return super().get_context_data(page=selectors.statement_page(statement), **kwargs)


class RegionDetailView(TemplateView):
    template_name = "regions/region_detail.html"

    def get_context_data(self, **kwargs):
        region = get_object_or_404(Region, slug=kwargs["slug"])
        return super().get_context_data(page=selectors.region_page(region), **kwargs)


class PartnerDetailView(TemplateView):
    template_name = "regions/organisation_detail.html"

    def get_context_data(self, **kwargs):
        organisation = get_object_or_404(Organisation, slug=kwargs["slug"])
        return super().get_context_data(page=selectors.partner_page(organisation), **kwargs)


def link_to_previews(items) -> None:
    """Within a preview, links to a campaign or statement that is not published yet lead to its
    preview rather than to a page the editor would find missing."""
    for item in items:
        if not item.is_published:
            item.get_absolute_url = item.get_page_url


class PreviewMixin:
    """A staff-only view of an item as its public page will show it, whatever its status or
    publish time, so an editor can check a draft before publishing it. Only signed-in staff with
    the model's view permission get in (others are sent to sign in, or refused); the response is
    never cached or indexed."""

    model: type

    @method_decorator([never_cache, staff_member_required])
    def dispatch(self, *args, **kwargs):
        return super().dispatch(*args, **kwargs)

    def get_item(self, pk: int):
        opts = self.model._meta
        if not self.request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(), pk=pk)

    def preview_state(self, item) -> str:
        """Why the public does not see this page yet, in words."""
        return {
            publishing.PUBLIC: _("This page is public; this is how visitors see it."),
            publishing.WAITING_FOR_CAMPAIGN: _(
                "This statement is ready, but its campaign is not public yet: "
                "nobody else can see it until the campaign is published."
            ),
            publishing.DRAFT: _("This is a draft: nobody else can see it until it is published."),
            publishing.SCHEDULED: _("Scheduled: nobody else can see it until %(when)s."),
        }[publishing.standing(item)] % {"when": publishing.publish_time_text(item)}

    def render_to_response(self, context, **response_kwargs):
        item = context["item"]
        opts = item._meta
        context["preview"] = {
            "state": self.preview_state(item),
            "edit_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk]),
        }
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class CampaignPreviewView(PreviewMixin, CampaignDetailView):
    model = Campaign

    def get_queryset(self):
        return Campaign.objects.select_related("lead_organisation")

    def get_context_data(self, **kwargs):
        campaign = self.get_item(kwargs["pk"])
        page = selectors.campaign_page(campaign)
        link_to_previews([campaign, *page.statements])
        return TemplateView.get_context_data(self, page=page, item=campaign, **kwargs)


class StatementPreviewView(PreviewMixin, StatementDetailView):
    model = PressStatement

    def get_queryset(self):
        return PressStatement.objects.select_related("campaign")

    def get_context_data(self, **kwargs):
        statement = self.get_item(kwargs["pk"])
        page = selectors.statement_page(statement)
        link_to_previews([statement.campaign, statement])
        return TemplateView.get_context_data(self, page=page, item=statement, **kwargs)
