from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def content_changed(sender, **kwargs) -> None:
    """A save, delete or many-to-many change: mark cached public pages stale when it can change
    what they show (campaigns/page_cache.py says which)."""
    from campaigns.page_cache import bump_content_version, public_content_changed

    label = public_content_changed(sender, **kwargs)
    if label is not None:
        bump_content_version(label)


def grant_campaigns_roles(sender: AppConfig, **kwargs) -> None:
    """Campaign managers may do everything with this app's models, reviewing and publishing
    included (after every migrate); the second pair of eyes is a rule of review itself
    (campaigns/workflow.py), not a permission."""
    from core.roles import CAMPAIGN_MANAGERS, grant, grant_all

    grant_all(CAMPAIGN_MANAGERS, sender)
    grant(
        CAMPAIGN_MANAGERS,
        sender.label,
        [
            f"{action}_{model}"
            for action in ("review", "publish")
            for model in ("campaign", "pressstatement")
        ],
    )


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns and statements")

    def ready(self) -> None:
        post_migrate.connect(grant_campaigns_roles, sender=self)
        # Every model's signals go to one receiver, which picks those public pages show; an
        # import's bulk writes are recorded by saving its ImportBatch, and many-to-many links
        # (regions covered, groupings) send m2m_changed.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(content_changed, dispatch_uid=f"page-cache-{signal!r}")
