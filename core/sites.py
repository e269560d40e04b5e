"""The admin site: Django's, with its "view on site" shortcut limited to what a user may see.

Django's shortcut (`/admin/r/<content type>/<id>/`) redirects any signed-in staff member to an
object's public address, whoever they are: walking the ids would list the addresses (and so the
headlines) of drafts and embargoed items to a partner data officer. Here only a user the
object's admin lets view it gets a redirect, and an item that is not public yet leads to its
staff preview (`get_page_url`, where a model has one); everyone else gets a plain 404, which
says nothing about whether the object exists.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import path


class CampaignAdminSite(admin.AdminSite):
    def get_urls(self):
        own = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [own, *(u for u in super().get_urls() if getattr(u, "name", None) != "view_on_site")]

    def view_on_site(
        self, request: HttpRequest, content_type_id: int, object_id: str
    ) -> HttpResponseRedirect:
        """Redirect to an object's page, for a user its admin lets view it."""
        from django.contrib.contenttypes.models import ContentType  # this module loads with apps

        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model = content_type.model_class() if content_type is not None else None
        model_admin = self._registry.get(model) if model is not None else None
        if model_admin is None:
            raise Http404
        try:
            # The admin's own queryset: a partner data officer's is limited to their areas.
            obj = model_admin.get_queryset(request).get(pk=object_id)
        except (ObjectDoesNotExist, ValueError, ValidationError):
            raise Http404 from None
        if not model_admin.has_view_or_change_permission(request, obj):
            raise Http404
        page_url = getattr(obj, "get_page_url", None) or getattr(obj, "get_absolute_url", None)
        if page_url is None:
            raise Http404
        return HttpResponseRedirect(page_url())


class CampaignAdminConfig(AdminConfig):
    """Django's admin app, with CampaignAdminSite as `admin.site` (INSTALLED_APPS names this in
    place of django.contrib.admin)."""

    default_site = "core.sites.CampaignAdminSite"
