from django.contrib.sitemaps import Sitemap
from django.db.models import Q
from django.urls import reverse

from campaigns.models import Campaign, PressStatement
from regions.models import Organisation, Region


class BilingualSitemap(Sitemap):
    """Each page in English and in Welsh, each entry naming the other as its alternate (and
    English as the default), as search engines expect of a site in two languages."""

    i18n = True
    alternates = True
    x_default = True


class HomeSitemap(BilingualSitemap):
    changefreq = "weekly"
    priority = 1.0

    def items(self):
        return ["campaigns:home"]

    def location(self, name: str) -> str:
        return reverse(name)


class CampaignSitemap(BilingualSitemap):
    changefreq = "weekly"

    def items(self):
        return Campaign.objects.listed().order_by("pk")

    def lastmod(self, campaign: Campaign):
        return campaign.updated_at


class StatementSitemap(BilingualSitemap):
    changefreq = "monthly"

    def items(self):
        return PressStatement.objects.listed().select_related("campaign").order_by("pk")

    def lastmod(self, statement: PressStatement):
        return statement.updated_at


class RegionSitemap(BilingualSitemap):
    """The areas published campaigns cover: where a visitor looks for their own area."""

    changefreq = "monthly"

    def items(self):
        return (
            Region.objects.filter(campaigns__in=Campaign.objects.listed()).distinct().order_by("pk")
        )


class PartnerSitemap(BilingualSitemap):
    changefreq = "monthly"

    def items(self):
        published = Campaign.objects.listed()
        return (
            Organisation.objects.filter(
                Q(partner_campaigns__in=published) | Q(led_campaigns__in=published)
            )
            .distinct()
            .order_by("pk")
        )


SITEMAPS = {
    "home": HomeSitemap,
    "campaigns": CampaignSitemap,
    "statements": StatementSitemap,
    "regions": RegionSitemap,
    "partners": PartnerSitemap,
}
