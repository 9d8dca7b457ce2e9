"""Pages about the support organisation: the list of huvudmän.

The pages that also show the blueprint or the coverage (a huvudman with its
coverage grid, a unit, "Vem frågar jag?", coverage) are in the app above this
one, which knows the blueprint.
"""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from organisation.models import Organisation


@require_GET
def organisation_list(request):
    organisations = list(Organisation.objects.restrict(request.user))
    if len(organisations) == 1:
        return redirect(organisations[0])
    return render(request, "organisation/organisation_list.html", {"organisations": organisations})
