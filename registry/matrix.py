"""The poster's shape: chips (who is responsible, as the poster shows them) grouped into rows,
columns and areas; the grid's columns; the chips' HTML.

The live poster (registry.blueprint) and a published version's poster
(registry.versions) both build this shape, so they look the same.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.template.loader import get_template
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from organisation.models import ProblemKind
from registry.models import Assignment, Item, Role
from registry.queries import legend, role_colour, role_holders, role_reach

# An item not marked with a kind of local support (Item.support_kind) in
# these areas (the poster's HYGIEN: infrastructure, devices, network) is
# still a technical matter: "Vem ansvarar för …?" then shows the support
# chain for technical problems as well.
SUPPORT_AREA_SLUGS = {"hygien"}


def support_kind_of(item):
    """The kind of problem (ProblemKind value) an item is a support matter for, or "".

    The item's own mark (Lokalt stöd för) when set; else technical for the
    items of the infrastructure area (SUPPORT_AREA_SLUGS); else none.
    """
    if item.support_kind:
        return item.support_kind
    if item.column.area.slug in SUPPORT_AREA_SLUGS:
        return ProblemKind.TECHNOLOGY.value
    return ""


def support_kinds(items):
    """The support kinds of these items, each once, in the order they first occur."""
    return [kind for kind in dict.fromkeys(support_kind_of(item) for item in items) if kind]


class Entry:
    """An assignment as the poster reads it: a plain row and the role and person it names.

    Reading the unit's assignments as rows (registry.blueprint.queries.unit_responsible)
    instead of model instances was most of a cold poster's cost; a chip reads
    the same attributes of either.
    """

    __slots__ = (
        "item_id",
        "unit_id",
        "role",
        "person",
        "kind",
        "priority",
        "order",
        "confirmation_state",
        "role_confirmed_by",
        "role_declined_by",
    )
    # The values the row holds, in order (the role and person as ids).
    ROW = (
        "item_id",
        "unit_id",
        "role_id",
        "person_id",
        "kind",
        "priority",
        "order",
        "confirmation_state",
        "role_confirmed_by",
        "role_declined_by",
    )

    def __init__(self, row, *, role, person):
        (
            self.item_id,
            self.unit_id,
            _role_id,
            _person_id,
            self.kind,
            self.priority,
            self.order,
            self.confirmation_state,
            self.role_confirmed_by,
            self.role_declined_by,
        ) = row
        self.role, self.person = role, person

    @property
    def person_id(self):
        return self.person.pk if self.person else None

    @property
    def role_id(self):
        return self.role.pk if self.role else None

    def get_kind_display(self):
        # As the model's own: the label of a known kind, else the value.
        return str(dict(Assignment.Kind.choices).get(self.kind, self.kind))


# Chips and legends rendered in this process, by what they print and the language (and the
# chips' faces and links, by what they are made of): their HTML is a function of these alone
# (rendered without the request), so a poster built again after a write, or after the cache
# was emptied, renders only chips it has not shown before.
_rendered_chips = {}
_RENDERED_CHIPS_KEPT = 20_000


def rendered_chips_clear():
    """Forget the chips and legends rendered in this process (tests: to render from scratch)."""
    _rendered_chips.clear()


class Chip:
    """One responsible as the poster shows it: "A.W · ITS", "LÄR" or "A.L".

    Everything the templates print is worked out once here, so that a page
    with hundreds of chips does no per-chip work in the template; `links`
    (a dict shared by one page build) keeps each face (what a person, role and
    priority print, with the link) by their ids, so a chip looks its face up
    by id instead of by everything it is made of (_chip_face).
    """

    __slots__ = (
        "assignment",
        "person",
        "role",
        "label",
        "description",
        "deputy",
        "colour",
        "url",
        "holders",
        "confirmation",
    )

    def __init__(self, assignment, links=None):
        person, role = assignment.person, assignment.role
        self.assignment = assignment
        self.person = person
        self.role = role
        deputy = assignment.priority == Assignment.Priority.DEPUTY
        links = {} if links is None else links
        face_key = ("face", person and person.pk, role and role.pk, deputy)
        face = links.get(face_key)
        if face is None:
            face = links[face_key] = _chip_face(person, role, deputy)
        self.label, self.description, self.deputy, self.colour, self.url = face
        # Who holds the role at the unit in view, for a role-only chip of an
        # individual role: [(initials, name, url), …], empty when nobody
        # does; None when it does not apply or was not looked up (holders_attach).
        self.holders = None
        # "unconfirmed", "declined" or "" (confirmed, or not asked): registry.notify
        # sets it on the live poster; a published version's chips have none.
        self.confirmation = ""

    @property
    def holder_key(self):
        return None if self.holders is None else tuple(self.holders)


def _chip_face(person, role, deputy):
    """(label, description, deputy, colour, url): what a chip of this person, role and
    priority prints, the same on every item: worked out once a process and language for what
    it is made of (kept with the rendered chips: a poster built anew after a write works out
    only faces it has not shown before)."""
    key = (
        "face",
        get_language(),
        get_script_prefix(),
        person and (person.initials, person.name, person.title),
        role and (role.code, role.name, role.kind, role.order),
        deputy,
    )
    face = _rendered_chips.get(key)
    if face is None:
        face = _rendered_chips[key] = _chip_face_made(person, role, deputy)
    return face


def _chip_face_made(person, role, deputy):
    label = " · ".join(part for part in (person and person.initials, role and role.code) if part)
    # Full name, title and role name, for the tooltip and screen readers;
    # a title that only repeats the role's name is said once.
    parts = []
    for part in (person and person.name, person and person.title, role and role.label):
        if part and part.casefold() not in (said.casefold() for said in parts):
            parts.append(part)
    description = ", ".join(parts)
    if person is None and role_reach(role):
        description = f"{role.label} ({role_reach(role)})"
    colour = role_colour(role) if role else None
    return label, description, deputy, colour, _chip_url(person, role)


def holders_attach(chips, *, units):
    """Give the role-only chips of individual roles who holds the role at their unit.

    A chip's unit is its entry's. An organisation-wide entry holds at every
    unit, so its holders are those of the unit in view when `units` is one
    unit (the poster, the search); with several (the item page) they differ
    from unit to unit and are not looked up (the role page lists them).
    One or two queries (role_holders) whatever the number of units, when
    there are such chips; none otherwise.
    """
    units = list(units)
    only = units[0].pk if len(units) == 1 else None
    waiting = []
    for chip in chips:
        unit_id = chip.assignment.unit_id or only
        if chip.person is None and chip.role.kind == Role.Kind.INDIVIDUAL and unit_id:
            waiting.append((chip, unit_id))
    if not waiting:
        return
    roles = {chip.role.pk: chip.role for chip, _unit_id in waiting}
    holders = role_holders(units=units, roles=list(roles.values()))
    for chip, unit_id in waiting:
        people = holders.get((unit_id, chip.role.pk), [])
        chip.holders = [
            (person.initials, person.name, _chip_url(person, None)) for person in people
        ]


def _chip_url(person, role):
    """The person's page, else the role's: reverse() once a process for each (as the faces)."""
    key = (
        ("url", get_script_prefix(), "person", person.initials)
        if person
        else ("url", get_script_prefix(), "role", role.code)
    )
    url = _rendered_chips.get(key)
    if url is None:
        name = "registry:person_detail" if person else "registry:role_detail"
        url = _rendered_chips[key] = reverse(name, args=[key[-1]])
    return url


@dataclass
class Row:
    item: Item
    chips: list = field(default_factory=list)
    support_kind: str = ""
    url: str = ""
    chips_html: str = ""  # set by render_chips, as the next
    responsible_html: str = ""  # the chips in their list, or that nobody is responsible


@dataclass
class ColumnBlock:
    column: object
    rows: list = field(default_factory=list)


@dataclass
class AreaBlock:
    area: object
    columns: list = field(default_factory=list)

    @property
    def count(self):
        return sum(len(column.rows) for column in self.columns)


@dataclass
class Matrix:
    """The filtered blueprint at one unit, ready for the page, the grid and the print."""

    areas: list
    roles: list  # roles that occur, in role order: the legend and the grid's columns
    has_person_only: bool  # any chip without a role (the grid's extra column)
    legend_html: str = ""  # set by render_chips

    @property
    def rows(self):
        return [row for area in self.areas for column in area.columns for row in column.rows]

    @property
    def count(self):
        return sum(area.count for area in self.areas)

    @property
    def legend(self):
        return legend(self.roles)

    @property
    def grid_width(self):
        return 1 + len(self.roles) + (1 if self.has_person_only else 0)


def chips_by_item(assignments):
    chips, links = defaultdict(list), {}
    for assignment in assignments:
        chips[assignment.item_id].append(Chip(assignment, links))
    return chips


def item_url_maker():
    """A function pk -> the item page's URL, with reverse() run once instead of per item."""
    prefix, _pk, suffix = reverse("registry:item_detail", args=[0]).rpartition("/0/")
    return lambda pk: f"{prefix}/{pk}/{suffix}"


def grid_rows(matrix):
    """For the grid, per area: each row with one list of chips per role column.

    The columns are the matrix's roles, plus one for chips without a role when
    there are any.
    """
    areas = []
    for area in matrix.areas:
        rows = []
        for column in area.columns:
            for row in column.rows:
                by_role = defaultdict(list)
                for chip in row.chips:
                    by_role[chip.role.pk if chip.role else None].append(chip)
                cells = [by_role.get(role.pk, []) for role in matrix.roles]
                if matrix.has_person_only:
                    cells.append(by_role.get(None, []))
                rows.append((row, cells))
        areas.append((area, rows))
    return areas


def render_chips(matrix, *, from_version=False):
    """Give each row its chips as HTML (and `responsible_html`, the chips in their list or
    "Ingen ansvarig"), rendering every distinct chip once, and the matrix its legend.

    A unit's ~300 chips are mostly the same few dozen people and roles
    again; one template render per chip was most of a cold page's cost.
    `from_version`: a published version's poster (its legend says so).
    """
    template = get_template("_partials/chip.html")
    if len(_rendered_chips) > _RENDERED_CHIPS_KEPT:
        _rendered_chips.clear()
    language = get_language()
    before, after, nobody = _responsible_frame(language)
    for row in matrix.rows:
        parts = []
        for chip in row.chips:
            key = (
                language,
                chip.url,
                chip.label,
                chip.description,
                chip.deputy,
                chip.colour,
                chip.holder_key,
                chip.confirmation,
            )
            html = _rendered_chips.get(key)
            if html is None:
                html = _rendered_chips[key] = template.render({"chip": chip})
            parts.append(html)
        row.chips_html = mark_safe("".join(parts))  # rendered by our own template
        row.responsible_html = mark_safe(before + row.chips_html + after) if parts else nobody
    legend = matrix.legend
    # What the legend prints: each role's code (its link), name, colour and reach.
    key = (
        language,
        "legend",
        from_version,
        *((r.code, r.label, c, reach) for r, c, reach in legend),
    )
    html = _rendered_chips.get(key)
    if html is None:
        html = _rendered_chips[key] = get_template("_partials/legend.html").render(
            {"legend": legend, "from_version": from_version}
        )
    matrix.legend_html = html


_CHIPS_STAND_IN = mark_safe("\x00chips\x00")


def _responsible_frame(language):
    """(before, after, nobody): _partials/responsible.html around any chips, and without
    any; rendered once a process and language."""
    frame = _rendered_chips.get(("responsible", language))
    if frame is None:
        template = get_template("_partials/responsible.html")
        before, after = template.render({"chips_html": _CHIPS_STAND_IN}).split(_CHIPS_STAND_IN)
        nobody = template.render({"chips_html": ""})
        frame = _rendered_chips[("responsible", language)] = (
            before,
            after,
            mark_safe(nobody),
        )
    return frame
