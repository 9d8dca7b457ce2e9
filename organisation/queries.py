"""Reads about the organisation: which units and people a user may see or edit."""

from functools import cached_property

from django.db import connection, models

from digiansvar.compiled import statement

VIEW_UNIT = "organisation.view_unit"
MANAGE_UNIT = "organisation.manage_unit"
# A user who sees up to this many units picks one from a list (pages, admin filters); beyond it
# (a national register: ~10,000) they search for one by name.
UNIT_LIST_LIMIT = 50


def _sees_all_units(user):
    # Superusers, administratörer, organisation-wide readers. Their queries
    # need no list of unit ids at all: at 10,000 units such a list made every
    # lookup scan the whole table.
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.has_perm(VIEW_UNIT) or user.has_perm(MANAGE_UNIT)


class RestrictedQuerySet(models.QuerySet):
    """A queryset that answers "which of these rows may this user see, change or delete".

    `restrict(user, action)` is the site's one scoping call: pages, htmx
    partials, imports, exports, search, history and admin all read through
    it. It asks the model's declared `ownership` (an
    organisation.permissions.Ownership); a model that declares none shows
    nothing to anyone but superusers (deny by default).
    """

    def restrict(self, user, action="view"):
        ownership = getattr(self.model, "ownership", None)  # an organisation.permissions.Ownership
        if ownership is None:
            return self if user.is_active and user.is_superuser else self.none()
        return ownership.restrict(user, action, self)


class UnitQuerySet(RestrictedQuerySet):
    # visible_to and editable_by are the grant lookups under unit_scope();
    # everything else asks Unit.objects.restrict(user, action).
    def visible_to(self, user):
        """Units whose blueprint the user may read.

        A model-level view_unit or manage_unit (superusers, administratörer,
        organisation-wide readers) shows every unit; otherwise only units
        granted one of them per object with django-guardian.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if _sees_all_units(user):
            return self
        return self.filter(pk__in=_granted_unit_ids(user, [VIEW_UNIT, MANAGE_UNIT]))

    def editable_by(self, user):
        """Units whose assignments, people and positions the user may change."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.has_perm(MANAGE_UNIT):
            return self
        return self.filter(pk__in=_granted_unit_ids(user, [MANAGE_UNIT]))


def _granted_unit_ids(user, permissions):
    """The ids of the units granted the user one of `permissions` per object (django-guardian's
    tables), to himself or to a group of his, as one subquery.

    guardian's get_objects_for_user asks `id IN (user grants) OR id IN (group grants)`,
    which PostgreSQL cannot estimate: it took a rektor's one unit for 7,501 of 10,001 and
    read every unit in name order to find it (7.5 ms; bench/RESULTS.md §0). As one UNION it
    reads the few grants, then those units by their key (0.2 ms).
    """
    from organisation.models import UnitGroupObjectPermission, UnitUserObjectPermission

    codenames = [permission.split(".", 1)[1] for permission in permissions]
    permission = {
        "permission__codename__in": codenames,
        "permission__content_type__app_label": "organisation",
        "permission__content_type__model": "unit",
    }
    own = UnitUserObjectPermission.objects.filter(user=user, **permission)
    groups = UnitGroupObjectPermission.objects.filter(group__user=user, **permission)
    return (
        own.order_by()
        .values("content_object_id")
        .union(groups.order_by().values("content_object_id"))
    )


class UnitScope:
    """Where a user may read and write, computed once per request, under `restrict`.

    `all_visible`/`all_editable` mean every unit and the organisation-wide
    rows (unit empty); otherwise the id sets list the granted units, each
    read once, when first asked. Admin pages ask this for every row, so it
    must not query per row.
    """

    def __init__(self, user):
        active = user.is_authenticated and user.is_active
        self.user = user
        self.all_editable = active and (user.is_superuser or user.has_perm(MANAGE_UNIT))
        self.all_visible = self.all_editable or (active and user.has_perm(VIEW_UNIT))
        self.active = active

    @cached_property
    def visible_ids(self):
        if self.all_visible or not self.active:
            return frozenset()
        from organisation.models import Unit

        return frozenset(Unit.objects.visible_to(self.user).values_list("pk", flat=True))

    @cached_property
    def editable_ids(self):
        if self.all_editable or not self.active:
            return frozenset()
        from organisation.models import Unit

        return frozenset(Unit.objects.editable_by(self.user).values_list("pk", flat=True))

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

    @cached_property
    def visible_organisation_ids(self):
        """The huvudmän of the units the user may see (one query, asked once per request)."""
        return self._organisation_ids("visible_to")

    @cached_property
    def editable_organisation_ids(self):
        return self._organisation_ids("editable_by")

    def visible_organisations(self):
        """The same huvudmän as a subquery, for a filter: no query of its own."""
        return self._granted("visible_to").values("organisation")

    def editable_organisations(self):
        return self._granted("editable_by").values("organisation")

    def _organisation_ids(self, lookup):
        units = self._granted(lookup).order_by()
        return frozenset(units.values_list("organisation", flat=True).distinct())

    def _granted(self, lookup):
        from organisation.models import Unit

        return getattr(Unit.objects, lookup)(self.user)

    @property
    def edits_anything(self):
        return self.all_editable or bool(self.editable_ids)

    def visible_q(self, field="unit", wide=""):
        """A Q for rows whose `field` (a unit foreign key) the user may see.

        Rows without a unit are organisation-wide. With `wide`, the lookup to
        their huvudman ("person__organisation"), only those of the huvudmän
        the user sees (or of none); without it every one.
        """
        if self.all_visible:
            return models.Q()
        organisation_wide = models.Q(**{f"{field}__isnull": True})
        if wide:
            organisation_wide &= models.Q(**{f"{wide}__in": self.visible_organisations()}) | (
                models.Q(**{f"{wide}__isnull": True})
            )
        return organisation_wide | models.Q(**{f"{field}__in": self.visible_ids})

    def outside_q(self, field="unit"):
        """A Q for rows placed outside the units the user may change, or organisation-wide."""
        return models.Q(**{f"{field}__isnull": True}) | ~models.Q(
            **{f"{field}__in": self.editable_ids}
        )

    def editable_q(self, field="unit"):
        """A Q for rows whose `field` (a unit foreign key) the user may change."""
        if self.all_editable:
            return models.Q()
        return models.Q(**{f"{field}__in": self.editable_ids})


def own_person(user):
    """The Person linked to the user, or None: their own record, which they read whatever
    their scope (the header's "Mina ansvarsområden", their person page)."""
    from organisation.models import Person

    if not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).first()


def person_fields():
    """The columns a Person is made from when read as a plain row (person_from_row)."""
    from organisation.models import Person

    return [field.attname for field in Person._meta.concrete_fields]


def person_from_row(row):
    """A Person from a row of person_fields()' values, as the ORM would make it."""
    from organisation.models import Person

    return Person.from_db(connection.alias, person_fields(), row)


def people_by_ids(ids):
    """The people of these ids (a list), in initials order; one statement compiled once per
    number of ids (digiansvar.compiled): a page's reads on a cache miss."""
    from organisation.models import Person

    ids = list(ids)
    if not ids:
        return []
    sql, params = statement(
        "people-by-ids",
        lambda ids: Person.objects.filter(pk__in=ids).values_list(*person_fields()),
        ids=ids,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [person_from_row(row) for row in cursor.fetchall()]


_SCOPE_CACHE = "_digiansvar_unit_scope"


def unit_scope(user):
    """The UnitScope of a user, cached on the user object (one per request)."""
    cached = getattr(user, _SCOPE_CACHE, None)
    if cached is None:
        cached = UnitScope(user)
        setattr(user, _SCOPE_CACHE, cached)
    return cached
