"""One app server of several: the site over HTTP on the port given, its page cache on, its
settings (database, cache, tasks) from the environment. Run by tests/servers/services.py."""

import os
import sys
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign_site.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

# The test settings turn the page cache off for the other tests: this process is a real one.
settings.PUBLIC_PAGE_CACHE_SECONDS = 600


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


server = make_server(
    "127.0.0.1", int(sys.argv[1]), get_wsgi_application(), handler_class=QuietHandler
)
server.serve_forever()
