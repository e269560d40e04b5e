from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxLengthValidator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ExportMixin
from import_export.formats import base_formats

from core.admin import (
    ASSUME_HTTPS,
    PICTURE_UPLOADS,
    BilingualAdmin,
    HistoryAdmin,
    StaffUserAdmin,
    TimestampsOnChangeOnlyMixin,
    thumbnail,
)
from core.text import trimmed
from regions.figures import period_label
from regions.graph import GroupingGraph
from regions.imports.admin import AllOrNothingImportMixin, UploadForm
from regions.imports.formats import OpenDocumentExport
from regions.imports.regions import RegionResource
from regions.imports.statistics import StatisticResource
from regions.imports.undo import UndoRefused, changed_since, import_batch_undo
from regions.models import (
    THRESHOLD_NOT_NEGATIVE,
    ImportBatch,
    Metric,
    Organisation,
    PartnerMembership,
    Region,
    Statistic,
    gss_code_validator,
)
from regions.permissions import organisation_of, regions_for_user, sees_all_regions
from regions.selectors import grouping_discrepancies, overlapping_periods


class RegionAdminForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = [
            "name",
            "slug",
            "kind",
            "description",
            "gss_code",
            "police_uk_id",
            "groupings",
            "population",
            "population_year",
            "population_source",
            "valid_from",
            "valid_to",
        ]

    # Room for the spaces a pasted code brings with it: with the field's own limit of nine, the
    # browser cut " W06000002" to " W0600000" before anyone could see why.
    GSS_CODE_INPUT_LENGTH = 20

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["gss_code"]
        field.max_length = self.GSS_CODE_INPUT_LENGTH
        field.widget.attrs["maxlength"] = str(self.GSS_CODE_INPUT_LENGTH)
        field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]

    def clean_gss_code(self):
        """As pasted or typed: surrounding spaces dropped, letters in capitals (w06000002)."""
        code = trimmed(self.cleaned_data.get("gss_code") or "").upper()
        if not code:
            return None
        gss_code_validator(code)
        return code

    def clean_police_uk_id(self):
        """police.uk force ids are lower case (north-wales); surrounding spaces dropped."""
        force_id = trimmed(self.cleaned_data.get("police_uk_id") or "").lower()
        return force_id or None

    def clean_groupings(self):
        groupings = self.cleaned_data["groupings"]
        region = self.instance
        if not region.pk:
            return groupings  # nothing is inside a new region yet
        if any(g.pk == region.pk for g in groupings):
            raise forms.ValidationError(_("A region cannot be a grouping of itself."))
        # The stored groupings (one query), less this region's own, which the form replaces.
        graph = GroupingGraph.load().without_groupings_of([region.pk])
        loops = [g for g in groupings if graph.makes_loop(region.pk, g.pk)]
        if loops:
            raise forms.ValidationError(
                [
                    _(
                        "%(grouping)s is already inside %(region)s, so %(region)s cannot be part "
                        "of it: that would make a loop."
                    )
                    % {"grouping": g.name, "region": self.cleaned_data.get("name") or region.name}
                    for g in loops
                ]
            )
        return groupings

    def clean(self):
        """A slug may not be another region's police.uk force id, nor the other way round:
        a statistics file naming that code could mean either region."""
        cleaned_data = super().clean()
        others = Region.objects.exclude(pk=self.instance.pk) if self.instance.pk else Region.objects
        clashes = [
            (
                "slug",
                "police_uk_id",
                _(
                    "This is the police.uk force id of %(region)s. A region's slug may not "
                    "be another region's force id, or files naming it could mean either; "
                    "choose another."
                ),
            ),
            (
                "police_uk_id",
                "slug",
                _(
                    "This is the slug of %(region)s. A region's police.uk force id may not "
                    "be another region's slug, or files naming it could mean either; "
                    "choose another."
                ),
            ),
        ]
        for field, other_field, message in clashes:
            value = cleaned_data.get(field)
            holder = others.filter(**{other_field: value}).first() if value else None
            if holder is not None:
                self.add_error(field, message % {"region": holder.name})
        return cleaned_data


@admin.register(Region)
class RegionAdmin(AllOrNothingImportMixin, BilingualAdmin, HistoryAdmin):
    def index_description(self, request: HttpRequest) -> str:
        return _("The areas figures are given for, with their codes and groupings.")

    form = RegionAdminForm
    resource_classes = [RegionResource]
    list_display = ["name", "kind", "gss_code", "police_uk_id", "grouping_names"]
    list_filter = ["kind", ("groupings", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "gss_code", "police_uk_id"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["groupings"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "description"]}),
        (_("Codes"), {"fields": ["gss_code", "police_uk_id"]}),
        (_("Groupings"), {"fields": ["groupings"]}),
        (_("Population"), {"fields": ["population", "population_year", "population_source"]}),
        (_("Boundary dates"), {"fields": ["valid_from", "valid_to"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Region]:
        return super().get_queryset(request).prefetch_related("groupings")

    @admin.display(description=_("part of"))
    def grouping_names(self, region: Region) -> str:
        return ", ".join(g.name for g in region.groupings.all()) or "–"


class PartnerMembershipInline(admin.TabularInline):
    model = PartnerMembership
    extra = 0
    fields = ["user"]
    verbose_name = _("data officer")
    verbose_name_plural = _("data officers (user accounts that import for this organisation)")


@admin.register(Organisation)
class OrganisationAdmin(BilingualAdmin, HistoryAdmin):
    def index_description(self, request: HttpRequest) -> str:
        if sees_all_regions(request.user):
            return _("The charity and its partners, the areas each covers and its data officers.")
        return _("Your organisation: the areas it covers, and its campaign card for your website.")

    formfield_overrides = {**ASSUME_HTTPS, **PICTURE_UPLOADS}
    list_display = ["name", "short_name", "kind", "logo_thumbnail", "website"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["regions"]
    readonly_fields = ["logo_preview"]
    inlines = [PartnerMembershipInline]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "description", "website"]}),
        (_("Logo"), {"fields": ["logo", "logo_preview"]}),
        (_("Areas covered"), {"fields": ["regions"]}),
        (_("Press office"), {"fields": ["press_email"]}),
        (_("Campaign card for your website"), {"fields": ["card_origins"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        """Campaign managers see every organisation; a partner's data officer only their own
        (to read its page and its campaign card)."""
        queryset = super().get_queryset(request)
        if sees_all_regions(request.user):
            return queryset
        organisation = organisation_of(request.user)
        return queryset.filter(pk=organisation.pk) if organisation else queryset.none()

    @admin.display(description=_("logo"))
    def logo_thumbnail(self, organisation: Organisation) -> str:
        return thumbnail(organisation.logo, 40)

    @admin.display(description=_("current logo"))
    def logo_preview(self, organisation: Organisation) -> str:
        return thumbnail(organisation.logo, 160)


@admin.register(PartnerMembership)
class PartnerMembershipAdmin(admin.ModelAdmin):
    def index_description(self, request: HttpRequest) -> str:
        return _("Which organisation each data officer imports figures for.")

    list_display = ["user", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    list_select_related = ["user", "organisation"]


class MetricAdminForm(forms.ModelForm):
    class Meta:
        model = Metric
        fields = ["name", "slug", "description", "unit", "owner", "small_number_threshold"]
        error_messages = {"small_number_threshold": {"min_value": THRESHOLD_NOT_NEGATIVE}}


@admin.register(Metric)
class MetricAdmin(BilingualAdmin):
    def index_description(self, request: HttpRequest) -> str:
        return _("What is counted: each metric names what its figures count.")

    form = MetricAdminForm
    list_display = ["name", "slug", "unit", "owner", "small_number_threshold"]
    list_filter = ["owner"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["owner"]
    list_select_related = ["owner"]


class StatisticAdminForm(forms.ModelForm):
    class Meta:
        model = Statistic
        fields = [
            "metric",
            "region",
            "period_start",
            "period_end",
            "value",
            "source",
            "notes",
            "notes_cy",
        ]

    # The regions a refusal may name (None: any); set per request for partner data officers.
    visible_region_ids: set[int] | None = None

    def clean(self):
        cleaned_data = super().clean()
        self.instance.visible_region_ids = self.visible_region_ids
        return cleaned_data


class StatisticUploadForm(UploadForm):
    metric = forms.ModelChoiceField(
        queryset=Metric.objects.all(),
        required=False,
        label=_("Metric"),
        help_text=_(
            "What the figures in the file count. Leave empty only if the file has a metric column."
        ),
    )
    field_order = ["resource", "metric", "import_file", "format"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # With one metric there is nothing to choose: it is chosen already.
        metrics = list(self.fields["metric"].queryset[:2])
        if len(metrics) == 1:
            self.initial.setdefault("metric", metrics[0].pk)

    def pending_details(self) -> dict:
        metric = self.cleaned_data.get("metric")
        return {"metric": metric.pk if metric is not None else None}


def _batch_label(batch: ImportBatch | None, organisation: Organisation | None) -> str:
    """An import batch as a partner may see it: its own in full, another's without its file."""
    if batch is None:
        return "–"
    if organisation is not None and batch.organisation_id == organisation.pk:
        return str(batch)
    return _("imported by someone else, %(when)s") % {
        "when": date_format(timezone.localtime(batch.created_at), "j F Y")
    }


class OwnImportBatchFilter(admin.SimpleListFilter):
    """Filter by the partner's own imports only."""

    title = _("import batch")
    parameter_name = "import_batch__exact"

    def lookups(self, request: HttpRequest, model_admin):
        organisation = organisation_of(request.user)
        if organisation is None:
            return []
        batches = ImportBatch.objects.filter(organisation=organisation).order_by("-created_at")
        return [(str(batch.pk), str(batch)) for batch in batches[:50]]

    def queryset(self, request: HttpRequest, queryset):
        if self.value():
            return queryset.filter(import_batch_id=self.value())
        return queryset


@admin.register(Statistic)
class StatisticAdmin(
    TimestampsOnChangeOnlyMixin, AllOrNothingImportMixin, ExportMixin, admin.ModelAdmin
):
    """Partner data officers see, edit, import and export only the regions their organisation
    covers."""

    def index_description(self, request: HttpRequest) -> str:
        if sees_all_regions(request.user):
            return _("The figures for every area and period; partners import their own.")
        return _("The figures for your organisation's areas, by period. You can import them.")

    form = StatisticAdminForm
    resource_classes = [StatisticResource]
    import_form_class = StatisticUploadForm
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    export_formats = [base_formats.CSV, base_formats.XLSX, OpenDocumentExport]
    # UTF-8 with a byte order mark: without it Excel reads the CSV as Windows-1252 and shows
    # "£" and "é" as "Â£" and "Ã©".
    to_encoding = "utf-8-sig"
    list_display = ["region", "period", "value", "metric_name", "source_text", "import_batch"]
    list_filter = [
        "metric",
        ("region", admin.RelatedOnlyFieldListFilter),
        ("import_batch", admin.RelatedOnlyFieldListFilter),
    ]

    # Long texts are cut in the list so its key columns fit a laptop's screen without
    # scrolling sideways; the whole text is in the cell's tooltip and on the figure's page.
    TEXT_SHOWN = 40

    # A partner sees the figures another partner imported for a shared area, but not what the
    # other partner called its files: that is theirs (the import batches list hides it too).
    def get_list_display(self, request: HttpRequest):
        columns = list(self.list_display)
        if Metric.objects.count() <= 1:
            columns.remove("metric_name")  # the same in every row
        if sees_all_regions(request.user):
            return columns
        organisation = organisation_of(request.user)

        @admin.display(description=_("import batch"))
        def import_batch(statistic: Statistic) -> str:
            return _batch_label(statistic.import_batch, organisation)

        return [import_batch if name == "import_batch" else name for name in columns]

    def _shortened(self, text: str) -> str:
        if len(text) <= self.TEXT_SHOWN:
            return text or "–"
        return format_html('<span title="{}">{}…</span>', text, text[: self.TEXT_SHOWN].rstrip())

    @admin.display(description=_("metric"), ordering="metric__name")
    def metric_name(self, statistic: Statistic) -> str:
        return self._shortened(statistic.metric.name)

    @admin.display(description=_("source"), ordering="source")
    def source_text(self, statistic: Statistic) -> str:
        return self._shortened(statistic.source)

    def get_list_filter(self, request: HttpRequest):
        if sees_all_regions(request.user):
            return self.list_filter
        return ["metric", ("region", admin.RelatedOnlyFieldListFilter), OwnImportBatchFilter]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if sees_all_regions(request.user):
            return self.readonly_fields
        return ["created_at", "updated_at"]

    def get_exclude(self, request: HttpRequest, obj=None):
        if sees_all_regions(request.user):
            return super().get_exclude(request, obj)
        return ["import_batch"]

    search_fields = ["region__name", "region__gss_code", "region__police_uk_id", "source"]
    list_select_related = ["region", "metric", "import_batch"]
    date_hierarchy = "period_start"
    readonly_fields = ["import_batch", "created_at", "updated_at"]

    @admin.display(description=_("period"), ordering="period_start")
    def period(self, statistic: Statistic) -> str:
        return period_label(statistic.period_start, statistic.period_end)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Statistic]:
        queryset = super().get_queryset(request)
        if sees_all_regions(request.user):
            return queryset
        return queryset.filter(region__in=regions_for_user(request.user))

    def changelist_view(self, request: HttpRequest, extra_context=None):
        """Warn when a grouping's stored figure disagrees with the sum of its areas' figures."""
        if request.method == "GET":
            for clash in overlapping_periods(self.get_queryset(request))[:5]:
                messages.error(
                    request,
                    _(
                        "Periods overlap (%(what)s). A metric counts every area in the same "
                        "periods: correct or delete one of them, since overlapping figures can "
                        "give small numbers away by subtraction."
                    )
                    % {"what": clash},
                )
            found = grouping_discrepancies(self.get_queryset(request))
            for discrepancy in found[:5]:
                messages.warning(
                    request,
                    _("This grouping's figure does not match its areas: %(what)s.")
                    % {"what": discrepancy},
                )
            if len(found) > 5:
                messages.warning(
                    request,
                    _("%(count)s more grouping figures do not match their areas.")
                    % {"count": len(found) - 5},
                )
        return super().changelist_view(request, extra_context)

    def get_import_data_kwargs(self, **kwargs) -> dict:
        form = kwargs.get("form")
        details = kwargs.get("pending_details")
        data = super().get_import_data_kwargs(**kwargs)
        if details is not None:
            # Confirming: the metric chosen at the preview, as saved with the upload.
            metric_id = details.get("metric")
            data["metric"] = Metric.objects.filter(pk=metric_id).first() if metric_id else None
        else:
            data["metric"] = form.cleaned_data.get("metric") if form is not None else None
        return data

    def pending_details_problem(self, details: dict) -> str | None:
        metric_id = details.get("metric")
        if metric_id and not Metric.objects.filter(pk=metric_id).exists():
            return _(
                "The metric chosen for this upload no longer exists. Nothing was imported. "
                "Upload the file again and choose a metric."
            )
        return None

    def get_import_success_url(self, batch: ImportBatch) -> str:
        url = reverse("admin:regions_statistic_changelist")
        return f"{url}?import_batch__exact={batch.pk}"

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if sees_all_regions(request.user):
            return form
        # A refused period names only areas the officer's organisation covers.
        visible = set(regions_for_user(request.user).values_list("pk", flat=True))
        return type(form.__name__, (form,), {"visible_region_ids": visible})

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "region":
            kwargs["queryset"] = regions_for_user(request.user).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    def index_description(self, request: HttpRequest) -> str:
        return _("A record of each import: who imported which file, when, and what it changed.")

    list_display = [
        "file_name",
        "kind",
        "created_at",
        "user",
        "organisation",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
        "statistics_link",
    ]
    list_filter = ["kind", "organisation", "created_at"]
    search_fields = ["file_name", "checksum", "user__username"]
    list_select_related = ["user", "organisation"]
    date_hierarchy = "created_at"
    # The record page: when, by whom, what it changed, and a way to the figures it wrote.
    fields = [
        "file_name",
        "kind",
        "imported_at",
        "user",
        "organisation",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
        "figures_link",
        "undo",
        "checksum",
    ]
    readonly_fields = fields

    def get_urls(self):
        return [
            path(
                "<path:object_id>/undo/",
                self.admin_site.admin_view(self.undo_view),
                name="regions_importbatch_undo",
            ),
            *super().get_urls(),
        ]

    def may_undo(self, request: HttpRequest, batch: ImportBatch) -> bool:
        """Whoever may import statistics may undo an import they can see (a partner's own)."""
        return batch.kind == ImportBatch.Kind.STATISTICS and request.user.has_perms(
            ["regions.add_statistic", "regions.change_statistic"]
        )

    @admin.display(description=_("undo"))
    def undo(self, batch: ImportBatch) -> str:
        if batch.undone_at is not None:
            return _("Undone %(when)s by %(who)s.") % {
                "when": date_format(timezone.localtime(batch.undone_at), "j F Y, H:i"),
                "who": batch.undone_by or _("someone no longer here"),
            }
        if batch.kind != ImportBatch.Kind.STATISTICS:
            return "–"
        url = reverse("admin:regions_importbatch_undo", args=[batch.pk])
        return format_html(
            '<a href="{}">{}</a> {}',
            url,
            _("Undo this import"),
            _("(removes the figures it added and puts back those it changed)"),
        )

    def undo_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Confirm (GET), then undo (POST) an import, all or nothing."""
        batch = self.get_queryset(request).filter(pk=object_id).first()
        if batch is None:
            raise Http404
        if not self.may_undo(request, batch):
            raise PermissionDenied
        page = reverse("admin:regions_importbatch_change", args=[batch.pk])
        if request.method == "POST":
            try:
                removed, restored = import_batch_undo(batch=batch, user=request.user)
            except UndoRefused as refused:
                for message in refused.messages:
                    messages.error(request, message)
                return HttpResponseRedirect(page)
            messages.success(
                request,
                _("Undone: %(removed)s figures removed, %(restored)s put back as they were.")
                % {"removed": f"{removed:,}", "restored": f"{restored:,}"},
            )
            return HttpResponseRedirect(page)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Undo the import of %(file)s?") % {"file": batch.file_name},
            "batch": batch,
            "changed_since": changed_since(batch) if batch.written_at else [],
            "page": page,
        }
        return TemplateResponse(request, "admin/regions/importbatch_undo.html", context)

    @admin.display(description=_("imported at"))
    def imported_at(self, batch: ImportBatch) -> str:
        return _("%(when)s (UK time)") % {
            "when": date_format(timezone.localtime(batch.created_at), "j F Y, H:i")
        }

    @admin.display(description=_("figures it last wrote"))
    def figures_link(self, batch: ImportBatch) -> str:
        if batch.kind != ImportBatch.Kind.STATISTICS:
            return "–"
        count = batch.statistics.count()
        if not count:
            return _("None now: its rows were already stored, or have been changed since.")
        url = reverse("admin:regions_statistic_changelist")
        return format_html(
            '<a href="{}?import_batch__exact={}">{}</a>',
            url,
            batch.pk,
            ngettext("View the %(count)s figure", "View the %(count)s figures", count)
            % {"count": f"{count:,}"},
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportBatch]:
        queryset = super().get_queryset(request)
        if sees_all_regions(request.user):
            return queryset
        organisation = organisation_of(request.user)
        if organisation is None:
            # Not organisation=None: those are managers' and command-line imports.
            return queryset.none()
        return queryset.filter(organisation=organisation)

    @admin.display(description=_("figures it last wrote"))
    def statistics_link(self, batch: ImportBatch) -> str:
        if batch.kind != ImportBatch.Kind.STATISTICS:
            return "–"
        url = reverse("admin:regions_statistic_changelist")
        return format_html('<a href="{}?import_batch__exact={}">{}</a>', url, batch.pk, _("view"))

    # Batches are a record: written by imports, never edited by hand.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ImportBatch | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ImportBatch | None = None) -> bool:
        return False  # an audit record: nobody removes it, managers included


class UserMembershipInline(admin.StackedInline):
    model = PartnerMembership
    extra = 0
    max_num = 1
    verbose_name = _("partner organisation")
    verbose_name_plural = _("partner organisation (for data officers)")


class PartnerUserAdmin(StaffUserAdmin):
    """Staff accounts, with the partner organisation a data officer imports for."""

    inlines = [*StaffUserAdmin.inlines, UserMembershipInline]
    list_display = [*StaffUserAdmin.list_display, "organisation_name"]

    @admin.display(description=_("partner organisation"))
    def organisation_name(self, user) -> str:
        membership = getattr(user, "partner_membership", None)
        return membership.organisation.name if membership else "–"

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("partner_membership__organisation")


User = get_user_model()
admin.site.unregister(User)
admin.site.register(User, PartnerUserAdmin)
