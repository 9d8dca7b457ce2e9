"""The support chain ("Vem frågar jag?"): whom a pedagog at a unit turns to, step by step.

It sits above both apps. The first line comes from the register, the same
data as the blueprint: the responsible at the unit for the items marked as
local support for the kind of problem (Item.support_kind, "Lokalt stöd
för"), a role-only entry through who holds the role there
(queries.role_holders). Beside them stand the people appointed to the
decision's position (hanteringsansvarig, IT-handledare) at the unit; when
both name people and no one is in both, the step shows both and says they
disagree (the coverage report lists the same). After the unit the chain
follows the huvudman's service agreement. The "Vem frågar jag?" page, the
search answer and the blueprint's answer box all show this one chain.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from organisation.models import Appointment, Position, ProblemKind, ServiceAgreement
from registry.data_version import cache_key
from registry.models import Assignment, Role
from registry.queries import assignments_at, role_holders


@dataclass(frozen=True)
class Contact:
    """Someone to turn to: a person (with a link to their page) or an office such as IT-enheten."""

    name: str
    email: str = ""
    phone: str = ""
    initials: str = ""
    url: str = ""
    focus: str = ""
    deputy: bool = False


@dataclass(frozen=True)
class SupportStep:
    """One step of the support chain ("Vem frågar jag?").

    kind is one of the STEP_ names below; missing is set when the unit has nobody in the
    position the decision requires, and people then holds who to ask instead
    (the rektor, who must appoint one, or the verksamhetsutvecklarnas chef;
    with no chef either, the rektor, or nobody when the supplier is the next
    step), and the description says that nobody is named.
    The first-line step also keeps where its people come from: `register`
    (the responsible for the support items named in `sources`) and
    `appointed` (appointments to the position at the unit); `disagree` when
    both name people and no one is in both.
    """

    kind: str
    label: str
    description: str
    people: list = field(default_factory=list)
    missing: bool = False
    register: list = field(default_factory=list)
    appointed: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    disagree: bool = False


STEP_PEDAGOGUE = "pedagog"
STEP_IT_MENTOR = "it-handledare"
STEP_FIRST_LINE = "hanteringsansvarig"
STEP_IT_UNIT = "it-enheten"
STEP_DEVELOPER = "verksamhetsutvecklare"
STEP_SUPPLIER = "leverantor"


def _person_contact(person, *, focus="", deputy=False):
    return Contact(
        name=person.display_name,
        email=person.email,
        phone=person.phone,
        initials=person.initials,
        url=person.get_absolute_url(),
        focus=focus,
        deputy=deputy,
    )


def first_line_from_register(*, unit, kind):
    """Who the register names as local support for `kind` at `unit`: [(person, item, deputy), …].

    The responsible (kind R) at the unit or organisation-wide for the items
    whose support_kind is `kind`, in poster order, ordinary before deputies;
    a role-only entry of an individual role stands for the people who hold
    the role at the unit; collective and relative roles name nobody. Each
    person once. One query, two more when a role-only entry needs its holders.
    """
    assignments = list(
        assignments_at([unit])
        .filter(item__support_kind=kind, kind=Assignment.Kind.RESPONSIBLE)
        .select_related("item", "person", "role")
        .order_by("item__column__area__order", "item__column__order", "item__order", "order", "pk")
    )
    primary = Assignment.Priority.PRIMARY
    assignments.sort(key=lambda a: a.priority != primary)  # stable: ordinary first
    roles = {
        a.role.pk: a.role
        for a in assignments
        if a.person is None and a.role.kind == Role.Kind.INDIVIDUAL
    }
    holders = role_holders(units=[unit], roles=list(roles.values())) if roles else {}
    named, seen = [], set()
    for assignment in assignments:
        if assignment.person is not None:
            people = [assignment.person]
        else:
            people = holders.get((unit.pk, assignment.role_id), [])
        for person in people:
            if person.pk not in seen:
                seen.add(person.pk)
                named.append((person, assignment.item, assignment.priority != primary))
    return named


def service_agreement_for(organisation_id):
    """The huvudman's service agreement, or an unsaved one with the default split."""
    agreement = ServiceAgreement.objects.filter(organisation_id=organisation_id).first()
    return agreement or ServiceAgreement(organisation_id=organisation_id)


def support_chain(*, unit, kind, agreement=None):
    """The ordered steps the decision prescribes for a problem of `kind` at `unit`.

    pedagog → the unit's first line: the register's local support for the
    kind, and the unit's IT-handledare (pedagogik) or hanteringsansvarig
    (teknik, system) → IT-enheten, a verksamhetsutvecklare with the matching
    focus, or the supplier through a verksamhetsutvecklare, as the huvudman's
    service agreement says (`agreement`, read when not given). Three queries
    whatever the size of the organisation, five when a support item names a
    role without a person.
    """
    kind = ProblemKind(kind)
    if agreement is None:
        agreement = service_agreement_for(unit.organisation_id)
    appointments = _appointments_for_chain(unit)
    steps = [
        SupportStep(
            kind=STEP_PEDAGOGUE,
            label=_("Pedagog"),
            description=_("Du som pedagog försöker först själv, eller med en kollega."),
        ),
        _first_line_step(unit, kind, appointments),
    ]
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
    steps.append(_developer_step(kind, handler, appointments))
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


def _appointments_for_chain(unit):
    """The appointments a chain may name, in one query: the unit's rektor, IT-handledare and
    hanteringsansvarig, and the huvudman's verksamhetsutvecklare and their chef."""
    Code = Position.Code
    return list(
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


def _holders(appointments, code, focus=None):
    """Contacts for the people appointed to position `code` (with this focus, if given)."""
    return [
        _person_contact(a.person, focus=a.get_focus_display() if a.focus else "")
        for a in appointments
        if a.position.code == code and (focus is None or a.focus == focus)
    ]


def _first_line_step(unit, kind, appointments):
    """The unit's first line: the register's local support beside the people appointed
    (IT-handledare for pedagogik, hanteringsansvarig otherwise); rektor when there is neither."""
    Code = Position.Code
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
    named = first_line_from_register(unit=unit, kind=kind.value)
    register = [_person_contact(person, deputy=deputy) for person, _item, deputy in named]
    sources = list(dict.fromkeys(item.name for _person, item, _deputy in named))
    appointed = _holders(appointments, code)
    disagree = bool(register and appointed) and not (
        {c.url for c in register} & {c.url for c in appointed}
    )
    people = register + [c for c in appointed if c.url not in {r.url for r in register}]
    missing = not people
    if missing:
        description = missing_description
        people = _holders(appointments, Code.PRINCIPAL)
    return SupportStep(
        kind=step_kind,
        label=label,
        description=description,
        people=people,
        missing=missing,
        register=register,
        appointed=appointed,
        sources=sources,
        disagree=disagree,
    )


def _developer_step(kind, handler, appointments):
    """A verksamhetsutvecklare with the problem's focus, or who stands in for one."""
    focus_name = Appointment.Focus(kind.value).label.lower()
    developers = _holders(appointments, Position.Code.DEVELOPER, focus=kind.value)
    missing = not developers
    if missing:
        developers, description = _developer_stand_in(handler, focus_name, appointments)
    elif handler == ServiceAgreement.Handler.SUPPLIER:
        description = _("Har kontakten med leverantören, som ansvarar för supporten.")
    else:
        description = _("När problemet inte kan lösas på enheten, enligt serviceavtalet.")
    return SupportStep(
        kind=STEP_DEVELOPER,
        label=_("Verksamhetsutvecklare med inriktning %(focus)s") % {"focus": focus_name},
        description=description,
        people=developers,
        missing=missing,
    )


def _developer_stand_in(handler, focus_name, appointments):
    """(people, description) when no verksamhetsutvecklare has the focus: their chef; without
    one, the supplier directly (the next step) or the rektor, who takes it to the huvudman."""
    managers = _holders(appointments, Position.Code.DEVELOPER_MANAGER)
    if managers:
        return managers, _(
            "Ingen verksamhetsutvecklare har inriktningen %(focus)s; vänd dig till gruppens chef."
        ) % {"focus": focus_name}
    if handler == ServiceAgreement.Handler.SUPPLIER:
        return [], _(
            "Ingen verksamhetsutvecklare har inriktningen %(focus)s och ingen chef för "
            "verksamhetsutvecklarna är utsedd. Kontakta leverantören direkt (nästa steg)."
        ) % {"focus": focus_name}
    return _holders(appointments, Position.Code.PRINCIPAL), _(
        "Ingen verksamhetsutvecklare har inriktningen %(focus)s och ingen chef för "
        "verksamhetsutvecklarna är utsedd. Fråga rektor, som tar frågan vidare till "
        "huvudmannen."
    ) % {"focus": focus_name}


def _contact_step(*, kind, name, email, phone, description):
    """A step that is an organisation, not a person: IT-enheten or the supplier."""
    return SupportStep(
        kind=kind,
        label=name,
        description=description,
        people=[Contact(name=name, email=email, phone=phone)],
    )


def support_chains(unit, kinds, version):
    """[(problem title, steps), …] of registry.support for `kinds` at `unit`, each chain cached.

    Keyed by the data version and the huvudman's service agreement, read on
    every call (one query): the agreement keeps no history, so the data
    version does not see it change.
    """
    if not kinds:
        return []
    agreement = service_agreement_for(unit.organisation_id)
    terms = [getattr(agreement, f.attname) for f in ServiceAgreement._meta.concrete_fields]
    keys = {
        kind: cache_key("support-chain", unit.pk, unit.slug, kind, terms, get_language(), version)
        for kind in kinds
    }
    found = cache.get_many(list(keys.values()))
    chains = []
    for kind in kinds:
        steps = found.get(keys[kind])
        if steps is None:
            steps = support_chain(unit=unit, kind=kind, agreement=agreement)
            cache.set(keys[kind], steps, settings.DIGIANSVAR_PAGE_CACHE_SECONDS)
        chains.append((ProblemKind(kind).problem_title, steps))
    return chains
