"""RSS and Atom feeds of the published press statements: the whole site's and each campaign's,
in the language of their address (/feeds/… in English, /cy/feeds/… in Welsh, each text falling
back to its English where its Welsh is not written yet).

A feed holds what the pages hold, asked of the same rule (`PressStatement.objects.published()`):
nothing before its publish time, nor while its campaign is not public. A withdrawn statement
keeps its page, so it stays in the feeds too, marked: its title starts "Withdrawn: ", its
description says when and why, and its updated date is the withdrawal's, so a reader that shows
updates brings it back to the subscriber's attention. An archived statement reads as its page
does, unmarked. The feeds go through the page cache like every public page (campaigns/urls.py).
"""

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, rfc3339_date
from django.utils.formats import date_format
from django.utils.html import escape, format_html, linebreaks
from django.utils.translation import gettext as _

from campaign_site.context_processors import site_name
from campaigns import selectors
from campaigns.models import Campaign, PressStatement
from campaigns.publishing import changed_for_readers, withdrawal


class RssWithUpdates(Rss201rev2Feed):
    """RSS 2.0, each item also saying when it last changed (`atom:updated`, in the Atom
    namespace RSS feeds declare already), as RSS itself cannot: a withdrawal is an update."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        if item["updateddate"] is not None:
            handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))


def uk_date(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y")


class StatementFeed(Feed):
    """The RSS 2.0 feed; `/feeds/statements.rss`, or one campaign's with a `slug`."""

    feed_type = RssWithUpdates

    def __call__(self, request, *args, **kwargs) -> HttpResponse:
        """The feed, revalidated by its ETag alone, as every public page is (campaigns/public.py).
        Django dates a feed by its latest entry, but renaming a campaign, say, changes the
        feed without changing any entry's date: a reader asking 'modified since?' would be
        told no, and keep the old name."""
        response = super().__call__(request, *args, **kwargs)
        del response["Last-Modified"]
        return response

    def get_object(self, request, slug: str | None = None) -> Campaign | None:
        if slug is None:
            return None
        # Not found (a 404) unless the campaign's page is public.
        return Campaign.objects.published().get(slug=slug)

    def title(self, campaign: Campaign | None) -> str:
        if campaign is None:
            return _("%(site)s: press statements") % {"site": site_name()}
        return _("%(campaign)s: press statements") % {"campaign": campaign.title}

    def description(self, campaign: Campaign | None) -> str:
        if campaign is None:
            return _("The latest press statements of every campaign on %(site)s.") % {
                "site": site_name()
            }
        return _("The latest press statements of the campaign “%(campaign)s”.") % {
            "campaign": campaign.title
        }

    def link(self, campaign: Campaign | None) -> str:
        return reverse("campaigns:home") if campaign is None else campaign.get_absolute_url()

    def author_name(self) -> str:
        return site_name()

    def items(self, campaign: Campaign | None) -> list[PressStatement]:
        return selectors.statement_feed(campaign)

    def item_title(self, statement: PressStatement) -> str:
        if withdrawal(statement) is not None:
            return _("Withdrawn: %(title)s") % {"title": statement.title}
        return statement.title

    def item_description(self, statement: PressStatement) -> str:
        """HTML, as feed readers expect: the summary, after the withdrawal notice if any."""
        summary = format_html("<p>{}</p>", statement.summary)
        cause = withdrawal(statement)
        if cause is None:
            return summary
        if cause is statement:
            notice = _("This statement was withdrawn on %(date)s.")
        else:
            notice = _("Its campaign was withdrawn on %(date)s.")
        when = cause.withdrawn_at or statement.updated_at
        parts = [format_html("<p><strong>{}</strong></p>", notice % {"date": uk_date(when)})]
        if cause.withdrawal_reason:
            parts.append(linebreaks(escape(cause.withdrawal_reason)))
        parts.append(
            format_html("<p>{}</p>", _("It is kept as a record, and is no longer current."))
        )
        return "".join([*parts, summary])

    def item_link(self, statement: PressStatement) -> str:
        return statement.get_absolute_url()

    def item_pubdate(self, statement: PressStatement) -> datetime.datetime:
        return statement.publish_at

    def item_updateddate(self, statement: PressStatement) -> datetime.datetime:
        return changed_for_readers(statement)

    def item_author_name(self, statement: PressStatement) -> str:
        issuers = [organisation.name for organisation in statement.issuing_organisations.all()]
        return ", ".join(issuers) or statement.campaign.lead_organisation.name

    def item_categories(self, statement: PressStatement) -> list[str]:
        return [statement.campaign.title]


class AtomStatementFeed(StatementFeed):
    """The same as Atom 1.0; `/feeds/statements.atom`, or one campaign's."""

    feed_type = Atom1Feed

    def subtitle(self, campaign: Campaign | None) -> str:
        return self.description(campaign)
