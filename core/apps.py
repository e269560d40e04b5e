from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# What campaign managers may do about colleagues' sign-in: see and clear lockouts (unlock), and
# see and remove a two-factor device (so that someone who lost their phone sets it up again).
SIGN_IN_PERMISSIONS = {
    "axes": ["view_accessattempt", "delete_accessattempt"],
    "otp_totp": ["view_totpdevice", "delete_totpdevice"],
    "otp_static": ["view_staticdevice", "delete_staticdevice"],
}


def grant_sign_in_roles(sender: AppConfig, **kwargs) -> None:
    from core.roles import CAMPAIGN_MANAGERS, grant

    for app_label, codenames in SIGN_IN_PERMISSIONS.items():
        grant(CAMPAIGN_MANAGERS, app_label, codenames)


class CoreConfig(AppConfig):
    """Shared, non-domain pieces: model bases, constraint messages, pictures, text helpers, admin
    mixins, staff roles, staff sign-in (two factors, lockouts) and the user admin. It imports no
    domain app."""

    name = "core"
    verbose_name = _("Staff and shared settings")

    def ready(self) -> None:
        # The sign-in apps come before core in INSTALLED_APPS, so their permissions exist by now.
        post_migrate.connect(grant_sign_in_roles, sender=self)

        from django.apps import apps
        from django.conf import settings
        from django.db.models.signals import post_delete
        from PIL import Image

        from core.renditions import PictureModel, delete_renditions_of_deleted_row

        # Pillow warns about a picture over this many pixels and refuses one over twice it (a
        # small file that unpacks to a huge picture could exhaust the memory): the site's own
        # limit, which the upload form enforces with a plain message (core/images.py).
        Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS
        for model in apps.get_models():
            if issubclass(model, PictureModel):
                post_delete.connect(delete_renditions_of_deleted_row, sender=model)
