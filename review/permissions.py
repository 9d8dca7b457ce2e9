"""Who may do what in a review round; views and admin call these, templates read the flags."""

from organisation.permissions import allows
from review.models import VIEW_REVIEW_STATUS


def can_open_round(user):
    return user.is_active and user.has_perm("review.add_reviewround")


def can_view_status(user):
    """Every unit's status, and sending reminders: the IT-strateg (and administratörer)."""
    return user.is_active and user.has_perm(VIEW_REVIEW_STATUS)


def can_decide_unit_review(user, review):
    """Sign off or return a unit's review: a rektor of that unit (who may edit its blueprint)."""
    return allows(user, "change", review)
