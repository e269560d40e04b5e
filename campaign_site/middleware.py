"""Headers every response carries, whatever answers the request."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# The browser features no page of this site uses, the admin included, denied to the site itself
# and to anything it might ever embed: a page that asks for none cannot be made to ask for one.
# Only features Chromium knows (an unknown one is reported in its console on every page).
DENIED_FEATURES = [
    "accelerometer",
    "autoplay",
    "bluetooth",
    "browsing-topics",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


def permissions_policy(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Add a Permissions-Policy header denying every feature in DENIED_FEATURES (Django has no
    setting for it)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return middleware
