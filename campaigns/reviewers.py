"""Who may review an item, written once.

Two rules. The review permission of the item's kind (`campaigns.review_campaign`,
`campaigns.review_pressstatement`), held directly, through a group or as a superuser, lets a
user approve items of that kind or send them back. And a second pair of eyes: whoever submitted
an item or last changed its text cannot approve it. The admin home's "Awaiting your review", the
email asking for a review (campaigns/notifications.py) and the approval itself
(campaigns/workflow.py) all ask here, so they never disagree about who can act.
"""

from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet


def review_permission(model: type[Model]) -> str:
    """'campaigns.review_campaign' for Campaign, and so on for each kind of item."""
    return f"{model._meta.app_label}.review_{model._meta.model_name}"


def may_review(user, model: type[Model]) -> bool:
    """Whether the user may review items of this kind (whoever made them)."""
    return user.is_active and user.has_perm(review_permission(model))


def not_made_by_q(user) -> Q:
    """Items the user neither submitted nor last changed: those the second pair of eyes lets
    them approve."""
    return ~Q(submitted_by=user) & ~Q(edited_by=user)


def may_approve(user, item) -> bool:
    """Whether the user may approve this item: they may review its kind, and did not submit it
    or last change its text."""
    return may_review(user, type(item)) and user.pk not in (item.submitted_by_id, item.edited_by_id)


def reviewers(item) -> QuerySet:
    """The active staff who may approve this item."""
    makers = [pk for pk in (item.submitted_by_id, item.edited_by_id) if pk is not None]
    return (
        get_user_model()
        .objects.with_perm(
            review_permission(type(item)),
            is_active=True,
            include_superusers=True,
            # Permissions come from Django's own backend; the other (django-axes) only refuses
            # locked-out sign-ins.
            backend="django.contrib.auth.backends.ModelBackend",
        )
        .filter(is_staff=True)
        .exclude(pk__in=makers)
    )
