from django.contrib.sitemaps import Sitemap

from campaigns.models import Campaign, PressStatement


class CampaignSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Campaign.objects.published().order_by("pk")

    def lastmod(self, campaign: Campaign):
        return campaign.updated_at


class StatementSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return PressStatement.objects.published().select_related("campaign").order_by("pk")

    def lastmod(self, statement: PressStatement):
        return statement.updated_at


SITEMAPS = {"campaigns": CampaignSitemap, "statements": StatementSitemap}
