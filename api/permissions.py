"""Who may do what through the API: the site's rules, asked the site's way.

Reading needs a signed-in user (the rows come through restrict). Writing
needs a key that may write, the model permission of the user's groups, and
for each row `allows(user, action, row)`: a row the user sees but may not
change answers 403, a row the user does not see 404 (restrict found none).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from organisation.permissions import allows, has_model_permission

WRITE_ACTIONS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


def can_write(request):
    """False for a key made to read only."""
    return not getattr(request.auth, "read_only", False)


class ScopedPermission(BasePermission):
    message = _("Du har inte behörighet att göra det.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method in SAFE_METHODS:
            return True
        if not can_write(request):
            self.message = _("Nyckeln får bara läsa.")
            return False
        model = getattr(view, "write_model", None)
        if model is None:
            return True  # a read-only endpoint: the method answers 405
        action = getattr(view, "write_action", None) or WRITE_ACTIONS.get(request.method, "change")
        return has_model_permission(user, model, action)

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            action = "view"
        else:
            action = "delete" if request.method == "DELETE" else "change"
        return allows(request.user, action, obj)
