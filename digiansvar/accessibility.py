"""The accessibility statement (tillgänglighetsredogörelse) and the pages it vouches for.

The statement follows DIGG's model: status of compliance, the known
shortcomings each with the WCAG 2.1 success criteria it fails, where to
report a problem and within how long we answer, the enforcement body, how
we tested, and when the statement was published and last reviewed.
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
from django.views.decorators.http import require_GET

from organisation.models import ServiceAgreement

# When the statement was first published, and when it was last reviewed: the
# axe tests and the manual checks gone through and the statement brought up
# to date. Change REVIEWED whenever the statement changes.
PUBLISHED = datetime.date(2026, 11, 30)
REVIEWED = datetime.date(2026, 12, 4)

# The WCAG 2.1 success criteria the shortcomings name, with their Swedish
# names (W3C's authorised Swedish translation of WCAG 2.1).
CRITERIA = {
    "1.3.1": _("Information och relationer"),
    "1.4.10": _("Omflödning"),
    "4.1.2": _("Namn, roll, värde"),
}


@dataclass(frozen=True)
class Shortcoming:
    """Content that is not accessible, and the success criteria (keys of CRITERIA) it fails."""

    text: Promise
    criteria: tuple

    def criteria_names(self):
        return [f"{number} {CRITERIA[number]}" for number in self.criteria]


SHORTCOMINGS = [
    Shortcoming(
        _(
            "Rutnätet (ansvarsområden mot roller) är en bred tabell. På smala skärmar rullar "
            "den i sidled inom sin egen ruta; rubrikraden och ansvarsområdena står kvar när du "
            "rullar."
        ),
        ("1.4.10",),
    ),
    Shortcoming(
        _(
            "I administrationen har formulären för användare och grupper och sidorna för en "
            "enhets rättigheter Django admins väljare för rättigheter, vars hjälpikoner har "
            "en aria-etikett som inte är tillåten där. Användarformulärets fält för datum och "
            "tid (senaste inloggning, registrerad) saknar etiketter."
        ),
        ("1.3.1", "4.1.2"),
    ),
    Shortcoming(
        _(
            "I administrationen saknar raderna för personernas uppdrag på en enhets sida "
            "namn på sina vallistor och rutor för att ta bort."
        ),
        ("1.3.1", "4.1.2"),
    ),
]


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


def report_contacts(user):
    """[(name, e-mail)] to report a problem to: DIGIANSVAR_ACCESSIBILITY_CONTACT, or else
    the IT-enhet of each huvudman the user sees (restrict) whose service agreement gives an
    address; a visitor who is not signed in gets none of them, only the general advice."""
    if settings.DIGIANSVAR_ACCESSIBILITY_CONTACT:
        return [("", settings.DIGIANSVAR_ACCESSIBILITY_CONTACT)]
    return list(
        ServiceAgreement.objects.restrict(user)
        .exclude(it_unit_email="")
        .order_by("organisation__name")
        .values_list("it_unit_name", "it_unit_email")
    )


@login_not_required
@require_GET
def accessibility_statement(request):
    """Public: a statement must be readable without an account."""
    return render(
        request,
        "accessibility.html",
        {
            "covered_pages": COVERED_PAGES,
            "shortcomings": SHORTCOMINGS,
            "published": PUBLISHED,
            "reviewed": REVIEWED,
            "contacts": report_contacts(request.user),
            "response_days": settings.DIGIANSVAR_ACCESSIBILITY_RESPONSE_DAYS,
        },
    )
