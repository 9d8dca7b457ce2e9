"""The support chain ("Vem frågar jag?"): whom a pedagog at a unit turns to, step by step.

It sits above both apps: the people come from the organisation (appointments,
the huvudman's service agreement), their pages from the register.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _

from organisation.models import Appointment, Position, ProblemKind, ServiceAgreement


@dataclass(frozen=True)
class Contact:
    """Someone to turn to: a person (with a link to their page) or an office such as IT-enheten."""

    name: str
    email: str = ""
    phone: str = ""
    initials: str = ""
    url: str = ""
    focus: str = ""


@dataclass(frozen=True)
class SupportStep:
    """One step of the support chain ("Vem frågar jag?").

    kind is one of the STEP_ names below; missing is set when the unit has nobody in the
    position the decision requires, and people then holds who to ask instead
    (the rektor, who must appoint one, or the verksamhetsutvecklarnas chef).
    """

    kind: str
    label: str
    description: str
    people: list = field(default_factory=list)
    missing: bool = False


STEP_PEDAGOGUE = "pedagog"
STEP_IT_MENTOR = "it-handledare"
STEP_FIRST_LINE = "hanteringsansvarig"
STEP_IT_UNIT = "it-enheten"
STEP_DEVELOPER = "verksamhetsutvecklare"
STEP_SUPPLIER = "leverantor"


def _person_contact(appointment):
    person = appointment.person
    return Contact(
        name=person.display_name,
        email=person.email,
        phone=person.phone,
        initials=person.initials,
        url=person.get_absolute_url(),
        focus=appointment.get_focus_display() if appointment.focus else "",
    )


def service_agreement_for(organisation_id):
    """The huvudman's service agreement, or an unsaved one with the default split."""
    agreement = ServiceAgreement.objects.filter(organisation_id=organisation_id).first()
    return agreement or ServiceAgreement(organisation_id=organisation_id)


def support_chain(*, unit, kind):
    """The ordered steps the decision prescribes for a problem of `kind` at `unit`.

    pedagog → the unit's IT-handledare (pedagogik) or hanteringsansvarig
    (teknik, system) → IT-enheten, a verksamhetsutvecklare with the matching
    focus, or the supplier through a verksamhetsutvecklare, as the huvudman's
    service agreement says. Two queries whatever the size of the organisation.
    """
    kind = ProblemKind(kind)
    focus_name = Appointment.Focus(kind.value).label.lower()
    agreement = service_agreement_for(unit.organisation_id)
    Code = Position.Code
    appointments = list(
        Appointment.objects.filter(
            models.Q(
                unit=unit,
                position__code__in=[Code.PRINCIPAL, Code.IT_MENTOR, Code.FIRST_LINE_CONTACT],
            )
            | models.Q(
                unit__isnull=True,
                person__organisation_id=unit.organisation_id,
                position__code__in=[Code.DEVELOPER, Code.DEVELOPER_MANAGER],
            )
        )
        .select_related("person", "position")
        .order_by("person__initials")
    )

    def holders(code, focus=None):
        return [
            _person_contact(a)
            for a in appointments
            if a.position.code == code and (focus is None or a.focus == focus)
        ]

    steps = [
        SupportStep(
            kind=STEP_PEDAGOGUE,
            label=_("Pedagog"),
            description=_("Du som pedagog försöker först själv, eller med en kollega."),
        )
    ]
    if kind == ProblemKind.PEDAGOGY:
        step_kind, code, label = STEP_IT_MENTOR, Code.IT_MENTOR, _("IT-handledare")
        description = _("Enhetens stöd i pedagogiska frågor om digitala verktyg.")
        missing_description = _(
            "Enheten har ingen IT-handledare. Rektor ansvarar för att en utses; fråga rektor."
        )
    else:
        step_kind, code, label = STEP_FIRST_LINE, Code.FIRST_LINE_CONTACT, _("Hanteringsansvarig")
        description = _("Enhetens första linje för tekniska problem.")
        missing_description = _(
            "Enheten har ingen hanteringsansvarig. Rektor ansvarar för att en utses; fråga rektor."
        )
    people = holders(code)
    missing = not people
    if missing:
        description = missing_description
        people = holders(Code.PRINCIPAL)
    steps.append(
        SupportStep(
            kind=step_kind, label=label, description=description, people=people, missing=missing
        )
    )

    handler = agreement.handler_for(kind)
    if handler == ServiceAgreement.Handler.IT_UNIT:
        steps.append(
            _contact_step(
                kind=STEP_IT_UNIT,
                name=agreement.it_unit_name or str(_("IT-enheten")),
                email=agreement.it_unit_email,
                phone=agreement.it_unit_phone,
                description=_("När problemet inte kan lösas på enheten, enligt serviceavtalet."),
            )
        )
        return steps

    developers = holders(Code.DEVELOPER, focus=kind.value)
    developer_missing = not developers
    if handler == ServiceAgreement.Handler.SUPPLIER:
        description = _("Har kontakten med leverantören, som ansvarar för supporten.")
    else:
        description = _("När problemet inte kan lösas på enheten, enligt serviceavtalet.")
    if developer_missing:
        description = _(
            "Ingen verksamhetsutvecklare har inriktningen %(focus)s; vänd dig till gruppens chef."
        ) % {"focus": focus_name}
        developers = holders(Code.DEVELOPER_MANAGER)
    steps.append(
        SupportStep(
            kind=STEP_DEVELOPER,
            label=_("Verksamhetsutvecklare med inriktning %(focus)s") % {"focus": focus_name},
            description=description,
            people=developers,
            missing=developer_missing,
        )
    )
    if handler == ServiceAgreement.Handler.SUPPLIER:
        steps.append(
            _contact_step(
                kind=STEP_SUPPLIER,
                name=agreement.supplier_name or str(_("Leverantören")),
                email=agreement.supplier_email,
                phone=agreement.supplier_phone,
                description=_("Ansvarar för supporten enligt serviceavtalet."),
            )
        )
    return steps


def _contact_step(*, kind, name, email, phone, description):
    """A step that is an organisation, not a person: IT-enheten or the supplier."""
    return SupportStep(
        kind=kind,
        label=name,
        description=description,
        people=[Contact(name=name, email=email, phone=phone)],
    )
