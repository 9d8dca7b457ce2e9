"""Demo data: a synthetic huvudman with units, people and the seed blueprint per unit."""

import random
import time

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from organisation.models import (
    Appointment,
    ITCouncil,
    ITCouncilMembership,
    Organisation,
    Person,
    Position,
    ServiceAgreement,
    Unit,
)
from registry.models import Assignment, CoverageLoad, Role
from registry.seed.load import seed_load

DEMO_SLUG = "demokommunen"
DEMO_NAME = "Demokommunen"
TEMPLATE_UNIT = "arstaviken"

FIRST_NAMES = (
    "Anna Anders Astrid Axel Birgitta Björn Cecilia Carl Dalia Daniel Ebba Erik Fatima Filip "
    "Greta Gustav Hanna Hassan Ida Isak Johanna Jonas Karin Karl Lena Lars Maja Mohammed Nora "
    "Nils Olivia Oskar Petra Per Ronja Rasmus Sara Sven Tove Tobias Ulla Viktor Wilma Yusuf"
).split()
LAST_NAMES = (
    "Andersson Berg Carlsson Dahl Ek Forsberg Gustafsson Holm Isaksson Johansson Karlsson "
    "Lindqvist Lund Magnusson Nilsson Nyström Olsson Persson Quist Sandberg Svensson Strand "
    "Söderberg Törnqvist Viklund Wallin Åberg Öberg"
).split()
PLACE_WORDS = (
    "Björk Ek Lind Sol Älv Berg Sjö Ängs Skogs Rosen Lärk Svan Hag Tall Gran Ljung Vass Strand "
    "Klöver Hassel Rönn Lönn Ask Sälg Vide Mo Ås Dal Näs Holm"
).split()

# The seed's people at Årstaviken stand for slots that every demo unit fills
# with its own person; the role each slot holds on the poster.
SEED_SLOTS = {
    "A.W": "ITS",
    "R.A": "ITP",
    "J.S": "SEK",
    "V.G": "ADM",
    "E.M": "VAKT",
    "K.E": "REK",
    "P.HAR": "BIT",
    "S.v.d.K": "BIT",
    "A.L": "",
}
# Roles the poster names without a person: the unit person who holds each.
ROLE_HOLDERS = {
    "ITS": "A.W",
    "ITP": "R.A",
    "SEK": "J.S",
    "ADM": "V.G",
    "VAKT": "E.M",
    "REK": "K.E",
    "BIT": "P.HAR",
    "Resp chef": "K.E",
    "LÄR": "teacher",
    "MEN": "mentor",
    "SPE": "special",
    "HÄL": "special",
}
EXTRA_SLOTS = ["it-mentor", "first-line", "deputy-1", "deputy-2", "teacher", "mentor", "special"]

# How often the deliberate gaps occur (per unit unless said otherwise).
P_NO_FIRST_LINE = 0.06
P_NO_IT_MENTOR = 0.03
P_DROPPED_ITEMS = 0.15  # the unit has 1–3 items with no responsible at all
P_UNFILLED_ROLE = 0.10  # one role the unit uses is held by nobody
P_DEPUTY = 0.75  # per item naming a person: a deputy is named
# The hanteringsansvarig is someone other than the people the register names
# for local support (coverage: register and appointments disagree).
P_OTHER_FIRST_LINE = 0.04
# Assignments are inserted in batches of this many rows.
ASSIGNMENT_BATCH = 5000


def _drop_recent(people, person):
    """Remove a person just added: searched from the end, so it costs O(1), not O(people)."""
    for index in range(len(people) - 1, -1, -1):
        if people[index] is person:
            del people[index]
            return


def _ascii(text):
    return slugify(text.replace("ö", "o").replace("ä", "a").replace("å", "a"))


def demo_organisation_reset(*, slug=DEMO_SLUG):
    """Remove a demo huvudman and everything under it; returns the number of units removed."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        return 0
    units = Unit.objects.filter(organisation=organisation)
    count = units.count()
    # Raw deletes: the demo is synthetic, so no history rows are wanted for
    # its removal, and 60,000 per-row delete signals would take minutes.
    Assignment.objects.filter(unit__in=units)._raw_delete(Assignment.objects.db)
    Assignment.objects.filter(person__organisation=organisation)._raw_delete(Assignment.objects.db)
    Appointment.objects.filter(person__organisation=organisation)._raw_delete(
        Appointment.objects.db
    )
    ITCouncilMembership.objects.filter(council__organisation=organisation)._raw_delete(
        ITCouncilMembership.objects.db
    )
    ITCouncil.objects.filter(organisation=organisation)._raw_delete(ITCouncil.objects.db)
    ServiceAgreement.objects.filter(organisation=organisation)._raw_delete(
        ServiceAgreement.objects.db
    )
    CoverageLoad.objects.filter(person__organisation=organisation)._raw_delete(
        CoverageLoad.objects.db
    )
    Person.objects.filter(organisation=organisation)._raw_delete(Person.objects.db)
    # Units go through the ORM: guardian permission rows cascade from them.
    units.delete()
    organisation.delete()
    return count


@transaction.atomic
def demo_organisation_generate(*, units, seed, reset=False, slug=DEMO_SLUG, name=DEMO_NAME):
    """Build a synthetic huvudman with `units` units, the same for the same seed.

    Skolor and förskolor mixed; people in every position (huvudman level,
    eight verksamhetsutvecklare over all four focuses and their chef, each
    unit's rektor, IT-handledare and hanteringsansvariga, and the holders of
    the poster's individual roles, deputies included); both IT-råd with
    members and a leader; Årstaviken's blueprint assigned per unit to the
    unit's own people, most items with a deputy. Deliberate gaps: units
    without hanteringsansvarig or IT-handledare, a hanteringsansvarig who is not
    the one the register names for local support, items without responsible,
    unfilled roles, items resting on one person.

    Rows are written with bulk_create, and their creation recorded in the
    history tables afterwards in one statement per model, as an import
    records it. If the huvudman already exists nothing changes unless `reset`
    is true. Returns counts.
    """
    started = time.perf_counter()
    if Organisation.objects.filter(slug=slug).exists():
        if not reset:
            return {"created": False, **demo_counts(slug=slug)}
        demo_organisation_reset(slug=slug)

    template = list(
        Assignment.objects.filter(unit__slug=TEMPLATE_UNIT)
        .select_related("person", "role")
        .order_by("item__column__area__order", "item__column__order", "item__order", "order")
    )
    if not template:
        if seed_load().loaded_before:
            # The seed's huvudman is there but its unit holds no assignments:
            # putting them back is `load_seed --update`'s to decide, not the demo's.
            raise ValidationError(
                f"The seed is loaded but {TEMPLATE_UNIT} has no assignments to copy; "
                "run `load_seed --update` first."
            )
        return demo_organisation_generate(units=units, seed=seed, reset=reset, slug=slug, name=name)

    rng = random.Random(seed)
    template_items = list(dict.fromkeys(source.item_id for source in template))
    positions = {position.code: position for position in Position.objects.all()}
    organisation = Organisation.objects.create(slug=slug, name=name)
    ServiceAgreement.objects.create(
        organisation=organisation,
        it_unit_name="IT-enheten",
        it_unit_email="it-support@demokommunen.example",
        it_unit_phone="054-540 00 00",
        supplier_name="Skolsystem AB",
        supplier_email="support@skolsystem.example",
        supplier_phone="08-123 456 00",
    )

    # Units: skolor and förskolor mixed.
    unit_rows = []
    for number in range(1, units + 1):
        word = rng.choice(PLACE_WORDS)
        if rng.random() < 0.5:
            kind, unit_name = Unit.Kind.PRESCHOOL, f"{word}ens förskola"
        else:
            kind, unit_name = Unit.Kind.SCHOOL, f"{word}skolan"
        unit_name = f"{unit_name} {number}"
        unit_rows.append(
            Unit(
                organisation=organisation,
                slug=f"{slug}-{number:04d}",
                name=unit_name,
                kind=kind,
            )
        )
    unit_list = Unit.objects.bulk_create(unit_rows)

    # People: one per slot and unit, and the huvudman level.
    people = []
    counter = 0

    def new_person():
        nonlocal counter
        counter += 1
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        person = Person(
            organisation=organisation,
            initials=f"{first[0]}.{last[0]}{counter}",
            name=f"{first} {last}",
            email=f"{_ascii(first)}.{_ascii(last)}{counter}@demokommunen.example",
            phone=f"054-{540000 + counter}",
        )
        people.append(person)
        return person

    slots_by_unit = {}
    gaps_by_unit = {}
    for index, unit in enumerate(unit_list):
        # Every demo has each kind of gap at least once: the second unit has
        # no hanteringsansvarig, the first leaves items without responsible.
        gaps = {
            "no_first_line": rng.random() < P_NO_FIRST_LINE or index == 1,
            "no_it_mentor": rng.random() < P_NO_IT_MENTOR,
            "dropped_items": (
                set(rng.sample(template_items, rng.randint(1, 3)))
                if rng.random() < P_DROPPED_ITEMS or index == 0
                else set()
            ),
            "unfilled_role": (
                rng.choice(["LÄR", "MEN", "SPE", "HÄL"]) if rng.random() < P_UNFILLED_ROLE else None
            ),
            "other_first_line": rng.random() < P_OTHER_FIRST_LINE,
        }
        gaps_by_unit[unit.pk] = gaps
        slots = {slot: new_person() for slot in [*SEED_SLOTS, *EXTRA_SLOTS]}
        if gaps["no_first_line"]:
            _drop_recent(people, slots.pop("first-line"))
        if gaps["no_it_mentor"]:
            _drop_recent(people, slots.pop("it-mentor"))
        slots_by_unit[unit.pk] = slots
    central = {
        "it-strateg": new_person(),
        "ekonom": new_person(),
        "utbildningschef-forskola": new_person(),
        "utbildningschef-skola": new_person(),
    }
    developer_focuses = ["pedagogik", "pedagogik", "pedagogik", "system", "system"]
    developer_focuses += ["teknik", "teknik", "webb"]
    developers = [(new_person(), focus) for focus in developer_focuses]
    Person.objects.bulk_create(people, batch_size=1000)

    appointments = [
        Appointment(person=central["it-strateg"], position=positions["it-strateg"]),
        Appointment(person=central["ekonom"], position=positions["ekonom"]),
        Appointment(
            person=central["utbildningschef-forskola"], position=positions["utbildningschef"]
        ),
        Appointment(person=central["utbildningschef-skola"], position=positions["utbildningschef"]),
    ]
    for person, focus in developers:
        appointments.append(
            Appointment(person=person, position=positions["verksamhetsutvecklare"], focus=focus)
        )
    # Who holds the poster's individual roles at each unit is recorded once,
    # as appointments to the roles' positions (registry.queries.role_holders).
    role_positions = {
        role.code: role.position
        for role in Role.objects.filter(kind=Role.Kind.INDIVIDUAL, position__isnull=False)
        .select_related("position")
        .exclude(code="REK")
    }
    for unit in unit_list:
        slots, gaps = slots_by_unit[unit.pk], gaps_by_unit[unit.pk]
        appointments.append(
            Appointment(person=slots["K.E"], position=positions["rektor"], unit=unit)
        )
        for slot, code in SEED_SLOTS.items():
            if code in role_positions:
                appointments.append(
                    Appointment(person=slots[slot], position=role_positions[code], unit=unit)
                )
        if "SPE" in role_positions and gaps["unfilled_role"] != "SPE":
            appointments.append(
                Appointment(person=slots["special"], position=role_positions["SPE"], unit=unit)
            )
        # The IT-pedagog is the IT-handledare; the IT-samordnare and the
        # IT-pedagog (local support, the school platform) are hanteringsansvariga.
        if "it-mentor" in slots:
            appointments.append(
                Appointment(person=slots["R.A"], position=positions["it-handledare"], unit=unit)
            )
        if "first-line" in slots:
            first_line = ["first-line"] if gaps["other_first_line"] else ["A.W", "R.A"]
            for slot in first_line:
                appointments.append(
                    Appointment(
                        person=slots[slot], position=positions["hanteringsansvarig"], unit=unit
                    )
                )
    # The decision: the developers' chef is one of the rektorer (of a skola).
    schools = [unit for unit in unit_list if unit.kind == Unit.Kind.SCHOOL] or unit_list
    preschools = [unit for unit in unit_list if unit.kind == Unit.Kind.PRESCHOOL] or unit_list
    appointments.append(
        Appointment(
            person=slots_by_unit[schools[0].pk]["K.E"],
            position=positions["chef-verksamhetsutvecklare"],
        )
    )
    Appointment.objects.bulk_create(appointments, batch_size=1000)

    # IT-råd: rektorer of förskolor and of skolor, the first one leads.
    memberships = []
    for school_form, council_name, council_units in (
        (ITCouncil.School.PRESCHOOL, "IT-råd förskola", preschools),
        (ITCouncil.School.SCHOOL, "IT-råd skola", schools),
    ):
        council = ITCouncil.objects.create(
            organisation=organisation, school_form=school_form, name=council_name
        )
        for index, unit in enumerate(council_units[:6]):
            memberships.append(
                ITCouncilMembership(
                    council=council, person=slots_by_unit[unit.pk]["K.E"], is_leader=index == 0
                )
            )
    ITCouncilMembership.objects.bulk_create(memberships)

    # The blueprint, per unit, with the unit's own people; written every few
    # thousand rows so that memory stays flat at 10,000 units (~3M rows).
    assignments = []
    assignment_count = 0
    deputy_positions = set()
    for unit in unit_list:
        if len(assignments) >= ASSIGNMENT_BATCH:
            Assignment.objects.bulk_create(assignments, batch_size=ASSIGNMENT_BATCH)
            assignment_count += len(assignments)
            assignments = []
        slots, gaps = slots_by_unit[unit.pk], gaps_by_unit[unit.pk]
        seen = set()

        def add(item_id, role, person, priority, order, unit=unit, seen=seen, out=assignments):
            key = (item_id, role.pk if role else None, person.pk if person else None)
            if key in seen:
                return
            seen.add(key)
            out.append(
                Assignment(
                    item_id=item_id,
                    unit=unit,
                    role=role,
                    person=person,
                    priority=priority,
                    order=order,
                )
            )

        deputied = set()
        for source in template:
            if source.item_id in gaps["dropped_items"]:
                continue
            person = slots.get(source.person.initials) if source.person_id else None
            add(source.item_id, source.role, person, source.priority, source.order)
            if person is not None and source.item_id not in deputied:
                deputied.add(source.item_id)
                if rng.random() < P_DEPUTY:
                    deputy = slots[rng.choice(["deputy-1", "deputy-2"])]
                    add(source.item_id, source.role, deputy, Assignment.Priority.DEPUTY, 90)
                    if source.role_id and source.role.code in role_positions:
                        # A deputy ITS is appointed IT-samordnare too.
                        deputy_positions.add((unit, deputy, role_positions[source.role.code]))
            elif person is None and source.role_id:
                # "LÄR" alone: name the unit's holder of the role beside it.
                code = source.role.code
                holder = slots.get(ROLE_HOLDERS.get(code, ""))
                if holder is not None and code != gaps["unfilled_role"]:
                    add(source.item_id, source.role, holder, Assignment.Priority.DEPUTY, 91)
    Assignment.objects.bulk_create(assignments, batch_size=ASSIGNMENT_BATCH)
    assignment_count += len(assignments)
    deputy_appointments = [
        Appointment(person=person, position=position, unit=unit)
        for unit, person, position in sorted(
            deputy_positions, key=lambda row: (row[0].pk, row[1].pk, row[2].pk)
        )
    ]
    Appointment.objects.bulk_create(deputy_appointments, batch_size=ASSIGNMENT_BATCH)
    appointments += deputy_appointments
    for created in (
        Unit.objects.filter(organisation=organisation),
        Person.objects.filter(organisation=organisation),
        Appointment.objects.filter(person__organisation=organisation),
        Assignment.objects.filter(unit__organisation=organisation),
    ):
        _record_creation(created)
    return {
        "created": True,
        "units": len(unit_list),
        "people": len(people),
        "appointments": len(appointments),
        "assignments": assignment_count,
        "seconds": round(time.perf_counter() - started, 2),
    }


def _record_creation(rows):
    """Creation history rows for the rows of the queryset `rows`, written with bulk_create: one
    INSERT … SELECT, not a Python object per row (3M assignments at 10,000 units). The demo
    then has a history like imported data, which registry.coverage.store reads."""
    model = rows.model
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in model._meta.concrete_fields)
    ids, params = rows.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model.history.model._meta.db_table)}"
            f" ({columns}, history_date, history_change_reason, history_type)"
            f" SELECT {columns}, %s, %s, '+' FROM {quote(model._meta.db_table)}"
            f" WHERE {quote('id')} IN ({ids})",
            [timezone.now(), "generate_demo", *params],
        )


def demo_counts(*, slug=DEMO_SLUG):
    return {
        "units": Unit.objects.filter(organisation__slug=slug).count(),
        "people": Person.objects.filter(organisation__slug=slug).count(),
        "appointments": Appointment.objects.filter(person__organisation__slug=slug).count(),
        "assignments": Assignment.objects.filter(unit__organisation__slug=slug).count(),
    }
