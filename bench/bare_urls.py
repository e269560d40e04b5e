"""One view returning the body the HTTP benchmark gives it (the demo campaign page's own HTML,
so that compressing it costs what compressing the page costs), read once at start."""

import os
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.urls import path

BODY = Path(os.environ["BENCH_BARE_BODY"]).read_bytes()


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path("", bare)]
