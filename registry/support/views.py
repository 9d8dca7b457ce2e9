"""The "Vem frågar jag?" page."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from organisation.models import ProblemKind
from registry.support.chain import support_chain as build_support_chain
from registry.support.forms import SupportChainForm
from registry.unit_picker import visible_units


@require_GET
def support_chain(request):
    """ "Vem frågar jag?": the decision's chain for a unit and a kind of problem."""
    # The units read once; beyond UNIT_LIST_LIMIT the unit search instead of a list.
    units = visible_units(request)
    slug = request.GET.get("unit")
    if slug and units.get(slug) is None:
        # A unit the user may not see answers as if it did not exist.
        raise Http404(gettext("Enheten finns inte."))
    if "kind" in request.GET:
        form = SupportChainForm(request.GET, units=units)
    else:
        # No question yet (or only a unit, from the unit search's links).
        form = SupportChainForm(units=units, initial={"unit": slug} if slug else None)
    steps = None
    if form.is_bound and form.is_valid():
        steps = build_support_chain(unit=form.cleaned_data["unit"], kind=form.cleaned_data["kind"])
    context = {"form": form, "steps": steps, "next": "registry:support_chain"}
    if form.many:
        context["shown_unit"] = units.get(slug) if slug else form.shown_unit()
    if steps is not None:
        context["unit"] = form.cleaned_data["unit"]
        context["kind_title"] = ProblemKind(form.cleaned_data["kind"]).problem_title
    return render(request, "registry/support_chain.html", context)
