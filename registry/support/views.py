"""The "Vem frågar jag?" page."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from organisation.models import ProblemKind
from registry.support.chain import support_chain as build_support_chain
from registry.support.forms import SupportChainForm


@require_GET
def support_chain(request):
    """ "Vem frågar jag?": the decision's chain for a unit and a kind of problem."""
    bound = "unit" in request.GET or "kind" in request.GET
    form = SupportChainForm(request.GET if bound else None, user=request.user)
    steps = None
    if bound and "unit" in form.errors and request.GET.get("unit"):
        # A unit the user may not see answers as if it did not exist.
        raise Http404(gettext("Enheten finns inte."))
    if bound and form.is_valid():
        steps = build_support_chain(unit=form.cleaned_data["unit"], kind=form.cleaned_data["kind"])
    context = {"form": form, "steps": steps}
    if steps is not None:
        context["unit"] = form.cleaned_data["unit"]
        context["kind_title"] = ProblemKind(form.cleaned_data["kind"]).problem_title
    return render(request, "registry/support_chain.html", context)
