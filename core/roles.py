"""The two staff roles, kept as groups whose permissions are (re)granted after every migrate.

Each app grants the permissions on its own models from its AppConfig (a post_migrate handler),
so no app needs to know another's models.
"""

from collections.abc import Iterable

from django.apps import AppConfig

CAMPAIGN_MANAGERS = "Campaign managers"
PARTNER_DATA_OFFICERS = "Partner data officers"

ALL_ACTIONS = ("add", "change", "delete", "view")


def grant(group_name: str, app_label: str, codenames: Iterable[str]) -> None:
    """Make sure the group exists and holds these permissions of one app (adds, never removes)."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=group_name)
    permissions = Permission.objects.filter(
        content_type__app_label=app_label, codename__in=list(codenames)
    )
    group.permissions.add(*permissions)


def grant_all(group_name: str, app_config: AppConfig) -> None:
    """Grant every permission on every model of an app."""
    codenames = [
        f"{action}_{model._meta.model_name}"
        for model in app_config.get_models()
        for action in ALL_ACTIONS
    ]
    grant(group_name, app_config.label, codenames)


def may_view(user, model) -> bool:
    """Whether the user may view a model's records in the admin: as Django's admin counts it,
    the change permission lets them view too."""
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    )
