"""Press distribution in the admin, for campaign managers only: contacts and their lists, the
contacts import, sending a statement to lists, and each send's progress."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.admin_workflow import register_item_link
from campaigns.models import PressStatement
from campaigns.publishing import PUBLIC_STATUSES, Status
from press import delivery, emails, imports
from press.models import Contact, ContactList, Delivery, PressSend
from regions.imports.reading import FileRejected
from regions.imports.results import FileErrors
from regions.imports.storage import DatabaseStorage, PendingImportMissing


def may_send(user) -> bool:
    return user.has_perm("press.add_presssend")


@admin.register(ContactList)
class ContactListAdmin(admin.ModelAdmin):
    list_display = ["name", "subscribed_count", "unsubscribed_count"]
    search_fields = ["name", "description"]

    def get_queryset(self, request: HttpRequest):
        return (
            super()
            .get_queryset(request)
            .annotate(
                subscribed=Count("contacts", filter=Q(contacts__unsubscribed_at__isnull=True)),
                unsubscribed=Count("contacts", filter=Q(contacts__unsubscribed_at__isnull=False)),
            )
        )

    @admin.display(description=gettext_lazy("subscribed"), ordering="subscribed")
    def subscribed_count(self, obj: ContactList) -> int:
        return obj.subscribed

    @admin.display(description=gettext_lazy("unsubscribed"), ordering="unsubscribed")
    def unsubscribed_count(self, obj: ContactList) -> int:
        return obj.unsubscribed


class SubscribedFilter(admin.SimpleListFilter):
    title = gettext_lazy("subscribed")
    parameter_name = "subscribed"

    def lookups(self, request, model_admin):
        return [("yes", _("Subscribed")), ("no", _("Unsubscribed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(unsubscribed_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(unsubscribed_at__isnull=False)
        return queryset


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "outlet",
        "email",
        "language",
        "lawful_basis",
        "basis_recorded_on",
        "subscribed",
    ]
    list_filter = ["lists", "language", "areas", SubscribedFilter, "lawful_basis"]
    search_fields = ["name", "outlet", "email", "topics"]
    filter_horizontal = ["lists", "areas"]
    readonly_fields = ["unsubscribed_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "outlet", "email", "language"]}),
        (gettext_lazy("Interests and lists"), {"fields": ["lists", "areas", "topics"]}),
        (
            gettext_lazy("Lawful basis"),
            {"fields": ["lawful_basis", "basis_recorded_on", "unsubscribed_at"]},
        ),
        (None, {"fields": ["notes", "created_at", "updated_at"]}),
    ]

    @admin.display(description=gettext_lazy("subscribed"), boolean=True, ordering="unsubscribed_at")
    def subscribed(self, obj: Contact) -> bool:
        return obj.is_subscribed

    change_list_template = "admin/press/contact_change_list.html"

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="press_contact_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a file, see what it would change, confirm: all or nothing (press/imports.py)."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import press contacts"),
            "columns": imports.REQUIRED + imports.OPTIONAL,
            "required": imports.REQUIRED,
        }
        if request.method == "POST" and "token" in request.POST:
            return self.confirm_import(request, context)
        form = ContactImportForm(request.POST or None, request.FILES or None)
        context["form"] = form
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            try:
                plan = imports.plan_contacts(data, upload.name)
            except (FileRejected, FileErrors) as refused:
                context["problems"] = getattr(refused, "messages", None) or [str(refused)]
                context["file_name"] = upload.name
            else:
                storage = DatabaseStorage(user=request.user, details={"file_name": upload.name})
                storage.save(data)
                context.update(plan=plan, token=storage.name, file_name=upload.name)
        return TemplateResponse(request, "admin/press/contact_import.html", context)

    def confirm_import(self, request: HttpRequest, context: dict) -> HttpResponse:
        storage = DatabaseStorage(user=request.user)
        storage.name = request.POST["token"]
        changelist = reverse("admin:press_contact_changelist")
        try:
            data = storage.read()
        except PendingImportMissing:
            messages.error(request, _("That upload is no longer waiting: upload the file again."))
            return HttpResponseRedirect(reverse("admin:press_contact_import"))
        file_name = storage.details["file_name"]
        try:
            with transaction.atomic():
                if not storage.claim():
                    raise PendingImportMissing(storage.name)
                plan = imports.contacts_import(data=data, file_name=file_name)
        except PendingImportMissing:
            messages.error(request, _("That upload was imported already."))
            return HttpResponseRedirect(changelist)
        except (FileRejected, FileErrors) as refused:
            context["problems"] = getattr(refused, "messages", None) or [str(refused)]
            context["file_name"] = file_name
            context["form"] = ContactImportForm()
            return TemplateResponse(request, "admin/press/contact_import.html", context)
        summary = _(
            "Imported %(file)s: %(new)s new contacts, %(changed)s changed, %(same)s unchanged."
        ) % {
            "file": file_name,
            "new": len(plan.new),
            "changed": len(plan.changed),
            "same": plan.unchanged,
        }
        if plan.unsubscribed:
            summary += " " + _(
                "%(count)s of them had unsubscribed and stay unsubscribed: %(emails)s."
            ) % {"count": len(plan.unsubscribed), "emails": ", ".join(plan.unsubscribed)}
        messages.success(request, summary)
        return HttpResponseRedirect(changelist)


class ContactImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV, Excel (.xlsx) or OpenDocument (.ods), columns in row 1."),
        error_messages={"required": gettext_lazy("Choose a file to import.")},
    )


class SendForm(forms.Form):
    lists = forms.ModelMultipleChoiceField(
        queryset=ContactList.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Press lists"),
        error_messages={"required": gettext_lazy("Choose at least one press list.")},
    )
    kind = forms.ChoiceField(
        choices=[
            (PressSend.Kind.EMBARGO, gettext_lazy("Now, under embargo until the publish time")),
            (PressSend.Kind.PUBLICATION, gettext_lazy("On publication (now, if it is public)")),
        ],
        widget=forms.RadioSelect,
        label=gettext_lazy("When"),
        error_messages={"required": gettext_lazy("Choose when to send it.")},
    )


@admin.register(PressSend)
class PressSendAdmin(admin.ModelAdmin):
    """The record of every send; sending itself starts from a statement's page."""

    list_display = ["statement", "kind", "created_at", "created_by", "sent_count", "failed_count"]
    list_filter = ["kind", "statement"]
    search_fields = ["statement__title"]
    list_select_related = ["statement", "created_by"]

    def get_queryset(self, request: HttpRequest):
        return (
            super()
            .get_queryset(request)
            .annotate(
                sent=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
                failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
            )
        )

    @admin.display(description=gettext_lazy("sent"), ordering="sent")
    def sent_count(self, obj: PressSend) -> int:
        return obj.sent

    @admin.display(description=gettext_lazy("failed"), ordering="failed")
    def failed_count(self, obj: PressSend) -> int:
        return obj.failed

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a send starts from its statement (send_view)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # the record of what went to whom is kept

    def get_urls(self):
        return [
            path(
                "send/<path:statement_id>/",
                self.admin_site.admin_view(self.send_view),
                name="press_presssend_send",
            ),
            path(
                "<path:object_id>/change/",
                self.admin_site.admin_view(self.progress_view),
                name="press_presssend_change",
            ),
            *super().get_urls(),
        ]

    # --- Sending ---------------------------------------------------------------------------

    def send_view(self, request: HttpRequest, statement_id: str) -> HttpResponse:
        if not may_send(request.user):
            raise PermissionDenied
        statement = (
            PressStatement.objects.select_related("campaign")
            .filter(pk=unquote(statement_id))
            .first()
        )
        if statement is None:
            raise Http404
        refusal_any = [
            delivery.send_refusal(statement, kind)
            for kind in (PressSend.Kind.EMBARGO, PressSend.Kind.PUBLICATION)
        ]
        form = SendForm(request.POST or None, initial=self.initial_kind(statement))
        confirm = None
        if request.method == "POST" and form.is_valid():
            lists = list(form.cleaned_data["lists"])
            kind = form.cleaned_data["kind"]
            problem = delivery.send_refusal(statement, kind)
            if problem:
                form.add_error("kind", problem)
            elif "confirm" in request.POST:
                try:
                    send = delivery.send_create(
                        statement=statement, lists=lists, kind=kind, user=request.user
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.log_addition(request, send, _("Sent to the press"))
                    messages.success(request, self.started_message(send))
                    return HttpResponseRedirect(
                        reverse("admin:press_presssend_change", args=[send.pk])
                    )
            else:
                confirm = self.confirmation(statement, lists, kind)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Send to the press: %(title)s") % {"title": statement.title},
            "statement": statement,
            "statement_url": reverse("admin:campaigns_pressstatement_change", args=[statement.pk]),
            "form": form,
            "confirm": confirm,
            "refusal": refusal_any[1] if all(refusal_any) else None,
            "earlier_sends": statement.press_sends.order_by("-created_at")[:10],
        }
        return TemplateResponse(request, "admin/press/send.html", context)

    def initial_kind(self, statement: PressStatement) -> dict:
        if delivery.is_scheduled(statement):
            return {"kind": PressSend.Kind.EMBARGO}
        return {"kind": PressSend.Kind.PUBLICATION}

    def confirmation(self, statement: PressStatement, lists, kind: str) -> dict:
        """What pressing Send will do: how many it reaches, who is left out, and the subject."""
        found = delivery.audience(statement, lists)
        with translation.override(emails.ENGLISH):
            if kind == PressSend.Kind.EMBARGO:
                subject = f"{emails.embargo_line(statement.publish_at)}: {statement.title}"
            else:
                subject = statement.title
        welsh = sum(
            1
            for c in found.contacts
            if emails.email_language(statement, c.language) == emails.WELSH
        )
        return {
            "lists": lists,
            "kind": kind,
            "count": len(found.contacts),
            "welsh": welsh,
            "unsubscribed": found.unsubscribed,
            "already_sent": found.already_sent,
            "subject": subject,
            "contacts": found.contacts[:50],
            "later": kind == PressSend.Kind.PUBLICATION and delivery.is_scheduled(statement),
        }

    def started_message(self, send: PressSend) -> str:
        if send.not_before:
            return _(
                "Queued: the emails go out when the statement is published. This page shows "
                "how they go."
            )
        return _("Sending in the background: this page shows how it goes.")

    # --- Progress --------------------------------------------------------------------------

    def progress_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        send = (
            PressSend.objects.select_related("statement", "created_by", "corrects")
            .filter(pk=unquote(object_id))
            .first()
        )
        if send is None:
            raise Http404
        counts = delivery.progress(send)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Press send: %(title)s") % {"title": send.statement.title},
            "send": send,
            "counts": counts,
            "failures": send.deliveries.filter(status=Delivery.Status.FAILED),
            "not_sent": send.deliveries.filter(status=Delivery.Status.CANCELLED),
            "retrying": send.deliveries.filter(
                status=Delivery.Status.QUEUED, attempts__gt=0
            ).exclude(answer=""),
            "deliveries": send.deliveries.select_related("contact"),
            "lists": send.lists.all(),
            "corrections": send.corrections.all(),
            "statement_url": reverse(
                "admin:campaigns_pressstatement_change", args=[send.statement_id]
            ),
            "now": timezone.now(),
        }
        return TemplateResponse(request, "admin/press/progress.html", context)


def send_link(request: HttpRequest, obj) -> list[tuple[str, str]]:
    """'Send to the press' on a statement's page, for those who may send, once it has passed
    review; and its earlier sends."""
    if obj._meta.model_name != "pressstatement" or not may_send(request.user):
        return []
    links = []
    if obj.edition_of_id is None and (
        obj.status == Status.APPROVED
        or (obj.status in PUBLIC_STATUSES and obj.status != Status.WITHDRAWN)
    ):
        links.append((_("Send to the press"), reverse("admin:press_presssend_send", args=[obj.pk])))
    sends = obj.press_sends.count() if obj.pk else 0
    if sends:
        url = reverse("admin:press_presssend_changelist") + f"?statement__id__exact={obj.pk}"
        links.append((_("Press sends (%(count)s)") % {"count": sends}, url))
    return links


register_item_link(send_link)
