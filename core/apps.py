from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared, non-domain pieces: model bases, constraint messages, pictures, text helpers, admin
    mixins, staff roles and the user admin. It imports no domain app."""

    name = "core"
    verbose_name = _("Staff and shared settings")
