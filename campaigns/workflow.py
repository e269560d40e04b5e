"""How a campaign or a press statement goes from a draft to the public: review, sign-off and
publication, as actions people take (never as a status field someone types in).

    draft → in review → approved → published (now, or scheduled for a time) → archived
                 ↑__________|  request changes (with a comment the author sees)
    published → withdrawn (the page stays, with a dated notice and the reason)

Rules, each checked on the server whatever the buttons on the page showed:

- **Second pair of eyes**: whoever submitted an item, or last changed its text, cannot approve
  it. A superuser may publish without review, giving a reason kept in the item's history.
- **Editing sends it back**: changing an approved or scheduled item puts it back in review;
  a public item is never edited in place: a *new edition* (a draft row of its own) is made,
  reviewed and published into it, so the page shows the published edition until then.
- **Partners sign off their quotes**: a statement is not published or scheduled while any quote
  lacks its organisation's approval (campaigns/signoff.py).
- **Welsh no less favourably than English**: an item covering an area in Wales is not published
  or scheduled while any of its texts lacks its Welsh (campaigns/welsh.py).

Each action is saved as a version with its reason (the admin's History) and logged in the
admin's change log, so the edit-conflict check (core/admin.py) names who acted in between.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns import publishing, reviewers
from campaigns.publishing import PUBLIC_STATUSES, REVIEW_STATUSES, Status

# Kept from one edition to the next by the workflow itself: a new edition copies everything else.
WORKFLOW_FIELDS = {
    "id",
    "created_at",
    "updated_at",
    "version",
    "status",
    "publish_at",
    "submitted_by",
    "submitted_at",
    "edited_by",
    "approved_by",
    "approved_at",
    "review_comment",
    "review_comment_by",
    "withdrawn_at",
    "withdrawal_reason",
    "edition_of",
    "edition",
    "is_demo",
}
# A scheduled time must be at least this far ahead, so it is still ahead when the page is read.
SCHEDULE_MARGIN = datetime.timedelta(minutes=1)


class ActionRefused(Exception):
    """An action this user may not take on this item now; the message says why, plainly."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    # What the action asks for: "comment", "reason", "time" or "".
    asks_for: str = ""
    # For the buttons: the step the item is waiting for ("primary"), a quiet secondary action,
    # or one that takes something away ("danger").
    style: str = ""
    # For an action that asks for something: the button under what it asks ("Schedule for
    # this time"), so that it reads differently from the one that opens it.
    confirm: str = ""


ACTIONS = {
    action.name: action
    for action in [
        Action("submit", gettext_lazy("Submit for review"), style="primary"),
        Action("approve", gettext_lazy("Approve"), style="primary"),
        Action(
            "request_changes",
            gettext_lazy("Request changes"),
            "comment",
            confirm=gettext_lazy("Send back with this comment"),
        ),
        Action("publish", gettext_lazy("Publish now"), style="primary"),
        Action(
            "schedule", gettext_lazy("Schedule"), "time", confirm=gettext_lazy("Schedule for then")
        ),
        Action("unschedule", gettext_lazy("Unschedule"), style="secondary"),
        Action("new_edition", gettext_lazy("Create a new edition"), style="primary"),
        Action("archive", gettext_lazy("Archive"), style="secondary"),
        Action(
            "withdraw",
            gettext_lazy("Withdraw"),
            "reason",
            "danger",
            gettext_lazy("Withdraw, showing this reason"),
        ),
        Action(
            "publish_without_review",
            gettext_lazy("Publish without review"),
            "reason",
            "danger",
            gettext_lazy("Publish now, without review"),
        ),
    ]
}


def kind(item) -> str:
    return str(item._meta.verbose_name)


def person(user) -> str:
    if user is None:
        return _("someone no longer on the staff")
    return user.get_full_name() or user.get_username()


def may(user, permission: str, item) -> bool:
    opts = item._meta
    return user.has_perm(f"{opts.app_label}.{permission}_{opts.model_name}")


def is_scheduled(item, now: datetime.datetime | None = None) -> bool:
    now = timezone.now() if now is None else now
    return item.status in PUBLIC_STATUSES and item.publish_at is not None and item.publish_at > now


def second_eye_problem(item, user) -> str | None:
    """Why the second pair of eyes (campaigns/reviewers.py, `may_approve`) keeps this user from
    approving this item, in words: they submitted it, or last changed its text."""
    if item.submitted_by_id == user.pk:
        return _(
            "You submitted this %(kind)s for review: someone else must approve it "
            "(a second pair of eyes)."
        ) % {"kind": kind(item)}
    if item.edited_by_id == user.pk:
        return _(
            "You made the last change to this %(kind)s's text: someone else must approve it "
            "(a second pair of eyes)."
        ) % {"kind": kind(item)}
    return None


def publication_problem(item) -> str | None:
    """What stops this item going public whoever asks: a quote without its partner's approval,
    or, for a new edition, an address another item already has."""
    from campaigns.signoff import sign_off_problem
    from campaigns.welsh import welsh_problem

    problem = welsh_problem(item)
    if problem:
        return problem
    if item._meta.model_name == "pressstatement":
        problem = sign_off_problem(item)
        if problem:
            return problem
    live = item.edition_of
    if live is not None and live.slug != item.slug:
        taken = type(item).objects.live().filter(slug=item.slug).exclude(pk=live.pk)
        if item._meta.model_name == "pressstatement":
            taken = taken.filter(campaign_id=item.campaign_id)
        if taken.exists():
            return _(
                "Not published: another %(kind)s already has the address '%(slug)s'. Change "
                "this edition's slug."
            ) % {"kind": kind(item), "slug": item.slug}
    return None


def refusal(item, user, name: str) -> str | None:
    """Why this user may not take this action on this item now, or None if they may. What it
    needs besides (a comment, a reason, a time) is checked when it is taken (`perform`)."""
    if name not in ACTIONS:
        return _("There is no action called '%(name)s'.") % {"name": name}
    label = ACTIONS[name].label
    status = Status(item.status)
    if not may(user, "change", item):
        return _("You may not change %(kinds)s.") % {"kinds": item._meta.verbose_name_plural}
    wrong_state = _("'%(action)s' is not possible: this %(kind)s is %(state)s.") % {
        "action": label,
        "kind": kind(item),
        "state": state_words(item).lower(),
    }
    if name == "submit":
        return None if status == Status.DRAFT else wrong_state
    if name in ("approve", "request_changes"):
        allowed = {Status.IN_REVIEW} if name == "approve" else {Status.IN_REVIEW, Status.APPROVED}
        if name == "request_changes" and is_scheduled(item):
            allowed |= {item.status}
        if status not in allowed:
            return wrong_state
        if not reviewers.may_review(user, type(item)):
            return _("You may not review %(kinds)s.") % {"kinds": item._meta.verbose_name_plural}
        if name == "approve" and not reviewers.may_approve(user, item):
            return second_eye_problem(item, user)
        return None
    if name == "new_edition":
        if item.edition_of_id is not None or not item.is_released:
            return _(
                "A new edition is made only of a public page: this %(kind)s is not public, "
                "so change it directly."
            ) % {"kind": kind(item)}
        existing = getattr(item, "new_edition", None)
        if existing is not None:
            return _(
                "This %(kind)s already has a new edition in preparation (edition %(number)s): "
                "carry on with that one."
            ) % {"kind": kind(item), "number": existing.edition}
        return None
    if name == "publish_without_review":
        if not user.is_superuser:
            return _("Only a superuser may publish without review.")
        if status not in REVIEW_STATUSES:
            return wrong_state
        return None
    if not may(user, "publish", item):
        return _("You may not publish, schedule, withdraw or archive %(kinds)s.") % {
            "kinds": item._meta.verbose_name_plural
        }
    if name == "publish":
        return None if status == Status.APPROVED else _not_approved(item, label, wrong_state)
    if name == "schedule":
        if status != Status.APPROVED:
            return _not_approved(item, label, wrong_state)
        if item.edition_of_id is not None:
            return _(
                "A new edition is published with 'Publish now': the page it changes is already "
                "public, so there is nothing to embargo."
            )
        return None
    if name == "unschedule":
        return None if is_scheduled(item) else wrong_state
    if name == "archive":
        return None if item.is_released and status == Status.PUBLISHED else wrong_state
    if name == "withdraw":
        return None if item.is_released and status != Status.WITHDRAWN else wrong_state
    raise AssertionError(name)


def _not_approved(item, label, wrong_state: str) -> str:
    if item.status in REVIEW_STATUSES:
        return _(
            "'%(action)s' needs the %(kind)s approved first: submit it for review, and someone "
            "other than its author approves it."
        ) % {"action": label, "kind": kind(item)}
    return wrong_state


def available(item, user) -> list[Action]:
    """The actions this user may take on this item now, for its buttons."""
    return [action for name, action in ACTIONS.items() if refusal(item, user, name) is None]


def state_words(item) -> str:
    """Where an item is, in a few words: 'Draft', 'In review', 'Scheduled for …', 'Public'."""
    return {
        publishing.PUBLIC: _("Public"),
        publishing.WITHDRAWN: _("Withdrawn"),
        publishing.WAITING_FOR_CAMPAIGN: _("Waiting for its campaign to be public"),
        publishing.SCHEDULED: _("Scheduled for %(when)s"),
        publishing.DRAFT: _("Draft"),
        publishing.IN_REVIEW: _("In review"),
        publishing.APPROVED: _("Approved"),
    }[publishing.standing(item)] % {"when": publishing.publish_time_text(item)}


@dataclass
class Done:
    """What an action did, for the message the person who took it reads."""

    item: object
    message: str


def perform(item, user, name: str, *, comment: str = "", when=None) -> Done:
    """Take an action: refused with ActionRefused (and nothing changed) if this user may not,
    or if what it needs is missing. `comment` is the comment or reason; `when` an aware time.

    The item is read again under a row lock, so two people acting at once act one after the
    other, each on what the other left."""
    model = type(item)
    with transaction.atomic():
        item = model._default_manager.select_for_update().get(pk=item.pk)
        problem = refusal(item, user, name)
        if problem:
            raise ActionRefused(problem)
        comment = (comment or "").strip()
        done = globals()[f"_{name}"](item, user, comment=comment, when=when)
    return done


def _save(item, user, reason: str, update_fields=None) -> None:
    """Save with who acted and why in the item's History."""
    item._history_user = user
    item._change_reason = reason
    item.save()


def _submit(item, user, **_kwargs) -> Done:
    item.status = Status.IN_REVIEW
    item.submitted_by, item.submitted_at = user, timezone.now()
    item.approved_by = item.approved_at = None
    _save(item, user, _("Submitted for review"))
    _notify("notify_submitted", item, user)
    return Done(
        item,
        _("Submitted for review: someone other than you and its last editor approves it."),
    )


def _approve(item, user, **_kwargs) -> Done:
    item.status = Status.APPROVED
    item.approved_by, item.approved_at = user, timezone.now()
    item.review_comment, item.review_comment_by = "", None
    _save(item, user, _("Approved"))
    _notify("notify_approved", item, user)
    return Done(item, _("Approved: it can now be published or scheduled."))


def _request_changes(item, user, *, comment: str, **_kwargs) -> Done:
    if not comment:
        raise ActionRefused(
            _("Say what needs changing: the author reads your comment at the top of the page.")
        )
    item.status = Status.DRAFT
    item.approved_by = item.approved_at = None
    item.review_comment, item.review_comment_by = comment, user
    _save(item, user, _("Changes requested: %(comment)s") % {"comment": comment})
    _notify("notify_changes_requested", item, user, comment)
    return Done(item, _("Sent back to its author with your comment."))


def _check_publishable(item) -> None:
    problem = publication_problem(item)
    if problem:
        raise ActionRefused(problem)


def _publish(item, user, *, reason: str = "", **_kwargs) -> Done:
    _check_publishable(item)
    history = reason or _("Published (approved by %(name)s)") % {"name": person(item.approved_by)}
    if item.edition_of_id is not None:
        live = merge_edition(item, user, history)
        return Done(live, _("Edition %(number)s is now public.") % {"number": live.edition})
    item.status = Status.PUBLISHED
    item.publish_at = timezone.now()
    _save(item, user, history)
    if item.is_published:
        return Done(item, _("Now public."))
    return Done(item, state_words(item) + ".")


def _publish_without_review(item, user, *, comment: str, **_kwargs) -> Done:
    if not comment:
        raise ActionRefused(
            _(
                "Give the reason for publishing without review: it is kept in the history for "
                "everyone to read."
            )
        )
    return _publish(
        item, user, reason=_("Published without review: %(reason)s") % {"reason": comment}
    )


def _schedule(item, user, *, when, **_kwargs) -> Done:
    if when is None:
        raise ActionRefused(_("Give the date and time to publish it, in UK time."))
    if when < timezone.now() + SCHEDULE_MARGIN:
        raise ActionRefused(
            _(
                "The time to publish must be in the future; to publish straight away, choose "
                "'Publish now'."
            )
        )
    _check_publishable(item)
    item.status = Status.PUBLISHED
    item.publish_at = when
    _save(item, user, _("Scheduled for %(when)s") % {"when": publishing.publish_time_text(item)})
    return Done(item, state_words(item) + ".")


def _unschedule(item, user, **_kwargs) -> Done:
    item.status = Status.APPROVED
    _save(item, user, _("Unscheduled"))
    return Done(item, _("Unscheduled: it stays approved, and nobody else can see it."))


def _archive(item, user, **_kwargs) -> Done:
    item.status = Status.ARCHIVED
    _save(item, user, _("Archived"))
    return Done(item, _("Archived: still at its address, marked as past, no longer listed."))


def _withdraw(item, user, *, comment: str, **_kwargs) -> Done:
    if not comment:
        raise ActionRefused(
            _("Give the reason for withdrawing it: it is shown on the page to the public.")
        )
    item.status = Status.WITHDRAWN
    item.withdrawn_at, item.withdrawal_reason = timezone.now(), comment
    _save(item, user, _("Withdrawn: %(reason)s") % {"reason": comment})
    return Done(
        item,
        _("Withdrawn: the page stays at its address with the notice, and leaves every list."),
    )


def _new_edition(item, user, **_kwargs) -> Done:
    edition = start_new_edition(item, user)
    return Done(
        edition,
        _(
            "Edition %(number)s started. The public page keeps showing the published edition "
            "until this one is reviewed and published."
        )
        % {"number": edition.edition},
    )


def record_edit(item, user) -> str | None:
    """Before an editor's changes to an item are saved: they are the last to change its text,
    and an approved or scheduled item goes back to review. Returns what that means for the
    item, to tell the editor, or None when it stays where it was."""
    item.edited_by = user
    if item.status == Status.APPROVED or is_scheduled(item):
        was_scheduled = is_scheduled(item)
        item.status = Status.IN_REVIEW
        item.approved_by = item.approved_at = None
        item._change_reason = _("Changed after approval: back in review")
        if was_scheduled:
            return _(
                "Changed after it was scheduled: it is back in review and no longer scheduled. "
                "Once approved again, schedule it again."
            )
        return _("Changed after approval: it is back in review.")
    return None


# New editions ------------------------------------------------------------------------------


def _children(item) -> list[tuple[str, str]]:
    """The rows that belong to one edition: (related name, the child's field pointing back)."""
    if item._meta.model_name == "campaign":
        return [("partnerships", "campaign"), ("reported_figures", "campaign")]
    return [("quotes", "statement"), ("reported_figures", "statement")]


def _plain_many_to_many(item) -> list[str]:
    return [
        field.name
        for field in item._meta.many_to_many
        if field.remote_field.through._meta.auto_created
    ]


def _copy_fields(source, target) -> None:
    """Every field an editor writes, from one edition of an item to another."""
    for field in type(source)._meta.concrete_fields:
        if field.name not in WORKFLOW_FIELDS:
            value = getattr(source, field.attname)
            if isinstance(value, FieldFile):
                value = value.name  # the stored picture, not its handle on the other row
            setattr(target, field.attname, value)


def start_new_edition(live, user):
    """A draft copy of a public item, its quotes, figures, partners and links included, to
    change without touching the page until it is published (`merge_edition`)."""
    model = type(live)
    edition = model()
    _copy_fields(live, edition)
    edition.is_demo = live.is_demo
    edition.edition_of = live
    edition.edition = live.edition + 1
    edition.status = Status.DRAFT
    edition.edited_by = user
    edition._history_user = user
    edition._change_reason = _("Edition %(number)s started from the public page") % {
        "number": edition.edition
    }
    edition.save()
    for name in _plain_many_to_many(live):
        getattr(edition, name).set(getattr(live, name).all())
    for related_name, back in _children(live):
        for child in getattr(live, related_name).all():
            child.pk = None
            child._state.adding = True
            setattr(child, back, edition)
            child.save()
    return edition


def keep_workflow_state(item) -> None:
    """Before saving an earlier version's text over an item: where the item stands in review and
    publication is today's, never the version's (restoring does not republish or unapprove)."""
    stored = type(item)._default_manager.get(pk=item.pk)
    for field in type(item)._meta.concrete_fields:
        if field.name in WORKFLOW_FIELDS and field.name != "is_demo":
            setattr(item, field.attname, getattr(stored, field.attname))


def restore_into(edition, record, user):
    """Put an earlier version's text and links (a django-simple-history record) into a new
    edition; its quotes, figures and partners stay as the edition has them (each of those has a
    history of its own)."""
    _copy_fields(record, edition)
    edition.edited_by = user
    _save(
        edition,
        user,
        _("Restored the version of %(when)s") % {"when": record.history_date.isoformat()},
    )
    for field in type(edition)._meta.many_to_many:
        if field.name in getattr(record, "_history_m2m_fields", ()) or hasattr(record, field.name):
            target = field.m2m_reverse_field_name()
            rows = getattr(record, field.name).all()
            getattr(edition, field.name).set([getattr(row, target) for row in rows])
    return edition


def merge_edition(edition, user, reason: str):
    """Publish a new edition: its text, children and links replace the public item's, which
    keeps its address history and first publish time; the edition's row is then removed."""
    model = type(edition)
    live = model._default_manager.select_for_update().get(pk=edition.edition_of_id)
    _copy_fields(edition, live)
    live.edition = edition.edition
    if live.status == Status.WITHDRAWN:
        live.status = Status.PUBLISHED
        live.withdrawn_at, live.withdrawal_reason = None, ""
    for name in ("submitted_by", "submitted_at", "edited_by", "approved_by", "approved_at"):
        setattr(live, name, getattr(edition, name))
    live.review_comment, live.review_comment_by = "", None
    for related_name, back in _children(live):
        getattr(live, related_name).all().delete()
        getattr(edition, related_name).all().update(**{back: live})
    for name in _plain_many_to_many(live):
        getattr(live, name).set(getattr(edition, name).all())
    edition.delete()
    _save(
        live,
        user,
        _("Edition %(number)s published. %(reason)s") % {"number": live.edition, "reason": reason},
    )
    return live


def _notify(name: str, *args) -> None:
    """Tell the people concerned by email, once the action is committed."""

    def send() -> None:
        from campaigns import notifications

        getattr(notifications, name)(*args)

    transaction.on_commit(send)
