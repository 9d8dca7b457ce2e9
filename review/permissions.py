"""Who may do what in a review round; views and admin call these, templates read the flags."""

from organisation.permissions import can_view_unit
from organisation.queries import unit_scope
from review.models import VIEW_REVIEW_STATUS


def can_open_round(user):
    return user.is_active and user.has_perm("review.add_reviewround")


def can_view_status(user):
    """Every unit's status, and sending reminders: the IT-strateg (and administratörer)."""
    return user.is_active and user.has_perm(VIEW_REVIEW_STATUS)


def can_view_unit_review(user, unit):
    return can_view_unit(user, unit) or can_view_status(user)


def can_decide_unit_review(user, unit):
    """Sign off or return a unit's review: a rektor of that unit (who may edit its blueprint)."""
    return (
        user.is_active
        and user.has_perm("review.change_unitreview")
        and unit_scope(user).can_edit(unit.pk)
    )
