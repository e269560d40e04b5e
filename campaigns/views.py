"""Public pages. Each view finds its object through a published() queryset and hands the rest
to a selector, so the publish rules and the query budget live in one place each."""

import hashlib

from csp.constants import SELF
from csp.decorators import csp_replace
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import quote_etag
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from campaigns import downloads, page_meta, publishing, selectors, signoff
from campaigns.forms import QuoteDecisionForm
from campaigns.models import Campaign, PressStatement
from core.two_factor import staff_required
from regions.models import Organisation, Region


class HomeView(TemplateView):
    template_name = "campaigns/campaign_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            **selectors.home_page(),
            page_meta=page_meta.home_meta(self.request.build_absolute_uri),
        )


class CampaignDetailView(TemplateView):
    template_name = "campaigns/campaign_detail.html"

    def get_context_data(self, **kwargs):
        page = selectors.published_campaign_page(kwargs["slug"], self.request)
        # Made only if the page's head is not in the section cache.
        meta = SimpleLazyObject(
            lambda: page_meta.campaign_meta(page, self.request.build_absolute_uri)
        )
        return super().get_context_data(page=page, page_meta=meta, **kwargs)


class CampaignStatisticsView(View):
    """The campaign's figures as CSV or JSON, after the same suppression as the page."""

    def get(self, request: HttpRequest, slug: str, format: str) -> HttpResponse:
        if format not in ("csv", "json"):
            raise Http404
        campaign = get_object_or_404(Campaign.objects.published(), slug=slug)
        impacts, reported = selectors.campaign_statistics(campaign)
        if format == "json":
            response = JsonResponse(
                downloads.as_json(campaign, impacts, reported), json_dumps_params={"indent": 1}
            )
        else:
            response = HttpResponse(
                downloads.as_csv(impacts), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = (
                f'attachment; filename="{campaign.slug}-statistics.csv"'
            )
            # Where CSV on the Web readers find what the columns mean (RFC 8288 link).
            metadata = reverse("campaigns:campaign_statistics_metadata", kwargs={"slug": slug})
            response["Link"] = (
                f'<{metadata}>; rel="describedby"; type="{downloads.CSVW_MEDIA_TYPE}"'
            )
        return response


class CampaignStatisticsMetadataView(View):
    """The CSV's W3C CSV on the Web metadata, at the standard address beside it: its licence,
    sources, rules and columns, in the page's language first."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        campaign = get_object_or_404(
            Campaign.objects.published().select_related("lead_organisation"), slug=slug
        )
        impacts, _reported = selectors.campaign_statistics(campaign)
        return JsonResponse(
            downloads.csvw_metadata(campaign, impacts, get_language()),
            content_type=downloads.CSVW_MEDIA_TYPE,
            json_dumps_params={"indent": 1, "ensure_ascii": False},
        )


class StatementDetailView(TemplateView):
    template_name = "campaigns/pressstatement_detail.html"

    def get_context_data(self, **kwargs):
        statement = get_object_or_404(
            PressStatement.objects.published().select_related("campaign__lead_organisation"),
            campaign__slug=kwargs["campaign_slug"],
            slug=kwargs["slug"],
        )
        page = selectors.statement_page(statement)
        meta = page_meta.statement_meta(page, self.request.build_absolute_uri)
        return super().get_context_data(page=page, page_meta=meta, **kwargs)


class RegionDetailView(TemplateView):
    template_name = "regions/region_detail.html"

    def get_context_data(self, **kwargs):
        region = get_object_or_404(Region, slug=kwargs["slug"])
        page = selectors.region_page(region)
        return super().get_context_data(page=page, page_meta=page_meta.region_meta(page), **kwargs)


class PartnerDetailView(TemplateView):
    template_name = "regions/organisation_detail.html"

    def get_context_data(self, **kwargs):
        organisation = get_object_or_404(Organisation, slug=kwargs["slug"])
        page = selectors.partner_page(organisation)
        meta = page_meta.partner_meta(page, self.request.build_absolute_uri)
        return super().get_context_data(page=page, page_meta=meta, **kwargs)


def framed_by(response: HttpResponse, origins: list[str]) -> HttpResponse:
    """Let the given websites (and this site, for the admin's preview) show a response in a
    frame: the content security policy's frame-ancestors lists them, in place of the site's
    'none', and X-Frame-Options, which cannot name a website, is left off. Both travel with the
    response through the page cache. Its ETag names the websites too, so a browser or CDN that
    revalidates a page whose body has not changed still gets the policy of today's list."""
    response._csp_replace = {"frame-ancestors": [SELF, *origins]}
    response.xframe_options_exempt = True
    digest = hashlib.md5(response.content, usedforsecurity=False)
    digest.update(" ".join(origins).encode())
    response["ETag"] = quote_etag(digest.hexdigest())
    return response


class PartnerCardView(TemplateView):
    """A partner's campaign card, for its own websites to show in a frame: the campaign's
    message, its helpline and the partner's areas' figures, in a page small enough for a
    sidebar, with no script and no cookie, loading nothing but its own stylesheet. Only this
    site and the websites registered for the partner may frame it (`Organisation.card_origins`);
    every other page keeps frame-ancestors 'none'."""

    template_name = "regions/organisation_card.html"

    def get(self, request: HttpRequest, slug: str, campaign_slug: str | None = None):
        organisation = get_object_or_404(Organisation, slug=slug)
        try:
            card = selectors.partner_card(organisation, campaign_slug)
        except Campaign.DoesNotExist:
            raise Http404 from None
        response = self.render_to_response(self.get_context_data(card=card)).render()
        response["X-Robots-Tag"] = "noindex"  # a part of other pages, not a page to find
        return framed_by(response, organisation.card_origin_list)


def link_to_previews(items) -> None:
    """Within a preview, links to a campaign or statement that is not published yet lead to its
    preview rather than to a page the editor would find missing."""
    for item in items:
        if not item.is_published:
            item.get_absolute_url = item.get_page_url


class PreviewMixin:
    """A staff-only view of an item as its public page will show it, whatever its status or
    publish time, so an editor can check a draft before publishing it. Only signed-in staff (with
    their second factor, where their account has one: core/two_factor.py) with
    the model's view permission get in (others are sent to sign in, or refused); the response is
    never cached or indexed."""

    model: type

    @method_decorator([never_cache, staff_required])
    def dispatch(self, *args, **kwargs):
        return super().dispatch(*args, **kwargs)

    def get_item(self, pk: int):
        opts = self.model._meta
        if not self.request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(), pk=pk)

    def preview_state(self, item) -> str:
        """Why the public does not see this page yet, in words."""
        return {
            publishing.PUBLIC: _("This page is public; this is how visitors see it."),
            publishing.WAITING_FOR_CAMPAIGN: _(
                "This statement is ready, but its campaign is not public yet: "
                "nobody else can see it until the campaign is published."
            ),
            publishing.DRAFT: _("This is a draft: nobody else can see it until it is published."),
            publishing.SCHEDULED: _("Scheduled: nobody else can see it until %(when)s."),
        }[publishing.standing(item)] % {"when": publishing.publish_time_text(item)}

    def render_to_response(self, context, **response_kwargs):
        item = context["item"]
        opts = item._meta
        context["preview"] = {
            "state": self.preview_state(item),
            "edit_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk]),
        }
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class CampaignPreviewView(PreviewMixin, CampaignDetailView):
    model = Campaign

    def get_queryset(self):
        return Campaign.objects.select_related("lead_organisation")

    def get_context_data(self, **kwargs):
        campaign = self.get_item(kwargs["pk"])
        page = selectors.campaign_page(campaign)
        link_to_previews([campaign, *page.statements])
        meta = page_meta.campaign_meta(page, self.request.build_absolute_uri, public=False)
        return TemplateView.get_context_data(
            self, page=page, item=campaign, page_meta=meta, **kwargs
        )


class StatementPreviewView(PreviewMixin, StatementDetailView):
    model = PressStatement

    def get_queryset(self):
        return PressStatement.objects.select_related("campaign")

    def get_context_data(self, **kwargs):
        statement = self.get_item(kwargs["pk"])
        page = selectors.statement_page(statement)
        link_to_previews([statement.campaign, statement])
        meta = page_meta.statement_meta(page, self.request.build_absolute_uri, public=False)
        return TemplateView.get_context_data(
            self, page=page, item=statement, page_meta=meta, **kwargs
        )


# Why a sign-off link or a decision sent through it is refused: status, heading, explanation.
# None of them names the statement: whoever holds a link that does not work learns nothing.
SIGN_OFF_REFUSALS = {
    signoff.LinkRefused.INVALID: (
        403,
        gettext_lazy("This sign-off link does not work"),
        gettext_lazy(
            "Part of the address may have been lost or changed when it was copied. Open the "
            "link straight from the email you were sent, or ask the press office that sent it "
            "for a new one."
        ),
    ),
    signoff.LinkRefused.EXPIRED: (
        410,
        gettext_lazy("This sign-off link has expired"),
        gettext_lazy(
            "Links to approve quotes work for a limited time. Please ask the press office that "
            "sent it for a new link."
        ),
    ),
    signoff.LinkRefused.REVOKED: (
        410,
        gettext_lazy("This sign-off link has been withdrawn"),
        gettext_lazy(
            "The press office has stopped this link, often because it sent a newer one. Use the "
            "latest link you were sent, or ask the press office for a new one."
        ),
    ),
    signoff.LinkRefused.CHANGED: (
        410,
        gettext_lazy("The statement has changed since this link was sent"),
        gettext_lazy(
            "Its text has been changed since the link was made, so the link no longer shows "
            "what will be published. Please ask the press office for the new link, to approve "
            "the statement as it now reads."
        ),
    ),
    "other_site": (
        403,
        gettext_lazy("This form was sent from another website"),
        gettext_lazy(
            "Decisions are only accepted from the sign-off page itself. Open the link from "
            "the email you were sent and answer there."
        ),
    ),
}

SIGN_OFF_DONE = {
    "approved": gettext_lazy("Thank you: your approval is recorded."),
    "changes_requested": gettext_lazy(
        "Thank you: your request for a change is recorded. The press office will be in touch "
        "with the new words."
    ),
}


def refused(request: HttpRequest, reason: str) -> HttpResponse:
    status, heading, explanation = SIGN_OFF_REFUSALS[reason]
    context = {"heading": heading, "explanation": explanation}
    response = render(request, "campaigns/sign_off_refused.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@method_decorator(
    [
        never_cache,
        # The signed token in the address is what authenticates a decision, so no CSRF cookie
        # is needed (none may be set: this page sets no cookies at all); the token is checked
        # again on every POST, and a POST from another site is refused by its Origin.
        csrf_exempt,
        # The site's policy forbids forms everywhere; this page has one, posting to itself.
        csp_replace({"form-action": [SELF]}),
    ],
    name="dispatch",
)
class SignOffView(View):
    """A partner's page for signing off its people's quotes in a statement, reached through a
    signed link (campaigns/signoff.py) without an account: the statement as it will be
    published, with a form under each of the organisation's quotes. Never cached, never indexed,
    and no cookies."""

    http_method_names = ["get", "head", "post"]

    def dispatch(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            self.link = signoff.open_link(token)
        except signoff.LinkRefused as refusal:
            return refused(request, refusal.reason)
        response = super().dispatch(request, token)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return self.render_page(token, done=SIGN_OFF_DONE.get(request.GET.get("done", "")))

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"{request.scheme}://{request.get_host()}":
            return refused(request, "other_site")
        quote_id = request.POST.get("quote", "")
        quote = None
        if quote_id.isdigit():
            quote = self.link.statement.quotes.select_related("person").filter(pk=quote_id).first()
        if quote is None or quote.person.organisation_id != self.link.organisation_id:
            return self.render_page(
                token,
                status=403,
                problem=_(
                    "Nothing was recorded: through this link, %(organisation)s can decide only on "
                    "the quotes of its own people."
                )
                % {"organisation": self.link.organisation.name},
            )
        form = QuoteDecisionForm(request.POST, prefix=f"quote-{quote.pk}")
        if not form.is_valid():
            return self.render_page(token, status=400, bound=(quote.pk, form))
        try:
            signoff.record_decision(
                link=self.link,
                quote=quote,
                decision=form.cleaned_data["decision"],
                name=form.cleaned_data["name"],
                comment=form.cleaned_data["comment"],
            )
        except signoff.LinkRefused as refusal:
            return refused(request, refusal.reason)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_page(token, status=400, bound=(quote.pk, form))
        response = HttpResponseRedirect(
            f"{request.path}?done={form.cleaned_data['decision']}#sign-off-done"
        )
        response.status_code = 303  # See Other: the page is fetched again with GET
        return response

    def render_page(
        self,
        token: str,
        *,
        status: int = 200,
        done: str | None = None,
        problem: str | None = None,
        bound: tuple[int, QuoteDecisionForm] | None = None,
    ) -> HttpResponse:
        sign_off = selectors.sign_off_page(self.link)
        for quote in sign_off.page.quotes:
            if quote.sign_off.decidable:
                if bound is not None and bound[0] == quote.pk:
                    quote.sign_off.form = bound[1]
                else:
                    quote.sign_off.form = QuoteDecisionForm(prefix=f"quote-{quote.pk}")
        context = {
            "page": sign_off.page,
            "sign_off": sign_off,
            "link": self.link,
            "done": done,
            "problem": problem,
        }
        return render(self.request, "campaigns/sign_off.html", context, status=status)
