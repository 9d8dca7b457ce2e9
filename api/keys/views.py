"""API-nycklar: a user makes and revokes keys for themselves (their own rows only)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api.keys.forms import TokenForm
from api.keys.services import token_create, token_revoke
from api.models import ApiToken


@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request):
    """The user's keys; a POST makes one and shows it this once (never stored, never again)."""
    key = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, key = token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
            read_only=not form.cleaned_data["may_write"],
        )
        form = TokenForm()
    tokens = ApiToken.objects.restrict(request.user)
    return render(request, "api/token_list.html", {"form": form, "key": key, "tokens": tokens})


@require_POST
def token_revoke_view(request, token_id):
    token = get_object_or_404(ApiToken.objects.restrict(request.user, "change"), pk=token_id)
    token_revoke(token=token)
    messages.success(request, _("Nyckeln %(name)s är återkallad.") % {"name": token.name})
    return redirect("api_keys:token_list")
