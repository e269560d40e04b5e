"""What each public page of a campaign, statement, region or partner says about itself in its
<head> (core/page_meta.py): made from the page's own selector result, so it shows nothing the
page does not."""

from django.urls import reverse
from django.utils.translation import gettext as _

from campaign_site.context_processors import site_name
from campaigns import structured_data
from campaigns.models import Campaign
from campaigns.selectors import CampaignPage, PartnerPage, RegionPage, StatementPage
from core.page_meta import FeedLink, PageMeta, ShareImage
from regions.models import Region

RSS, ATOM = "application/rss+xml", "application/atom+xml"


def site_feeds() -> tuple[FeedLink, ...]:
    return (
        FeedLink(_("Press statements (RSS)"), reverse("campaigns:feed_rss"), RSS),
        FeedLink(_("Press statements (Atom)"), reverse("campaigns:feed_atom"), ATOM),
    )


def campaign_feeds(campaign: Campaign) -> tuple[FeedLink, ...]:
    slug = {"slug": campaign.slug}
    title = {"campaign": campaign.title}
    return (
        FeedLink(
            _("%(campaign)s: press statements (RSS)") % title,
            reverse("campaigns:campaign_feed_rss", kwargs=slug),
            RSS,
        ),
        FeedLink(
            _("%(campaign)s: press statements (Atom)") % title,
            reverse("campaigns:campaign_feed_atom", kwargs=slug),
            ATOM,
        ),
    )


def hero_image(campaign: Campaign) -> ShareImage | None:
    """The campaign's picture for a share card, when it says what it shows; a decorative one
    has no alt text, so the site's card stands in."""
    if not campaign.hero_image_is_described:
        return None
    shared = campaign.hero_share_picture
    return ShareImage(
        url=shared.url, alt=campaign.hero_image_alt, width=shared.width, height=shared.height
    )


def home_meta(absolute: structured_data.Absolute) -> PageMeta:
    return PageMeta(
        title=site_name(),
        description=_(
            "Current and past campaigns, each with the number to call for help in confidence."
        ),
        feeds=site_feeds(),
        structured_data=(structured_data.website(absolute),),
    )


def campaign_meta(
    page: CampaignPage, absolute: structured_data.Absolute, *, public: bool = True
) -> PageMeta:
    """`public=False` for a staff preview: the page as it will be, naming no address."""
    campaign = page.campaign
    return PageMeta(
        title=campaign.title,
        description=campaign.summary,
        image=hero_image(campaign),
        feeds=campaign_feeds(campaign) if public else (),
        structured_data=(structured_data.helpline(campaign, page.regions),) if public else (),
        canonical=public,
    )


def statement_meta(
    page: StatementPage, absolute: structured_data.Absolute, *, public: bool = True
) -> PageMeta:
    """`public=False` for a staff preview or a sign-off page: naming no address."""
    statement = page.statement
    return PageMeta(
        title=statement.title,
        description=statement.summary,
        kind="article",
        image=hero_image(statement.campaign),
        feeds=campaign_feeds(statement.campaign) if public else (),
        structured_data=(structured_data.news_article(page, absolute),) if public else (),
        canonical=public,
    )


def region_meta(page: RegionPage) -> PageMeta:
    region: Region = page.region
    return PageMeta(
        title=region.name,
        description=_(
            "%(name)s: the campaigns that cover this area, their figures for it, and where to "
            "get help in confidence."
        )
        % {"name": region.name},
    )


def partner_meta(page: PartnerPage, absolute: structured_data.Absolute) -> PageMeta:
    organisation = page.organisation
    return PageMeta(
        title=organisation.name,
        description=_(
            "%(name)s: the campaigns and statements it takes part in, and the areas it covers."
        )
        % {"name": organisation.name},
        structured_data=(structured_data.partner(organisation, absolute),),
    )
