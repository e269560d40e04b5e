from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

# Saving or deleting anything of these apps may change what a public page shows.
CONTENT_APPS = {"campaigns", "regions"}


def content_changed(sender, **kwargs) -> None:
    from campaigns.page_cache import bump_content_version

    if sender._meta.app_label in CONTENT_APPS and sender._meta.model_name != "siteversion":
        bump_content_version()


def grant_campaigns_roles(sender: AppConfig, **kwargs) -> None:
    from regions.roles import CAMPAIGN_MANAGERS, grant_all

    grant_all(CAMPAIGN_MANAGERS, sender)


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns and statements")

    def ready(self) -> None:
        post_migrate.connect(grant_campaigns_roles, sender=self)
        # Every model (an import's bulk writes are recorded by saving its ImportBatch), and the
        # many-to-many links (regions covered, groupings), whose changes send m2m_changed.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(content_changed, dispatch_uid=f"page-cache-{signal!r}")
