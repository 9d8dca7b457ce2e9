"""Permission checks of the register, above the organisation's (organisation/permissions.py)."""

from django.db.models import Exists, OuterRef

from organisation.permissions import by_unit
from organisation.queries import people_editable_by as people_placed_only_at_editable_units
from organisation.queries import unit_scope
from registry.models import Assignment

# How assignments are owned, for every admin, inline, list and history page:
# by their unit; an organisation-wide one (no unit) naming a person belongs to
# that person's huvudman, one naming only a role to everyone (as on the
# blueprint page, registry.queries.assignments_at).
ASSIGNMENTS = by_unit(wide="person__organisation")


def can_edit_catalogue(user):
    """The shared catalogue (areas, columns, items, roles): verksamhetsutvecklare, administratör."""
    return user.has_perm("registry.change_item")


def people_editable_by(user):
    """People whose record a user may change: as organisation.queries.people_editable_by,
    and carrying no assignment outside the units the user may change either."""
    people = people_placed_only_at_editable_units(user)
    scope = unit_scope(user)
    if scope.all_editable:
        return people
    return people.exclude(
        Exists(Assignment.objects.filter(scope.outside_q(), person=OuterRef("pk")))
    )
