from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def grant_campaigns_roles(sender: AppConfig, **kwargs) -> None:
    from regions.roles import CAMPAIGN_MANAGERS, grant_all

    grant_all(CAMPAIGN_MANAGERS, sender)


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns and statements")

    def ready(self) -> None:
        post_migrate.connect(grant_campaigns_roles, sender=self)
