"""Who sees which regions' figures: enforced in querysets, never only in the interface."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from core.roles import CAMPAIGN_MANAGERS
from regions.models import Organisation, PartnerMembership, Region
from regions.selectors import regions_covered_by


def sees_all_regions(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Superusers and campaign managers work across every region."""
    if not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=CAMPAIGN_MANAGERS).exists()


def organisation_of(user: AbstractBaseUser | AnonymousUser) -> Organisation | None:
    """The partner a user works for, or None."""
    if not user.is_authenticated:
        return None
    try:
        return PartnerMembership.objects.select_related("organisation").get(user=user).organisation
    except PartnerMembership.DoesNotExist:
        return None


def regions_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Region]:
    """The regions whose figures a user may see and change."""
    if sees_all_regions(user):
        return Region.objects.all()
    organisation = organisation_of(user)
    if organisation is None:
        return Region.objects.none()
    return regions_covered_by(organisation)
