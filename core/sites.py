"""The admin site: Django's, with its "view on site" shortcut limited to what a user may see.

Django's shortcut (`/admin/r/<content type>/<id>/`) redirects any signed-in staff member to an
object's public address, whoever they are: walking the ids would list the addresses (and so the
headlines) of drafts and embargoed items to a partner data officer. Here only a user the
object's admin lets view it gets a redirect, and an item that is not public yet leads to its
staff preview (`get_page_url`, where a model has one); everyone else gets a plain 404, which
says nothing about whether the object exists.

Domain apps add to the site the way they add their models, from their admin.py (which the admin
loads at start-up): `register_home(provider)` puts what the provider returns for the signed-in
user into the admin home's context (campaigns' "Awaiting your review" and so on), and
`register_view(...)` adds a page of the site's own, such as /admin/calendar/, with a link in the
header for those allowed to open it. So core names no domain app, neither by import nor in a
setting, and the wiring of each page stays beside the page, in the app that owns it.

Signing in takes two factors where an account needs them (core/two_factor.py): the site lets in
only those who passed (`has_permission`), and its sign-in page leads on from the password to the
code, or to setting up an app, at `two-factor/verify/` and `two-factor/set-up/`.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View


@dataclass(frozen=True)
class SiteView:
    """A page of the admin site's own, added by a domain app (see register_view)."""

    route: str
    view: type[View]
    name: str
    link_text: str
    allowed: Callable


class CampaignAdminSite(admin.AdminSite):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._home_providers: list[Callable] = []
        self._site_views: list[SiteView] = []

    def register_home(self, provider: Callable) -> None:
        """Add to the admin home: `provider(user)` returns a dict for the home page's context."""
        self._home_providers.append(provider)

    def register_view(
        self, route: str, view: type[View], *, name: str, link_text: str, allowed: Callable
    ) -> None:
        """Add a page at /admin/<route>, named `admin:<name>`, for signed-in staff for whom
        `allowed(user)` is true (anyone else gets 403), linked from the header for them. The
        view class receives this site as `admin_site`, as the admin's own views do."""
        self._site_views.append(SiteView(route, view, name, link_text, allowed))

    def has_permission(self, request: HttpRequest) -> bool:
        """Django's rule (active staff), and the second factor where the account needs one."""
        from core import two_factor  # this module loads with apps, before models are ready

        return super().has_permission(request) and two_factor.passed(request.user)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """Django's sign-in page, leading on to the second factor once the password is right
        (or straight there, for a session that has the password only)."""
        from core import two_factor_views

        if request.method == "GET" and (step := two_factor_views.next_step_url(request)):
            return HttpResponseRedirect(step)
        response = super().login(request, extra_context)
        if request.method == "POST" and (step := two_factor_views.next_step_url(request)):
            return HttpResponseRedirect(step)
        return response

    def get_urls(self):
        from core import two_factor_views

        steps = [
            path(
                "two-factor/verify/",
                two_factor_views.VerifyView.as_view(admin_site=self),
                name="two_factor_verify",
            ),
            path(
                "two-factor/set-up/",
                two_factor_views.SetUpView.as_view(admin_site=self),
                name="two_factor_set_up",
            ),
            path(
                "two-factor/",
                self.admin_view(two_factor_views.AccountView.as_view(admin_site=self)),
                name="two_factor",
            ),
        ]
        own = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        added = [
            path(page.route, self.admin_view(self._guarded(page)), name=page.name)
            for page in self._site_views
        ]
        return [
            *steps,
            own,
            *added,
            *(u for u in super().get_urls() if getattr(u, "name", None) != "view_on_site"),
        ]

    def _guarded(self, page: SiteView) -> Callable:
        view = page.view.as_view(admin_site=self)

        @functools.wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not page.allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    def each_context(self, request: HttpRequest) -> dict:
        """Django's, with links in the header to the pages registered for this user."""
        context = super().each_context(request)
        context["site_view_links"] = [
            {"text": page.link_text, "url": reverse(f"{self.name}:{page.name}")}
            for page in self._site_views
            if page.allowed(request.user)
        ]
        if context["has_permission"]:
            context["site_view_links"].append(
                {"text": _("Two-factor sign-in"), "url": reverse(f"{self.name}:two_factor")}
            )
        return context

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """Django's home, with what each registered provider returns for this user."""
        context = {}
        for provider in self._home_providers:
            context.update(provider(request.user))
        return super().index(request, {**context, **(extra_context or {})})

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
