"""The accessibility statement (tillgänglighetsredogörelse) and the pages it vouches for.

The statement follows DIGG's model: status of compliance, known gaps, how to
report a problem, the enforcement body and the date of the last review.
COVERED_PAGES is what the statement lists as checked; tests/browser/
test_accessibility.py runs axe on every one of them, so the statement stops
being true only by failing a test.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The last review: the date the axe tests and the manual checks were last gone
# through for this statement. Change it when the statement changes.
REVIEWED = datetime.date(2026, 11, 30)


@dataclass(frozen=True)
class CoveredPage:
    label: Promise
    url_name: str


COVERED_PAGES = [
    CoveredPage(_("Inloggningen"), "login"),
    CoveredPage(_("Tillgänglighetsredogörelsen"), "accessibility"),
    CoveredPage(_("Ansvarsfördelningen som affisch, med filter och sökning"), "registry:blueprint"),
    CoveredPage(_("Ansvarsfördelningen som rutnät"), "registry:blueprint_grid"),
    CoveredPage(_("Ett ansvarsområde"), "registry:item_detail"),
    CoveredPage(_("En persons ansvarsområden"), "registry:person_detail"),
    CoveredPage(_("En rolls ansvarsområden"), "registry:role_detail"),
    CoveredPage(_("Organisationen"), "organisation:organisation_list"),
    CoveredPage(_("En huvudman"), "registry:organisation_detail"),
    CoveredPage(_("En enhet"), "registry:unit_detail"),
    CoveredPage(_("Vem frågar jag?"), "registry:support_chain"),
    CoveredPage(_("Täckningsrapporten"), "registry:coverage"),
    CoveredPage(_("Administrationens startsida"), "admin:index"),
    CoveredPage(_("Administration: listan över ansvar"), "admin:registry_assignment_changelist"),
    CoveredPage(_("Administration: lägg till ansvar"), "admin:registry_assignment_add"),
    CoveredPage(_("Administration: ändra ett ansvar"), "admin:registry_assignment_change"),
    CoveredPage(_("Administration: ett ansvars historik"), "admin:registry_assignment_history"),
    CoveredPage(_("Administration: flytta ansvar"), "admin:registry_assignment_reassign"),
    CoveredPage(_("Administration: senaste ändringar"), "admin:registry_assignment_recent_changes"),
    CoveredPage(_("Administration: listan över ansvarsområden"), "admin:registry_item_changelist"),
    CoveredPage(_("Administration: ändra ett ansvarsområde"), "admin:registry_item_change"),
    CoveredPage(_("Administration: ett ansvarsområdes historik"), "admin:registry_item_history"),
    CoveredPage(_("Administration: importera kalkylark"), "admin:registry_item_blueprint_import"),
    CoveredPage(_("Administration: exportera kalkylark"), "admin:registry_item_blueprint_export"),
    CoveredPage(_("Administration: importera personer"), "admin:organisation_person_import"),
    CoveredPage(_("Administration: exportera personer"), "admin:organisation_person_export"),
    CoveredPage(_("Administration: importera roller"), "admin:registry_role_import"),
]


@login_not_required
def accessibility_statement(request):
    """Public: a statement must be readable without an account."""
    return render(
        request,
        "accessibility.html",
        {
            "covered_pages": COVERED_PAGES,
            "reviewed": REVIEWED,
            "contact": settings.DIGIANSVAR_ACCESSIBILITY_CONTACT,
        },
    )
