from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Regions, partners and figures")

    def ready(self) -> None:
        from regions.roles import grant_regions_roles

        post_migrate.connect(grant_regions_roles, sender=self)
