from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from campaigns.models import Campaign, PressStatement
from campaigns.selectors import linked_pages
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
    """Every area page the public pages link to: where a visitor looks for their own area."""

    changefreq = "monthly"

    def items(self):
        return Region.objects.filter(pk__in=linked_pages().region_ids).order_by("pk")


class PartnerSitemap(BilingualSitemap):
    """Every partner page the public pages link to."""

    changefreq = "monthly"

    def items(self):
        return Organisation.objects.filter(pk__in=linked_pages().organisation_ids).order_by("pk")


class SitePageSitemap(Sitemap):
    """The pages about the site itself."""

    changefreq = "yearly"
    priority = 0.2

    def items(self):
        return ["accessibility", "privacy"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {
    "home": HomeSitemap,
    "campaigns": CampaignSitemap,
    "statements": StatementSitemap,
    "regions": RegionSitemap,
    "partners": PartnerSitemap,
    "site": SitePageSitemap,
}
