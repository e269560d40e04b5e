"""When the public sees a campaign or a press statement: the publish rule, written once.

One word per meaning, everywhere (querysets, model properties, templates, docs):

- **released**: an item's own rule is met: its status is published or archived and its publish
  time has come (`released_q`, `is_released`, `PublishableQuerySet.released()`).
- **published**: the public sees its page: it is released, and a statement's campaign is
  released too (`Campaign.objects.published()`, `PressStatement.objects.published()`,
  `.is_published`). Every public view, feed, sitemap and selector asks for this.
- **scheduled**: its status is published or archived but its publish time is still to come: an
  embargo (`scheduled_q`, `.scheduled()`); the page cache keeps no page past the next one.
- **listed**: published and not withdrawn: what lists and the sitemap show. A withdrawn item
  keeps its page, with a dated notice saying why, but leaves every list (as GOV.UK does). The
  feeds keep a withdrawn statement, marked as withdrawn (`withdrawal`), so that a reader who saw
  it learns that it no longer stands.
- **current**: a listed campaign that is not archived, as the home page lists them.

Before an item is public it goes through review (campaigns/workflow.py): draft, in review,
approved; only then can it be published or scheduled. Those three statuses are never released,
whatever the publish time says.

Visibility is decided when a page is asked for, from the status and the publish time: no job
publishes anything, so nothing is late or early by a job's interval.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The statuses under which an item is public once its publish time has come.
PUBLIC_STATUSES = (Status.PUBLISHED, Status.ARCHIVED, Status.WITHDRAWN)
# Those still listed: a withdrawn page stays at its address but leaves lists.
LISTED_STATUSES = (Status.PUBLISHED, Status.ARCHIVED)
# Before publication: the review's statuses.
REVIEW_STATUSES = (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED)


def released_q(*, prefix: str = "", now: datetime.datetime | None = None) -> Q:
    """The publish rule as a filter; `prefix` applies it through a relation ('campaign__')."""
    now = timezone.now() if now is None else now
    return Q(**{f"{prefix}status__in": PUBLIC_STATUSES, f"{prefix}publish_at__lte": now})


def listed_q(*, prefix: str = "", now: datetime.datetime | None = None) -> Q:
    """Released and not withdrawn: what lists and the sitemap show."""
    return released_q(prefix=prefix, now=now) & Q(**{f"{prefix}status__in": LISTED_STATUSES})


def scheduled_q(*, prefix: str = "", now: datetime.datetime | None = None) -> Q:
    """Items the publish rule will release later: public statuses, publish time to come."""
    now = timezone.now() if now is None else now
    return Q(**{f"{prefix}status__in": PUBLIC_STATUSES, f"{prefix}publish_at__gt": now})


def is_released(item, *, now: datetime.datetime | None = None) -> bool:
    """The publish rule for one item already in memory: what `released_q` selects (a test holds
    the two to the same answers for every status and time)."""
    now = timezone.now() if now is None else now
    return item.status in PUBLIC_STATUSES and item.publish_at is not None and item.publish_at <= now


# Where an item stands with the public, for the words editors read (the admin's lists and save
# messages, the preview's banner): one branching on the rule, however it is worded.
PUBLIC, WAITING_FOR_CAMPAIGN, DRAFT, SCHEDULED = "public", "waiting", "draft", "scheduled"
IN_REVIEW, APPROVED, WITHDRAWN = "in_review", "approved", "withdrawn"


def standing(item) -> str:
    """PUBLIC, WITHDRAWN (public at its address, with its notice), WAITING_FOR_CAMPAIGN (a
    statement released before its campaign), SCHEDULED, or where it is in review: DRAFT,
    IN_REVIEW, APPROVED."""
    if item.is_published:
        return WITHDRAWN if item.status == Status.WITHDRAWN else PUBLIC
    if item.is_released:
        return WAITING_FOR_CAMPAIGN
    if item.status in PUBLIC_STATUSES:
        return SCHEDULED
    return {Status.IN_REVIEW: IN_REVIEW, Status.APPROVED: APPROVED}.get(item.status, DRAFT)


def withdrawal(statement):
    """What makes a published statement withdrawn to its readers: the statement itself, or else
    its campaign; None when neither is withdrawn."""
    if statement.status == Status.WITHDRAWN:
        return statement
    if statement.campaign.status == Status.WITHDRAWN:
        return statement.campaign
    return None


def changed_for_readers(statement) -> datetime.datetime:
    """When a published statement last changed for its readers: its withdrawal (or its
    campaign's), else its last edit; never before its publish time."""
    cause = withdrawal(statement)
    if cause is not None and cause.withdrawn_at is not None:
        return max(cause.withdrawn_at, statement.publish_at)
    return max(statement.updated_at, statement.publish_at)


def publish_time_text(item) -> str:
    """The publish time as editors read it: '8 December 2031, 09:00' (UK time)."""
    return date_format(timezone.localtime(item.publish_at), "j F Y, H:i")


class PublishableQuerySet(models.QuerySet):
    def released(self) -> "PublishableQuerySet":
        """Items whose own publish rule is met (see the module's words)."""
        return self.filter(released_q())

    def listed_released(self) -> "PublishableQuerySet":
        """Released and not withdrawn (see the module's words)."""
        return self.filter(listed_q())

    def scheduled(self) -> "PublishableQuerySet":
        """Items under embargo: they become released at their publish time."""
        return self.filter(scheduled_q())
