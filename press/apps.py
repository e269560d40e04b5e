from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def grant_press_roles(sender: AppConfig, **kwargs) -> None:
    """Campaign managers, and only they, keep the press contacts and send statements to them
    (after every migrate): partner data officers are given nothing here."""
    from core.roles import CAMPAIGN_MANAGERS, grant_all

    grant_all(CAMPAIGN_MANAGERS, sender)


class PressConfig(AppConfig):
    name = "press"
    verbose_name = _("Press distribution")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from campaigns.demo import register_demo_part
        from press import corrections
        from press.demo import press_demo_load

        post_migrate.connect(grant_press_roles, sender=self)
        corrections.connect()
        register_demo_part(press_demo_load)
