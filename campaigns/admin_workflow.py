"""The review and publishing actions in the admin: the state and the buttons at the top of a
campaign's or statement's page, the views the buttons post to, and what saving does to an item
in review (campaigns/workflow.py holds the rules; this module only asks them)."""

import datetime
import zoneinfo

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaigns import workflow
from campaigns.publishing import Status
from core.admin import EDIT_CONFLICT_FIELDS

SUBMIT_ON_SAVE = "_submit_for_review"

# Links to more things to do with an item, shown under its actions: another app adds a
# provider, `provider(request, obj)` returning (label, url) pairs for this user and item (the
# press app adds "Send to the press"), so this app names none of them.
ITEM_LINKS: list = []


def register_item_link(provider) -> None:
    """Add a provider of links under an item's actions (see ITEM_LINKS)."""
    if provider not in ITEM_LINKS:
        ITEM_LINKS.append(provider)


def uk_time(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """A date and a clock time as read in the UK, as an aware time; refused plainly when the
    clocks skip it (spring) or pass it twice (autumn), instead of guessing which was meant."""
    zone = zoneinfo.ZoneInfo(str(timezone.get_default_timezone()))
    naive = datetime.datetime.combine(day, time)
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    words = {"time": time.strftime("%H:%M"), "day": date_format(day, "j F Y")}
    if first.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise ValidationError(
            _(
                "There is no %(time)s on %(day)s in the UK: the clocks go forward an hour that "
                "night. Choose another time."
            )
            % words
        )
    if first.utcoffset() != second.utcoffset():
        raise ValidationError(
            _(
                "%(time)s on %(day)s happens twice in the UK, as the clocks go back an hour that "
                "night. Choose a time before 01:00 or from 02:00."
            )
            % words
        )
    return first


class ScheduleForm(forms.Form):
    """The time to publish, in UK time, as two plain inputs every browser fills in."""

    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the date to publish it."),
            "invalid": _("Write the date as day/month/year, for example 08/12/2026."),
        },
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"],
    )
    time = forms.TimeField(
        label=_("Time (UK)"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Give the time to publish it."),
            "invalid": _("Write the time as hours and minutes, for example 09:00."),
        },
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date") and cleaned.get("time") is not None:
            cleaned["when"] = uk_time(cleaned["date"], cleaned["time"])
        return cleaned


class WorkflowAdminMixin:
    """For the ModelAdmin of a campaign or a statement: the state and actions at the top of its
    page, actions as buttons posting to `<id>/action/<name>/`, and saving that records who
    changed the text and sends an approved item back to review. A public item is read-only: it
    changes through a new edition."""

    save_on_top = True
    change_form_template = "admin/campaigns/workflow_change_form.html"

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/action/<str:action>/",
                self.admin_site.admin_view(self.action_view),
                name=f"{opts.app_label}_{opts.model_name}_action",
            ),
            *super().get_urls(),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [*super().get_readonly_fields(request, obj), "status", "publish_at"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        """A public page is not edited in place: it changes through a new edition."""
        if obj is not None and is_live_and_public(obj):
            return False
        return super().has_change_permission(request, obj)

    def change_url(self, obj) -> str:
        opts = obj._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])

    def action_view(self, request: HttpRequest, object_id: str, action: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        when = None
        if action == "schedule":
            form = ScheduleForm(request.POST)
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, _("Not scheduled: %(error)s") % {"error": error})
                return HttpResponseRedirect(self.change_url(obj))
            when = form.cleaned_data["when"]
        try:
            done = workflow.perform(
                obj, request.user, action, comment=request.POST.get("comment", ""), when=when
            )
        except workflow.ActionRefused as refused:
            messages.error(request, refused.message)
            return HttpResponseRedirect(self.change_url(obj))
        self.log_change(request, done.item, str(workflow.ACTIONS[action].label))
        messages.success(request, done.message)
        return HttpResponseRedirect(self.change_url(done.item))

    def workflow_context(self, request: HttpRequest, obj) -> dict:
        """The state, what saving does, the comment the author must read, and the buttons."""
        actions = workflow.available(obj, request.user)
        approve_blocked = None
        if obj.status == Status.IN_REVIEW and workflow.may(request.user, "review", obj):
            approve_blocked = workflow.second_eye_problem(obj, request.user)
        new_edition = getattr(obj, "new_edition", None) if obj.edition_of_id is None else None
        return {
            "state": workflow.state_words(obj),
            "on_save": on_save_words(obj),
            "actions": actions,
            "approve_blocked": approve_blocked,
            "publication_problem": workflow.publication_problem(obj)
            if obj.status in (Status.APPROVED, Status.IN_REVIEW)
            else None,
            "schedule_form": ScheduleForm(
                initial={
                    "date": timezone.localtime(obj.publish_at).date() if obj.publish_at else None,
                    "time": timezone.localtime(obj.publish_at).time() if obj.publish_at else None,
                }
            ),
            "new_edition": new_edition,
            "new_edition_url": self.change_url(new_edition) if new_edition else "",
            "live_url": self.change_url(obj.edition_of) if obj.edition_of_id else "",
            "submitted_by": workflow.person(obj.submitted_by) if obj.submitted_by_id else "",
            "approved_by": workflow.person(obj.approved_by) if obj.approved_by_id else "",
            "comment_by": workflow.person(obj.review_comment_by)
            if obj.review_comment_by_id
            else "",
            "may_submit_on_save": obj.status == Status.DRAFT
            and workflow.refusal(obj, request.user, "submit") is None,
            "links": [link for provider in ITEM_LINKS for link in provider(request, obj)],
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["workflow"] = self.workflow_context(request, obj)
        else:
            context["workflow"] = {"may_submit_on_save": True, "adding": True}
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        # Saving changed the text: this editor is its last, and an approved or scheduled item
        # goes back to review. Changes to quotes, figures or partners alone are seen in
        # save_related, once the formsets are saved.
        request._workflow_recorded = False
        if getattr(request, "_workflow_restoring", False):
            workflow.keep_workflow_state(obj)
        if not change:
            obj.edited_by = request.user
        elif getattr(request, "_workflow_restoring", False) or (
            set(form.changed_data) - set(EDIT_CONFLICT_FIELDS)
        ):
            self._record_edit(request, obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if change and not request._workflow_recorded and any(f.has_changed() for f in formsets):
            obj = form.instance
            self._record_edit(request, obj)
            obj.save()

    def _record_edit(self, request: HttpRequest, obj) -> None:
        request._workflow_recorded = True
        note = workflow.record_edit(obj, request.user)
        if note:
            messages.warning(request, note)

    def _submit_after_save(self, request: HttpRequest, obj) -> None:
        if SUBMIT_ON_SAVE not in request.POST:
            return
        try:
            done = workflow.perform(obj, request.user, "submit")
        except workflow.ActionRefused as refused:
            messages.error(request, refused.message)
            return
        self.log_change(request, done.item, str(workflow.ACTIONS["submit"].label))
        messages.success(request, done.message)

    def response_add(self, request, obj, post_url_continue=None):
        if SUBMIT_ON_SAVE in request.POST:
            return self._saved_and_submitted(request, obj, _("added"))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if SUBMIT_ON_SAVE in request.POST:
            return self._saved_and_submitted(request, obj, _("changed"))
        return super().response_change(request, obj)

    def _saved_and_submitted(self, request: HttpRequest, obj, how: str):
        """After 'Save and submit for review': back to the item, where its new state and what
        happens next are said at the top."""
        messages.success(
            request,
            _("The %(kind)s “%(title)s” was %(how)s.")
            % {"kind": obj._meta.verbose_name, "title": obj, "how": how},
        )
        self._submit_after_save(request, obj)
        return HttpResponseRedirect(self.change_url(obj))

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        """A public page is not deleted: it is withdrawn, with a notice saying why, or archived
        (a deletion would leave visitors and links with a missing page and no word)."""
        if obj is not None and is_live_and_public(obj):
            return False
        return super().has_delete_permission(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Restoring an earlier version of a public item makes a new edition from it, to be
        reviewed and published like any change; of an item not yet public, the version is
        loaded into its form, and saving it is an edit like any other."""
        live = self.get_object(request, unquote(object_id))
        if live is None or not is_live_and_public(live):
            # Saving a restored version is a change like any other, even when the form is
            # posted as it came: it makes this editor the last, and sends an approved item back.
            request._workflow_restoring = True
            return super().history_form_view(request, object_id, version_id, extra_context)
        if not super().has_change_permission(request, live):
            raise PermissionDenied
        record = live.history.filter(history_id=version_id).first()
        if record is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if request.method != "POST":
            return render(
                request,
                "admin/campaigns/restore_as_edition.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "original": live,
                    "record": record,
                    "title": _("Restore an earlier version"),
                },
            )
        try:
            done = workflow.perform(live, request.user, "new_edition")
        except workflow.ActionRefused as refused:
            messages.error(request, refused.message)
            return HttpResponseRedirect(self.change_url(live))
        edition = workflow.restore_into(done.item, record, request.user)
        self.log_change(
            request,
            edition,
            _("Restored the version of %(when)s")
            % {"when": date_format(timezone.localtime(record.history_date), "j F Y, H:i")},
        )
        messages.success(
            request,
            _(
                "The version of %(when)s is restored in a new edition (edition %(number)s). "
                "The public page is unchanged until this edition is reviewed and published."
            )
            % {
                "when": date_format(timezone.localtime(record.history_date), "j F Y, H:i"),
                "number": edition.edition,
            },
        )
        return HttpResponseRedirect(self.change_url(edition))


def is_live_and_public(obj) -> bool:
    """A public page itself (not a new edition of it), seen by visitors now."""
    return obj.edition_of_id is None and obj.is_released


def on_save_words(obj) -> str:
    """What pressing Save does to this item, said before it is pressed."""
    if is_live_and_public(obj):
        return _(
            "This page is public, so it is not changed here: create a new edition, change it, "
            "and have it reviewed. The page keeps showing this edition until the new one is "
            "published."
        )
    if workflow.is_scheduled(obj):
        return _(
            "Saving a change sends it back to review and unschedules it: it must be approved "
            "and scheduled again."
        )
    if obj.status == Status.APPROVED:
        return _("Saving a change sends it back to review: it must be approved again.")
    if obj.status == Status.IN_REVIEW:
        return _(
            "Saving a change keeps it in review; as its last editor, you cannot then approve it."
        )
    return _("Saving keeps it a draft: only staff see it.")
