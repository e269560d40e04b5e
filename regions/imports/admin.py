"""The admin import flow (upload, preview, confirm), built on django-import-export's views.

What this changes in the library's flow:
- importing needs both the add and the change permission on the model (403 otherwise, on every
  import URL), never just a staff login;
- the confirmation checks the whole file again and either writes all of it or nothing, and
  only says "imported" when it did; failures show every problem by row and column;
- no admin log entry per row: each import is recorded once, as an ImportBatch;
- uploads wait in the database (PendingImport), readable only by the person who uploaded them;
- unreadable files get a sentence a partner can act on, not an exception's name.
"""

import io

import tablib
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.admin import ImportMixin
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.signals import post_import

from regions.imports.formats import SpreadsheetFormat, dataset_from_bytes
from regions.imports.reading import (
    HEAD_BYTES,
    FileRejected,
    check_name_matches_content,
    check_size,
)
from regions.imports.reading.ods import ODS_MIMETYPE
from regions.imports.results import ImportResult
from regions.imports.storage import DatabaseStorage, PendingImportMissing


class UploadForm(ImportForm):
    """The upload step: the file, checked for size and for being what its name says."""

    def __init__(self, formats, resources, *, user=None, **kwargs) -> None:
        super().__init__(formats, resources, **kwargs)
        self.user = user
        self.resource_classes = list(resources)
        # What the file must hold is said once, beside the form (import_rules.html); with one
        # format there is nothing to choose, so the format is not shown either.
        if len(formats) == 1:
            self.fields["format"].widget = forms.HiddenInput()
            self.initial["format"] = "0"

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            check_size(upload.size)
            head = upload.read(HEAD_BYTES)
            upload.seek(0)
            check_name_matches_content(upload.name, head)
        except FileRejected as error:
            raise forms.ValidationError(str(error)) from None
        upload.uploaded_by = self.user
        return upload

    def pending_details(self) -> dict:
        """What the confirmation must use as chosen here, saved with the waiting upload
        (JSON values). Forms with more choices add theirs."""
        return {}

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("import_file")
        if upload is not None:
            upload.pending_details = {"file_name": upload.name, **self.pending_details()}
        return cleaned_data


class AllOrNothingImportMixin(ImportMixin):
    """Import through a resource whose import_data writes a whole file or nothing."""

    import_formats = [SpreadsheetFormat]
    import_form_class = UploadForm
    confirm_form_class = ConfirmImportForm
    import_template_name = "admin/regions/import.html"
    skip_admin_log = True
    tmp_storage_class = DatabaseStorage

    def get_import_formats(self):
        return self.import_formats

    def template_columns(self) -> list[str]:
        """The columns of the file format, as the resource declares them."""
        return self.resource_classes[0].column_names()

    def has_import_permission(self, request: HttpRequest) -> bool:
        opts = self.opts
        return request.user.is_active and request.user.has_perms(
            [
                f"{opts.app_label}.add_{opts.model_name}",
                f"{opts.app_label}.change_{opts.model_name}",
            ]
        )

    def get_urls(self):
        info = self.get_model_info()
        return [
            path(
                "import/template.<str:extension>",
                self.admin_site.admin_view(self.template_view),
                name="{}_{}_import_template".format(*info),
            ),
            *super().get_urls(),
        ]

    def get_import_form_kwargs(self, request: HttpRequest) -> dict:
        return {**super().get_import_form_kwargs(request), "user": request.user}

    def write_to_tmp_storage(self, import_file, input_format):
        storage = DatabaseStorage(
            user=import_file.uploaded_by, details=getattr(import_file, "pending_details", {})
        )
        buffer = io.BytesIO()
        for chunk in import_file.chunks():
            buffer.write(chunk)
        storage.save(buffer.getvalue())
        return storage

    def add_data_read_fail_error_to_form(self, form, e) -> None:
        if isinstance(e, FileRejected):
            resource_class = form.resource_classes[self.get_resource_index(form)]
            form.add_error("import_file", resource_class.explain_rejection(e))
        else:
            form.add_error(
                "import_file",
                _("This file could not be read. Save it from Excel as 'CSV UTF-8' and try again."),
            )

    def get_import_context_data(self, **kwargs) -> dict:
        info = self.get_model_info()
        return {
            **super().get_import_context_data(**kwargs),
            "template_columns": self.template_columns(),
            "template_url_name": "admin:{}_{}_import_template".format(*info),
        }

    def import_action(self, request: HttpRequest, **kwargs) -> HttpResponse:
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        result = context.get("result")
        if isinstance(result, ImportResult) and result.failed:
            # Said at the top of the page, where the eye lands after uploading; the problems
            # follow it, above the form.
            count = len(result.problems) or len(result.file_problems)
            messages.error(
                request,
                ngettext(
                    "Nothing can be imported from this file yet: %(count)s problem, listed below. "
                    "No row has been saved.",
                    "Nothing can be imported from this file yet: %(count)s problems, listed below. "
                    "No row has been saved.",
                    count,
                )
                % {"count": f"{count:,}"},
            )
        form = context.get("form")
        if form is not None and form.is_bound and "confirm_form" not in context:
            # The file could not be read or has problems: nobody can confirm it, so the
            # waiting copy goes now rather than at expiry. (A form error on the file removes
            # it from cleaned_data, so it is taken from the request.)
            name = getattr(request.FILES.get("import_file"), "tmp_storage_name", None)
            if name:
                DatabaseStorage(name=name, user=request.user).remove()
        return response

    def process_import(self, request: HttpRequest, **kwargs) -> HttpResponse:
        """Confirm: check the waiting file again, then write all of it or nothing."""
        if not self.has_import_permission(request):
            raise PermissionDenied  # before the method check: 403 on every import URL
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            return self._failed_confirmation(request, _("The confirmation form was incomplete."))
        storage = DatabaseStorage(
            name=confirm_form.cleaned_data["import_file_name"], user=request.user
        )
        try:
            data = storage.read()
        except PendingImportMissing:
            return self._no_longer_waiting(request)
        # The name and choices saved with the upload at the preview, never the form's hidden
        # fields: those are the browser's to edit, and the name goes into the audit record.
        details = storage.details
        file_name = details.get("file_name") or ""
        problem = self.pending_details_problem(details)
        if problem:
            storage.remove()
            return self._failed_confirmation(request, problem)
        try:
            dataset = dataset_from_bytes(data, file_name)
        except FileRejected as error:
            storage.remove()
            resource_class = self.choose_import_resource_class(confirm_form, request)
            return self._failed_confirmation(request, resource_class.explain_rejection(error))
        with transaction.atomic():
            # Claimed in the transaction that writes: of two confirmations of this upload at
            # once, only the one that deletes it imports. (It stays deleted when the import
            # finds problems: those are shown, and the file must be uploaded again.)
            if not storage.claim():
                result = None
            else:
                result = self.process_dataset(
                    dataset,
                    confirm_form,
                    request,
                    file_name=file_name,
                    pending_details=details,
                    **kwargs,
                )
        if result is None:
            return self._no_longer_waiting(request)
        return self.process_result(result, request)

    def pending_details_problem(self, details: dict) -> str | None:
        """Why the choices saved at the preview can no longer be used, if they cannot."""
        return None

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs) -> dict:
        kwargs.pop("pending_details", None)
        return super().get_import_resource_kwargs(request, **kwargs)

    def get_import_data_kwargs(self, **kwargs) -> dict:
        kwargs.pop("pending_details", None)
        return super().get_import_data_kwargs(**kwargs)

    def _no_longer_waiting(self, request: HttpRequest) -> HttpResponse:
        return self._failed_confirmation(
            request,
            _(
                "This upload is no longer waiting: it was imported or abandoned already, or "
                "it expired. Nothing was imported. Upload the file again."
            ),
        )

    def _failed_confirmation(self, request: HttpRequest, message: str) -> HttpResponse:
        messages.error(request, message)
        return HttpResponseRedirect(
            reverse(
                "admin:{}_{}_import".format(*self.get_model_info()),
                current_app=self.admin_site.name,
            )
        )

    def process_result(self, result: ImportResult, request: HttpRequest) -> HttpResponse:
        if result.failed:
            # Something changed since the preview (or another import got there first): nothing
            # was written. Show every problem, and no success message.
            messages.error(request, _("Nothing was imported: the file has problems, listed below."))
            form = self.get_import_form_class(request)(
                self.get_import_formats(),
                self.get_import_resource_classes(request),
                user=request.user,
            )
            context = {
                **self.admin_site.each_context(request),
                **self.get_import_context_data(),
                "title": _("Import"),
                "opts": self.model._meta,
                "result": result,
                "form": form,
                "media": self.media + form.media,
                "import_error_display": self.import_error_display,
            }
            request.current_app = self.admin_site.name
            return TemplateResponse(request, [self.import_template_name], context, status=422)
        batch = result.batch
        messages.success(
            request,
            format_html(
                _(
                    "Imported {file}: {new} new, {updated} updated, {unchanged} unchanged. "
                    '<a href="{url}">Import record</a>.'
                ),
                file=batch.file_name,
                new=f"{result.created:,}",
                updated=f"{result.updated:,}",
                unchanged=f"{result.unchanged:,}",
                url=reverse("admin:regions_importbatch_change", args=[batch.pk]),
            ),
        )
        post_import.send(sender=None, model=self.model)
        return HttpResponseRedirect(self.get_import_success_url(batch))

    def get_import_success_url(self, batch) -> str:
        return reverse("admin:{}_{}_changelist".format(*self.get_model_info()))

    def template_view(self, request: HttpRequest, extension: str) -> HttpResponse:
        """An empty file with the right header row, for partners to fill in."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        name = f"{self.opts.model_name}-import-template"
        columns = self.template_columns()
        if extension == "csv":
            response = HttpResponse(
                "\ufeff" + ",".join(columns) + "\r\n",
                content_type="text/csv; charset=utf-8",
            )
        elif extension == "xlsx":
            from openpyxl import Workbook
            from openpyxl.utils import get_column_letter

            workbook = Workbook()
            sheet = workbook.active
            sheet.title = str(self.opts.verbose_name_plural).capitalize()[:31]
            sheet.append(columns)
            for index, column in enumerate(columns, start=1):
                sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column) + 4)
            buffer = io.BytesIO()
            workbook.save(buffer)
            response = HttpResponse(
                buffer.getvalue(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        elif extension == "ods":
            sheet = tablib.Dataset(
                headers=columns, title=str(self.opts.verbose_name_plural).capitalize()
            )
            response = HttpResponse(sheet.export("ods"), content_type=ODS_MIMETYPE)
        else:
            raise Http404
        response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
        return response
