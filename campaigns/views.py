"""Public pages. Each view finds its object through a published() queryset and hands the rest
to a selector, so the publish rules and the query budget live in one place each."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import TemplateView

from campaigns import downloads, selectors
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
