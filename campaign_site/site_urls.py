"""Public pages about the site itself, served through the page cache like every public page."""

from django.urls import path

from campaign_site import views
from campaigns.public import public

urlpatterns = [
    path("accessibility/", public(views.AccessibilityView.as_view()), name="accessibility"),
    path("privacy/", public(views.PrivacyView.as_view()), name="privacy"),
]
