"""The one public page of press distribution: unsubscribing (press/unsubscribe.py)."""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from press.unsubscribe import contact_for, contact_unsubscribe


@method_decorator(
    [
        never_cache,
        # The signed token in the address authorises the request, so no CSRF cookie is needed
        # (none may be set: the page sets no cookies), and a mail program's one-click request
        # (RFC 8058), which comes from no page of ours, must be accepted.
        csrf_exempt,
        # The site's policy forbids forms everywhere; this page has one, posting to itself.
        csp_replace({"form-action": [SELF]}),
    ],
    name="dispatch",
)
class UnsubscribeView(View):
    """GET shows a button (mail scanners follow links and must not unsubscribe anyone); POST,
    from the button or from a mail program's one-click unsubscribe, unsubscribes at once."""

    http_method_names = ["get", "head", "post"]

    def dispatch(self, request: HttpRequest, token: str) -> HttpResponse:
        self.contact = contact_for(token)
        if self.contact is None:
            response = render(request, "press/unsubscribe_invalid.html", status=404)
        else:
            response = super().dispatch(request, token)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return render(request, "press/unsubscribe.html", {"contact": self.contact})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        contact_unsubscribe(contact=self.contact)
        return render(request, "press/unsubscribed.html", {"contact": self.contact})
