from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate
from django.utils.translation import gettext_lazy as _

# What a partner data officer may do with this app's models: their own areas' figures (the
# admin and the import restrict them to those, regions/permissions.py), and read the rest.
PARTNER_DATA_OFFICER_PERMISSIONS = [
    "view_statistic",
    "add_statistic",
    "change_statistic",
    "view_region",
    "view_metric",
    "view_importbatch",
    # Their own organisation's page only (the admin's queryset), with its campaign card.
    "view_organisation",
]


def grant_regions_roles(sender: AppConfig, **kwargs) -> None:
    """Give the staff roles their permissions on this app's models (after every migrate)."""
    from core.roles import CAMPAIGN_MANAGERS, PARTNER_DATA_OFFICERS, grant, grant_all

    grant_all(CAMPAIGN_MANAGERS, sender)
    grant(PARTNER_DATA_OFFICERS, sender.label, PARTNER_DATA_OFFICER_PERMISSIONS)


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Regions, partners and figures")

    def ready(self) -> None:
        from regions.imports.storage import delete_object_of

        post_migrate.connect(grant_regions_roles, sender=self)
        # Waiting import files on object storage go with their rows, however the rows go.
        post_delete.connect(delete_object_of, sender="regions.PendingImport")
