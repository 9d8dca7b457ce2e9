"""Reads about the organisation: which units a user may see or edit, who to ask first."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from guardian.shortcuts import get_objects_for_user

VIEW_UNIT = "organisation.view_unit"
MANAGE_UNIT = "organisation.manage_unit"


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Units whose blueprint the user may read.

        A model-level view_unit or manage_unit (superusers, administratörer,
        organisation-wide readers) shows every unit; otherwise only units
        granted one of them per object with django-guardian.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.has_perm(VIEW_UNIT) or user.has_perm(MANAGE_UNIT):
            return self
        return self & get_objects_for_user(
            user,
            [VIEW_UNIT, MANAGE_UNIT],
            klass=self.model,
            any_perm=True,
            accept_global_perms=False,
        )

    def editable_by(self, user):
        """Units whose assignments, people and positions the user may change."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.has_perm(MANAGE_UNIT):
            return self
        return self & get_objects_for_user(
            user, MANAGE_UNIT, klass=self.model, accept_global_perms=False
        )


def first_line_contacts(unit):
    """The unit's hanteringsansvarig and IT-handledare appointments, first line first."""
    from organisation.models import Appointment, Position

    return (
        Appointment.objects.filter(
            unit=unit,
            position__code__in=[Position.Code.FIRST_LINE_CONTACT, Position.Code.IT_MENTOR],
        )
        .select_related("person", "position")
        .order_by("-position__code", "person__initials")
    )


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

    kind is one of STEP_KINDS; missing is set when the unit has nobody in the
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
STEP_KINDS = [
    STEP_PEDAGOGUE,
    STEP_IT_MENTOR,
    STEP_FIRST_LINE,
    STEP_IT_UNIT,
    STEP_DEVELOPER,
    STEP_SUPPLIER,
]


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
    from organisation.models import ServiceAgreement

    agreement = ServiceAgreement.objects.filter(organisation_id=organisation_id).first()
    return agreement or ServiceAgreement(organisation_id=organisation_id)


def support_chain(*, unit, kind):
    """The ordered steps the decision prescribes for a problem of `kind` at `unit`.

    pedagog → the unit's IT-handledare (pedagogik) or hanteringsansvarig
    (teknik, system) → IT-enheten, a verksamhetsutvecklare with the matching
    focus, or the supplier through a verksamhetsutvecklare, as the huvudman's
    service agreement says. Two queries whatever the size of the organisation.
    """
    from organisation.models import Appointment, Position, ProblemKind, ServiceAgreement

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


@dataclass(frozen=True)
class Finding:
    """One gap in the coverage report, with where in admin it is fixed."""

    category: str
    unit: object  # a Unit, or None for the whole huvudman
    subject: str
    detail: str
    admin_url: str


@dataclass
class CoverageReport:
    """What the decision and the blueprint require but the data does not show, per category."""

    units: list
    max_assignments: int
    missing_positions: list = field(default_factory=list)
    items_without_responsible: list = field(default_factory=list)
    unfilled_roles: list = field(default_factory=list)
    overloaded_people: list = field(default_factory=list)
    single_person_items: list = field(default_factory=list)

    CATEGORIES = [
        "missing_positions",
        "items_without_responsible",
        "unfilled_roles",
        "overloaded_people",
        "single_person_items",
    ]

    @property
    def findings(self):
        return [finding for category in self.CATEGORIES for finding in getattr(self, category)]

    def __len__(self):
        return sum(len(getattr(self, category)) for category in self.CATEGORIES)


def coverage_report(*, units, max_assignments=None):
    """Gaps in the support organisation and the blueprint for `units` (a Unit queryset).

    Eight queries however many units, items and assignments there are: the
    counting is done in SQL (GROUP BY unit, item / unit, role / person) and
    the grouping into findings here, from plain tuples.

    - units without an IT-handledare or a hanteringsansvarig (the decision
      requires both at every unit);
    - items with no responsible (kind R) at a unit, neither its own nor
      organisation-wide;
    - roles used in a unit's assignments that no person holds there: no
      assignment at the unit names a person with the role, and nobody is
      appointed to the role's position at the unit (or organisation-wide for
      positions above unit level);
    - people with more than `max_assignments` assignments in these units;
    - items that rest on one single person with no deputy.
    """
    from django.conf import settings
    from django.db.models import Count, Max, Q
    from django.urls import reverse

    from organisation.models import Appointment, Position
    from registry.models import Assignment, Item, Role

    if max_assignments is None:
        max_assignments = getattr(settings, "DIGIANSVAR_COVERAGE_MAX_ASSIGNMENTS", 25)
    unit_list = list(units.order_by("name"))
    report = CoverageReport(units=unit_list, max_assignments=max_assignments)
    if not unit_list:
        return report
    units_by_id = {unit.pk: unit for unit in unit_list}
    organisation_ids = {unit.organisation_id for unit in unit_list}
    unit_ids = units.values("pk")
    # Organisation-wide assignments hold at every unit; one naming a person
    # only at that person's own huvudman (as on the blueprint page).
    in_scope = Q(unit__in=unit_ids) | Q(unit__isnull=True) & (
        Q(person__isnull=True) | Q(person__organisation_id__in=organisation_ids)
    )

    items = dict(Item.objects.values_list("pk", "name"))
    roles = {role.pk: role for role in Role.objects.all()}
    positions = {
        position.code: position
        for position in Position.objects.filter(
            code__in=[Position.Code.IT_MENTOR, Position.Code.FIRST_LINE_CONTACT]
        )
    }
    held_positions = defaultdict(set)  # unit id (None: organisation-wide) -> position ids
    for unit_id, position_id in Appointment.objects.filter(
        Q(unit__in=unit_ids) | Q(unit__isnull=True, person__organisation_id__in=organisation_ids)
    ).values_list("unit_id", "position_id"):
        held_positions[unit_id].add(position_id)

    appointment_add = reverse("admin:organisation_appointment_add")
    for unit in unit_list:
        for code in (Position.Code.IT_MENTOR, Position.Code.FIRST_LINE_CONTACT):
            position = positions.get(code)
            if position is None or position.pk in held_positions[unit.pk]:
                continue
            report.missing_positions.append(
                Finding(
                    category="missing_positions",
                    unit=unit,
                    subject=position.label,
                    detail=_("Ingen är utsedd; beslutet kräver en på varje enhet."),
                    admin_url=f"{appointment_add}?unit={unit.pk}&position={position.pk}",
                )
            )

    # One row per (unit, item) with responsible assignments.
    pairs = (
        Assignment.objects.filter(in_scope, kind=Assignment.Kind.RESPONSIBLE)
        .values("unit_id", "item_id")
        .annotate(
            people=Count("person_id", distinct=True),
            role_only=Count("pk", filter=Q(person__isnull=True)),
            deputies=Count("pk", filter=Q(priority=Assignment.Priority.DEPUTY)),
            initials=Max("person__initials"),
            name=Max("person__name"),
        )
        .order_by()
    )
    covered = defaultdict(set)
    assignment_add = reverse("admin:registry_assignment_add")
    single = []
    for row in pairs.values_list(
        "unit_id", "item_id", "people", "role_only", "deputies", "initials", "name"
    ):
        unit_id, item_id, people, role_only, deputies, initials, name = row
        covered[unit_id].add(item_id)
        if people == 1 and role_only == 0 and deputies == 0:
            single.append((unit_id, item_id, initials, name))
    everywhere = covered.pop(None, set())
    no_responsible = _("Ingen ansvarig på enheten.")
    for unit in unit_list:
        have = covered.get(unit.pk, set()) | everywhere
        for item_id, item_name in items.items():
            if item_id not in have:
                report.items_without_responsible.append(
                    Finding(
                        category="items_without_responsible",
                        unit=unit,
                        subject=item_name,
                        detail=no_responsible,
                        admin_url=f"{assignment_add}?item={item_id}&unit={unit.pk}",
                    )
                )
    rests_on = _("Vilar på %(person)s utan ersättare.")
    # In the units' order (organisation-wide first), then the poster's.
    unit_order = {unit.pk: position for position, unit in enumerate(unit_list, start=1)}
    item_order = {item_id: position for position, item_id in enumerate(items)}
    single.sort(key=lambda row: (unit_order.get(row[0], 0), item_order[row[1]]))
    for unit_id, item_id, initials, name in single:
        unit = units_by_id.get(unit_id)
        report.single_person_items.append(
            Finding(
                category="single_person_items",
                unit=unit,
                subject=items[item_id],
                detail=rests_on % {"person": f"{initials} ({name})" if name else initials},
                admin_url=(
                    f"{assignment_add}?item={item_id}&priority=deputy"
                    + (f"&unit={unit_id}" if unit_id else "")
                ),
            )
        )

    # Roles used at each unit, and whether an assignment there names a person with it.
    assignment_list = reverse("admin:registry_assignment_changelist")
    unfilled = _("Rollen används i ansvarsfördelningen men ingen person har den.")
    for unit_id, role_id, with_person in (
        Assignment.objects.filter(unit__in=unit_ids, role__isnull=False)
        .values("unit_id", "role_id")
        .annotate(with_person=Count("person_id"))
        .order_by()
        .values_list("unit_id", "role_id", "with_person")
    ):
        role = roles[role_id]
        if with_person or (
            role.position_id
            and (
                role.position_id in held_positions[unit_id]
                or role.position_id in held_positions[None]
            )
        ):
            continue
        report.unfilled_roles.append(
            Finding(
                category="unfilled_roles",
                unit=units_by_id[unit_id],
                subject=f"{role.code} – {role.label}",
                detail=unfilled,
                admin_url=(
                    f"{appointment_add}?unit={unit_id}&position={role.position_id}"
                    if role.position_id
                    else f"{assignment_list}?unit__id__exact={unit_id}&role__id__exact={role_id}"
                ),
            )
        )
    report.unfilled_roles.sort(key=lambda finding: (finding.unit.name, finding.subject))

    person_change = reverse("admin:organisation_person_change", args=[0])
    for person_id, initials, name, count in (
        Assignment.objects.filter(in_scope, person__isnull=False)
        .values("person_id", "person__initials", "person__name")
        .annotate(count=Count("pk"))
        .filter(count__gt=max_assignments)
        .order_by("-count", "person__initials")
        .values_list("person_id", "person__initials", "person__name", "count")
    ):
        report.overloaded_people.append(
            Finding(
                category="overloaded_people",
                unit=None,
                subject=f"{initials} ({name})" if name else initials,
                detail=_("%(count)s uppdrag i ansvarsfördelningen (gränsen är %(max)s).")
                % {"count": count, "max": max_assignments},
                admin_url=person_change.replace("/0/", f"/{person_id}/"),
            )
        )
    return report


@dataclass(frozen=True)
class UnitScope:
    """Where a user may read and write, computed once per request.

    `all_visible`/`all_editable` mean every unit and the organisation-wide
    rows (unit empty); otherwise the id sets list the granted units. Admin
    pages ask this for every row, so it must not query per row.
    """

    all_visible: bool
    all_editable: bool
    visible_ids: frozenset
    editable_ids: frozenset

    def can_view(self, unit_id):
        # Organisation-wide rows (no unit) are shared reading for everyone
        # who may see any unit.
        if self.all_visible:
            return True
        return unit_id in self.visible_ids if unit_id else bool(self.visible_ids)

    def can_edit(self, unit_id):
        # Only organisation-wide managers change organisation-wide rows.
        if self.all_editable:
            return True
        return bool(unit_id) and unit_id in self.editable_ids

    @property
    def edits_anything(self):
        return self.all_editable or bool(self.editable_ids)

    def visible_q(self, field="unit"):
        """A Q for rows whose `field` (a unit foreign key) the user may see."""
        if self.all_visible:
            return models.Q()
        return models.Q(**{f"{field}__isnull": True}) | models.Q(
            **{f"{field}__in": self.visible_ids}
        )

    def editable_q(self, field="unit"):
        """A Q for rows whose `field` (a unit foreign key) the user may change."""
        if self.all_editable:
            return models.Q()
        return models.Q(**{f"{field}__in": self.editable_ids})


_SCOPE_CACHE = "_digiansvar_unit_scope"


def unit_scope(user):
    """The UnitScope of a user, cached on the user object (one per request)."""
    cached = getattr(user, _SCOPE_CACHE, None)
    if cached is not None:
        return cached
    from organisation.models import Unit

    if not user.is_authenticated or not user.is_active:
        scope = UnitScope(False, False, frozenset(), frozenset())
    else:
        all_editable = user.is_superuser or user.has_perm(MANAGE_UNIT)
        all_visible = all_editable or user.has_perm(VIEW_UNIT)
        editable = (
            frozenset()
            if all_editable
            else frozenset(Unit.objects.editable_by(user).values_list("pk", flat=True))
        )
        visible = (
            frozenset()
            if all_visible
            else frozenset(Unit.objects.visible_to(user).values_list("pk", flat=True))
        )
        scope = UnitScope(all_visible, all_editable, visible, editable)
    setattr(user, _SCOPE_CACHE, scope)
    return scope


def people_visible_to(user):
    """People a user may see and pick: the staff of the huvudmän of their visible units.

    Picking a colleague for an assignment (an IT-strateg at huvudman level, a
    shared IT-pedagog) needs the whole staff list of the huvudman, so a rektor
    sees every person of their huvudman, but none of another huvudman.
    """
    from organisation.models import Person, Unit

    scope = unit_scope(user)
    if scope.all_visible:
        return Person.objects.all()
    organisations = Unit.objects.filter(pk__in=scope.visible_ids).values("organisation")
    return Person.objects.filter(organisation__in=organisations)


def people_editable_by(user):
    """People whose record a user may change or delete.

    A person belongs to the units where they hold positions or carry
    assignments. A rektor may edit people who work only at their units (or
    nowhere yet: someone they just added); a person who also works at another
    unit or organisation-wide is left to administrators.
    """
    from django.apps import apps

    from organisation.models import Appointment, Person, Unit

    scope = unit_scope(user)
    if scope.all_editable:
        return Person.objects.all()
    Assignment = apps.get_model("registry", "Assignment")
    outside = models.Q(unit__isnull=True) | ~models.Q(unit__in=scope.editable_ids)
    organisations = Unit.objects.filter(pk__in=scope.editable_ids).values("organisation")
    return (
        Person.objects.filter(organisation__in=organisations)
        .exclude(models.Exists(Appointment.objects.filter(outside, person=models.OuterRef("pk"))))
        .exclude(models.Exists(Assignment.objects.filter(outside, person=models.OuterRef("pk"))))
    )
