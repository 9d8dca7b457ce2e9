"""Permission checks of the register, above the organisation's (organisation/permissions.py).

Which rows a user may see or change is each model's `ownership`, asked through
`Model.objects.restrict(user, action)`; assignments are owned by their unit,
and an organisation-wide one (no unit) naming a person by that person's
huvudman, one naming only a role by everyone (as on the blueprint page,
registry.queries.assignments_at).
"""


def can_edit_catalogue(user):
    """The shared catalogue (areas, columns, items, roles): verksamhetsutvecklare, administratör."""
    return user.has_perm("registry.change_item")
