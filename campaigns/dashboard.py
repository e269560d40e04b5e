"""The admin home: the tasks each role comes for, and what waits for whom.

`home(user)` returns plain data for templates/admin/index.html (campaigns/admin.py registers it
with the admin site): the tasks at the top, as links, and the panels below them, each saying
plainly when it is empty. A user who may see neither campaigns nor statements (a partner data
officer) gets their tasks only.

Each panel asks the database once per kind of item it shows (campaigns, statements), whatever
the number of items: eight queries at most, besides the user's permissions.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.db.models import Model, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns.admin_calendar import may_view_calendar
from campaigns.models import Campaign, PressStatement, Quote, QuoteApproval
from campaigns.notifications import display_name
from campaigns.publishing import REVIEW_STATUSES, Status, publish_time_text, scheduled_q
from campaigns.reviewers import may_review, not_made_by_q
from core.roles import may_view

KINDS = (Campaign, PressStatement)
GOING_LIVE_DAYS = 7


@dataclass(frozen=True)
class Task:
    text: str
    url: str
    description: str = ""


@dataclass(frozen=True)
class Entry:
    """One item in a panel: its title linking to its admin page, and lines about it."""

    title: str
    kind: str
    url: str
    lines: list[str] = field(default_factory=list)
    comment: str = ""
    page_url: str = ""
    page_link_text: str = ""


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    empty: str
    entries: list[Entry]


def home(user) -> dict:
    """The admin home's context for this user: `home_tasks` and `home_panels`."""
    visible = [model for model in KINDS if may_view(user, model)]
    reviewable = [model for model in KINDS if may_review(user, model)]
    panels = [awaiting_review(user, reviewable)] if reviewable else []
    if visible:
        panels += [sent_back(user, visible), in_review_by(user, visible), going_live(visible)]
    context = {"home_tasks": tasks(user), "home_panels": panels}
    if PressStatement in visible:
        context["sign_off_panel"] = awaiting_sign_off()
    return context


def awaiting_sign_off() -> Panel:
    """Statements not yet public whose quotes lack a partner's approval, naming whose: in three
    queries, whatever their number (the statements, their quotes, the decisions on them)."""
    from campaigns.signoff import is_approved

    statements = list(
        PressStatement.objects.filter(Q(status__in=REVIEW_STATUSES) | scheduled_q())
        .select_related("campaign")
        .prefetch_related(
            Prefetch(
                "quotes",
                queryset=Quote.objects.filter(person__organisation__isnull=False)
                .select_related("person__organisation")
                .order_by("order", "pk"),
            )
        )
        .order_by("publish_at", "pk")
    )
    roots = {s.edition_of_id or s.pk for s in statements if s.quotes.all()}
    decisions: dict[int, dict] = {root: defaultdict(list) for root in roots}
    for decision in QuoteApproval.objects.filter(statement_id__in=roots).order_by(
        "decided_at", "pk"
    ):
        key = (decision.organisation_id, decision.quote_digest)
        decisions[decision.statement_id][key].append(decision)
    entries = []
    for statement in statements:
        made = decisions.get(statement.edition_of_id or statement.pk, {})
        waiting = [quote for quote in statement.quotes.all() if not is_approved(quote, made)]
        if not waiting:
            continue
        organisations = sorted({quote.person.organisation.name for quote in waiting})
        line = ngettext(
            "%(count)s quote awaits sign-off by %(organisations)s",
            "%(count)s quotes await sign-off by %(organisations)s",
            len(waiting),
        ) % {"count": len(waiting), "organisations": ", ".join(organisations)}
        entries.append(_entry(statement, [line]))
    return Panel(
        key="sign-off",
        title=_("Quotes awaiting a partner's sign-off"),
        empty=_("No quote awaits a partner's sign-off."),
        entries=entries,
    )


def tasks(user) -> list[Task]:
    """What this user's role comes to the admin for, as far as their permissions allow."""
    found = []
    if user.has_perm("campaigns.add_pressstatement"):
        found.append(Task(_("Write a press statement"), _admin_url(PressStatement, "add")))
    if user.has_perm("campaigns.change_campaign"):
        found.append(Task(_("Edit a campaign"), _admin_url(Campaign, "changelist")))
    for model in KINDS:
        if may_review(user, model):
            text = _("Review %(kinds)s") % {"kinds": model._meta.verbose_name_plural}
            url = f"{_admin_url(model, 'changelist')}?status__exact={Status.IN_REVIEW}"
            found.append(Task(text, url))
    if user.has_perm("regions.add_statistic") and user.has_perm("regions.change_statistic"):
        found.append(
            Task(
                _("Import figures"),
                reverse("admin:regions_statistic_import"),
                _(
                    "From a CSV, Excel (.xlsx) or OpenDocument (.ods) file. You see what the "
                    "file would change before anything is saved."
                ),
            )
        )
    if may_view_calendar(user):
        found.append(Task(_("Calendar"), reverse("admin:calendar")))
    return found


def awaiting_review(user, models: list[type[Model]]) -> Panel:
    """Items in review that this user may approve, oldest submission first."""
    entries = []
    for model in models:
        items = model.objects.filter(not_made_by_q(user), status=Status.IN_REVIEW)
        entries += [
            (item.submitted_at, _entry(item, [_submitted_line(item, with_who=True)]))
            for item in items.select_related("submitted_by")
        ]
    return Panel(
        "awaiting-review",
        _("Awaiting your review"),
        _("Nothing waits for your review."),
        _sorted(entries),
    )


def in_review_by(user, models: list[type[Model]]) -> Panel:
    """Items this user submitted that wait for someone else's review."""
    entries = []
    for model in models:
        items = model.objects.filter(status=Status.IN_REVIEW, submitted_by=user)
        entries += [(item.submitted_at, _entry(item, [_submitted_line(item)])) for item in items]
    return Panel(
        "in-review-by-you",
        _("Your items in review"),
        _("You have nothing in review."),
        _sorted(entries),
    )


def sent_back(user, models: list[type[Model]]) -> Panel:
    """Drafts a reviewer sent back with a comment, which this user submitted or last changed."""
    entries = []
    for model in models:
        items = (
            model.objects.filter(Q(submitted_by=user) | Q(edited_by=user), status=Status.DRAFT)
            .exclude(review_comment="")
            .select_related("review_comment_by")
        )
        entries += [(item.updated_at, _sent_back_entry(item)) for item in items]
    return Panel(
        "sent-back",
        _("Sent back to you for changes"),
        _("Nothing has been sent back to you."),
        _sorted(entries),
    )


def going_live(models: list[type[Model]]) -> Panel:
    """Scheduled items whose publish time comes within the next seven days, soonest first."""
    until = timezone.now() + datetime.timedelta(days=GOING_LIVE_DAYS)
    entries = []
    for model in models:
        items = model.objects.live().scheduled().filter(publish_at__lte=until)
        if model is PressStatement:
            items = items.select_related("campaign")  # its page's address and whether it is public
        entries += [(item.publish_at, _going_live_entry(item)) for item in items]
    return Panel(
        "going-live",
        _("Going live in the next 7 days"),
        _("Nothing goes live in the next 7 days."),
        _sorted(entries),
    )


def _sorted(entries: list[tuple]) -> list[Entry]:
    """Entries by their time, earliest first (those without one last)."""
    latest = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return [entry for _when, entry in sorted(entries, key=lambda pair: pair[0] or latest)]


def _admin_url(model: type[Model], view: str, *args) -> str:
    return reverse(admin_urlname(model._meta, view), args=args)


def _kind(item) -> str:
    kind = capfirst(item._meta.verbose_name)
    if item.edition_of_id is not None:
        return _("%(kind)s, edition %(edition)s") % {"kind": kind, "edition": item.edition}
    return kind


def _entry(item, lines: list[str], **extra) -> Entry:
    return Entry(item.title, _kind(item), _admin_url(type(item), "change", item.pk), lines, **extra)


def _time_text(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def _submitted_line(item, *, with_who: bool = False) -> str:
    if item.submitted_at is None:
        return _("Submitted for review")
    if with_who and item.submitted_by is not None:
        return _("Submitted by %(who)s, %(when)s") % {
            "who": display_name(item.submitted_by),
            "when": _time_text(item.submitted_at),
        }
    return _("Submitted %(when)s") % {"when": _time_text(item.submitted_at)}


def _sent_back_entry(item) -> Entry:
    if item.review_comment_by is not None:
        line = _("%(who)s asked for changes:") % {"who": display_name(item.review_comment_by)}
    else:
        line = _("Changes were asked for:")
    return _entry(item, [line], comment=item.review_comment)


def _going_live_entry(item) -> Entry:
    line = _("Goes live %(when)s (UK time)") % {"when": publish_time_text(item)}
    return _entry(
        item,
        [line],
        page_url=item.get_page_url(),  # not public yet: its preview
        page_link_text=_("Preview"),
    )
