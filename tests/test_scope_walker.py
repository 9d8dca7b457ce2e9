"""The scope walker (issue 20): every URL of the site and the admin, as every kind of user.

Two huvudmän, A ("Hemma…") and B ("Borta…"), each with two units and a row of
every model that belongs to a unit or a huvudman. Each scoped user has a
home (rektor and läsare of one A unit, rektor of one B unit); everything else
is another scope: the other huvudman, and the unit-level rows of the other
unit of the same huvudman. The walker derives every URL from the URLconf,
fills its parameters with another scope's values (`PARAMETERS`), adds query
parameters that pick a scope, and fails on any 500, on any 200 that shows
another scope's names, e-mails, phones, titles or links to its rows, and on a
redirect to another scope's page. Forged writes must change no table.

Failures are collected and reported in one assertion each, so one run shows
everything. docs/testing.md#the-scope-walker says how to extend the tables.
"""

import hashlib
import io
import json
import logging
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import unquote, urlencode, urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.regex_helper import normalize
from guardian.shortcuts import assign_perm

from accounts.models import ClaimGrant, ProviderAccount
from api.keys.services import token_create
from api.models import ApiToken
from organisation.models import (
    ITCouncil,
    ITCouncilMembership,
    Organisation,
    Person,
    Position,
    ServiceAgreement,
    Unit,
)
from organisation.services import unit_grant
from provisioning.services import scim_token_create
from registry import versions
from registry.coverage.store import coverage_store_refresh
from registry.models import (
    Assignment,
    AssignmentConfirmation,
    Blueprint,
    DigestMark,
    Item,
    Role,
    SearchWord,
    UnansweredSearch,
)
from registry.notify.tokens import confirmation_token
from review import services as review_services
from review.models import ReviewRound, UnitReview
from tests.factories import (
    AppointmentFactory,
    AssignmentFactory,
    ColumnFactory,
    ItemFactory,
    PersonFactory,
    PositionFactory,
    RoleFactory,
    UnitFactory,
)
from tests.spreadsheets.helpers import csv_with, token_of, upload

pytestmark = pytest.mark.django_db

User = get_user_model()
SHARED = ("shared",)

# --- The dataset -------------------------------------------------------------


@dataclass
class Scope:
    """What one kind of user calls home: everything else is another scope."""

    user: object  # None: anonymous
    units: frozenset = frozenset()  # home unit ids
    organisations: frozenset = frozenset()  # home huvudman ids
    sees_everything: bool = False  # administratör, verksamhetsutvecklare: only 500s count

    def owns(self, tag):
        if tag[0] == "unit":
            return tag[2] in self.units
        if tag[0] == "org":
            return tag[1] in self.organisations
        return True  # shared

    def foreign(self, tag):
        """Must this user never see a row with this owner?"""
        return not self.sees_everything and not self.owns(tag)

    @property
    def thorough(self):
        """Scoped users get every value and every query; the others one value per URL."""
        return self.user is not None and not self.sees_everything


@dataclass
class World:
    """The dataset: its rows by name, the users' scopes, and what marks each owner's rows."""

    objects: dict = field(default_factory=dict)
    scopes: dict = field(default_factory=dict)
    markers: dict = field(default_factory=dict)  # tag → {text}
    tags: dict = field(default_factory=dict)  # model → {pk: owner}
    urls: dict = field(default_factory=dict)  # model → {pk: [the row's pages]}
    keys: dict = field(default_factory=dict)  # user id → an API key that may write

    def add(self, name, obj):
        self.objects[name] = obj
        return obj

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None

    def mark(self, obj, *texts):
        """Texts that name `obj` and appear nowhere else: seen by another scope, they leak."""
        self.markers.setdefault(owner_tag(obj), set()).update(t for t in texts if t)


def owner_paths(model, depth=3):
    """Lookups from `model` to a Unit and to an Organisation along forward foreign keys.

    The owner of a row is its unit where it has one, else its huvudman, else
    nobody (shared): an organisation-wide appointment belongs to its person's
    huvudman, a role-only organisation-wide assignment to everyone.
    """
    if model is Unit:
        return ["pk"], []
    if model is Organisation:
        return [], ["pk"]
    unit_paths, organisation_paths = [], []

    def walk(current, prefix, seen):
        if len(prefix) >= depth:
            return
        for f in current._meta.get_fields():
            if not (f.many_to_one or f.one_to_one) or not f.concrete or f.related_model is None:
                continue
            target = f.related_model
            path = [*prefix, f.name]
            if target is Unit:
                unit_paths.append("__".join(path))
            elif target is Organisation:
                organisation_paths.append("__".join(path))
            elif target not in seen:
                walk(target, path, seen | {target})

    walk(model, [], {model})
    by_length = lambda path: (path.count("__"), path)  # noqa: E731
    return sorted(unit_paths, key=by_length), sorted(organisation_paths, key=by_length)


def owner_tags(model):
    """{pk: tag} for every row of `model`: ("unit", org id, unit id), ("org", org id) or SHARED."""
    unit_paths, organisation_paths = owner_paths(model)
    lookups = [f"{path}__organisation" if path != "pk" else "organisation" for path in unit_paths]
    columns = ["pk", *[p for pair in zip(unit_paths, lookups, strict=True) for p in pair]]
    columns += organisation_paths
    tags = {}
    for row in model._base_manager.values_list(*columns):
        pk, values = row[0], row[1:]
        tag = SHARED
        for i in range(len(unit_paths)):
            if values[2 * i] is not None:
                tag = ("unit", values[2 * i + 1], values[2 * i])
                break
        else:
            for value in values[2 * len(unit_paths) :]:
                if value is not None:
                    tag = ("org", value)
                    break
        tags[pk] = tag
    return tags


def owner_tag(obj):
    return owner_tags(type(obj)).get(obj.pk, SHARED) if obj.pk else SHARED


def person(world, name, organisation, initials, full_name, title, phone):
    first = full_name.split()[0].lower()
    domain = "a-huvudman" if organisation == world.org_a else "b-huvudman"
    obj = PersonFactory(
        organisation=organisation,
        initials=initials,
        name=full_name,
        title=title,
        email=f"{first}@{domain}.example",
        phone=phone,
    )
    world.add(name, obj)
    digits = "".join(c for c in phone if c.isdigit() or c == "+")
    world.mark(obj, full_name, obj.email, phone, digits, title)
    return obj


def build_world():
    """Both huvudmän, every kind of row, seven kinds of user. B is built first, so that
    B's A.W has the lower id (the person page took the first A.W of any huvudman)."""
    w = World()
    org_b = w.add("org_b", Organisation.objects.create(name="Bortakommunen", slug="bortakommunen"))
    org_a = w.add("org_a", Organisation.objects.create(name="Hemmakommunen", slug="hemmakommunen"))
    w.mark(org_b, "Bortakommunen", "bortakommunen")
    w.mark(org_a, "Hemmakommunen", "hemmakommunen")
    for name, org, unit_name in (
        ("unit_b1", org_b, "Bortaskolan"),
        ("unit_b2", org_b, "Bredbyskolan"),
        ("unit_a1", org_a, "Hemmaskolan"),
        ("unit_a2", org_a, "Andrabyskolan"),
    ):
        unit = w.add(name, UnitFactory(organisation=org, name=unit_name, slug=unit_name.lower()))
        w.mark(unit, unit_name, unit.slug)

    principal = PositionFactory()
    mentor = PositionFactory(code=Position.Code.IT_MENTOR, name="IT-handledare")
    strategist = PositionFactory(
        code=Position.Code.IT_STRATEGIST, name="IT-strateg", level=Position.Level.HUVUDMAN
    )
    # Initials: B's A.W and A's A.W share them; the others are one huvudman's.
    p = person
    p(w, "aw_b", org_b, "A.W", "Agnes Bortawik", "Bortastrategen", "+46 70 202 02 02")
    p(w, "bertil", org_b, "B.BORTA", "Bertil Bortamannen", "Bortarektorn", "+46 70 203 03 03")
    p(w, "britta", org_b, "B.BRED", "Britta Bredbysson", "Bredbyrektorn", "+46 70 204 04 04")
    p(w, "aw_a", org_a, "A.W", "Alfhild Hemmasson", "Hemmaskolans datavaktare", "+46 70 101 01 01")
    p(w, "anders", org_a, "A.HEMMA", "Anders Hemmagren", "Hemmastrategen", "+46 70 102 02 02")
    p(w, "arne", org_a, "A.ANDRA", "Arne Andrasson", "Andrabyrektorn", "+46 70 103 03 03")

    for who, unit, position in (
        ("bertil", "unit_b1", principal),
        ("britta", "unit_b2", principal),
        ("aw_b", None, strategist),
        ("aw_a", "unit_a1", principal),
        ("arne", "unit_a2", principal),
        ("anders", "unit_a2", mentor),
        ("anders", None, strategist),
    ):
        AppointmentFactory(person=w.objects[who], unit=w.objects.get(unit), position=position)

    role = w.add("role", RoleFactory(code="ITS", name="IT-samordnare"))
    column = ColumnFactory()
    items = [w.add(f"item{i}", ItemFactory(name=f"Ansvar {i}", column=column)) for i in range(3)]
    rows = (
        ("row_b1", items[0], "unit_b1", "bertil"),
        ("row_b2", items[0], "unit_b2", "britta"),
        ("row_b_wide", items[1], None, "aw_b"),
        ("row_role_wide", items[1], None, None),
        ("row_a1", items[0], "unit_a1", "aw_a"),
        ("row_a2", items[0], "unit_a2", "arne"),
        ("row_a_wide", items[1], None, "anders"),
        ("row_moved", items[2], "unit_b1", "bertil"),
    )
    for name, item, unit, who in rows:
        w.add(
            name,
            AssignmentFactory(
                item=item, unit=w.objects.get(unit), role=role, person=w.objects.get(who)
            ),
        )

    groups = {group.name: group for group in Group.objects.all()}
    w.add("administrator", User.objects.create_user("walker-admin", is_staff=True))
    w.administrator.groups.add(groups["administratör"])
    # The superuser sees every page, also those of models nobody declared a scope for.
    w.add("superuser", User.objects.create_superuser("walker-superuser"))
    w.add("developer", User.objects.create_user("walker-vu", is_staff=True))
    w.developer.groups.add(groups["verksamhetsutvecklare"])
    w.add("rektor_a", User.objects.create_user("walker-rektor-a"))
    unit_grant(user=w.rektor_a, unit=w.unit_a1, role="rektor")
    w.add("reader", User.objects.create_user("walker-lasare"))
    unit_grant(user=w.reader, unit=w.unit_a1, role="läsare")
    w.add("rektor_b", User.objects.create_user("walker-rektor-b"))
    unit_grant(user=w.rektor_b, unit=w.unit_b1, role="rektor")
    # Rektor A is A's A.W: the person page must still not show B's A.W.
    for who, user in (("aw_a", w.rektor_a), ("bertil", w.rektor_b)):
        w.objects[who].user = user
        w.objects[who].save()

    # Answers to assignments (registry.notify): B's decline names B in its comment.
    for name, row, who, state, comment in (
        ("answer_b1", w.row_b1, "bertil", "declined", "Bortakommentaren om skrivarna"),
        ("answer_a2", w.row_a2, "arne", "confirmed", ""),
    ):
        answer = AssignmentConfirmation.objects.create(
            assignment=row, person=w.objects[who], role=row.role, state=state, comment=comment
        )
        w.add(name, answer)
        if comment:
            w.mark(answer, comment)

    for who in ("bertil", "arne"):
        DigestMark.objects.create(person=w.objects[who], told_up_to=0)

    # An assignment at B that an administrator moved into rektor A's unit: its
    # history must not show where it was.
    w.row_moved._history_user = w.administrator
    w.row_moved.unit, w.row_moved.person = w.unit_a1, w.aw_a
    w.row_moved.save()

    for org, letter, place in ((org_b, "b", "Borta"), (org_a, "a", "Hemma")):
        agreement = ServiceAgreement.objects.create(
            organisation=org,
            it_unit_name=f"{place}s IT-enhet",
            it_unit_email=f"it@{letter}-huvudman.example",
            it_unit_phone=f"+46 8 {letter}00 00 00",
            supplier_name=f"{place}leverantoren AB",
            supplier_email=f"support@{place.lower()}leverantoren.example",
        )
        w.mark(
            agreement,
            agreement.it_unit_name,
            agreement.it_unit_email,
            agreement.supplier_name,
            agreement.supplier_email,
        )
        council = ITCouncil.objects.create(
            organisation=org, school_form="skola", name=f"{place}radet for skolan"
        )
        w.mark(council, council.name)
        leader = w.bertil if letter == "b" else w.aw_a
        ITCouncilMembership.objects.create(council=council, person=leader, is_leader=True)
        blueprint = versions.blueprint_publish(
            organisation=org,
            version=f"{letter.upper()}-1",
            published=date(2026, 8, 1),
            title=f"{place}versionen",
            note=f"{place}anteckningen om versionen",
        )
        w.add(f"blueprint_{letter}", blueprint)
        w.mark(blueprint, blueprint.title, blueprint.note)
        round = review_services.review_round_open(
            organisation=org,
            title=f"{place}omgangen 2099",
            deadline=date(2099, 6, 30),
            user=w.administrator,
        )
        w.add(f"round_{letter}", round)
        w.mark(round, round.title)
    # A unit that joined B's running round after it opened: the review pages
    # show it pending without writing its row (the GET walk checks).
    late = w.add("unit_b_late", UnitFactory(organisation=org_b, name="Senbyskolan", slug="senby"))
    w.mark(late, late.name, late.slug)

    for letter, unit, user in (("b", w.unit_b1, w.rektor_b), ("a", w.unit_a1, w.rektor_a)):
        review = UnitReview.objects.get(round=w.objects[f"round_{letter}"], unit=unit)
        place = "Borta" if letter == "b" else "Hemma"
        review_services.unit_review_decide(
            review=review,
            user=user,
            status=UnitReview.Status.RETURNED,
            comment=f"{place}fragan om granskningen",
        )
        w.mark(review, review.comment)

    for user, unit in ((w.rektor_a, w.unit_a1), (w.rektor_b, w.unit_b1)):
        ClaimGrant.objects.create(
            user=user, kind=ClaimGrant.Kind.UNIT, group=groups["rektor"], unit=unit
        )
    ProviderAccount.objects.create(user=w.rektor_b, issuer="https://idp.example", subject="b-1")
    # A first sign-in waiting to be linked to a person, in each huvudman.
    for letter, who in (("b", "bertil"), ("a", "anders")):
        waiting = get_user_model().objects.create_user(f"walker-waiting-{letter}")
        ProviderAccount.objects.create(
            user=waiting,
            issuer="https://idp.example",
            subject=f"waiting-{letter}",
            pending_person=w.objects[who],
        )
    # A unit permission of a group (guardian's group table): a group nobody is in.
    nobody = Group.objects.create(name="walker-nobody")
    for unit in (w.unit_a1, w.unit_b1):
        assign_perm("organisation.view_unit", nobody, unit)
    # The search's word list and its log of unanswered questions (issue 21): site-wide.
    SearchWord.objects.create(word="walkerord", means="Ansvar 0")
    UnansweredSearch.objects.create(day=date(2026, 12, 1), text="walkerfraga")
    # Login records (django-axes) are site-wide; one of each, so that their pages are walked.
    seen = {"username": "walker-rektor-b", "ip_address": "192.0.2.1", "user_agent": "walker"}
    seen |= {"http_accept": "*/*", "path_info": "/konto/login/"}
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**seen)
    AccessLog.objects.create(**seen)
    # API keys (issue 22): the walk reads /api/ with them, the forged writes send them.
    for user in (w.administrator, w.developer, w.rektor_a, w.reader, w.rektor_b):
        _token, w.keys[user.pk] = token_create(
            user=user, name=f"{user.username}-nyckel", days=30, read_only=False
        )
    # SCIM tokens (issue 22): one for each huvudman's identity provider.
    for org in (org_a, org_b):
        scim_token_create(organisation=org, name=f"walker-scim-{org.slug}")
    coverage_store_refresh()

    home_a = {"units": frozenset({w.unit_a1.pk}), "organisations": frozenset({org_a.pk})}
    home_b = {"units": frozenset({w.unit_b1.pk}), "organisations": frozenset({org_b.pk})}
    w.scopes = {
        "anonymous": Scope(None),
        "läsare": Scope(w.reader, **home_a),
        "rektor A": Scope(w.rektor_a, **home_a),
        "rektor B": Scope(w.rektor_b, **home_b),
        "verksamhetsutvecklare": Scope(w.developer, sees_everything=True),
        "administratör": Scope(w.administrator, sees_everything=True),
        "superuser": Scope(w.superuser, sees_everything=True),
    }
    w.tags = {model: owner_tags(model) for model in apps.get_models()}
    w.urls = {model: row_urls(model) for model in apps.get_models()}
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The dataset, built once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


# --- Every model has rows in each huvudman -----------------------------------


def test_every_owned_model_has_rows_in_both_huvudman(world):
    # A new model that belongs to a unit or a huvudman needs rows here, so
    # that the walker reads its pages with another scope's data.
    missing = []
    for model in apps.get_models():
        if not any(owner_paths(model)):
            continue
        owners = {tag[1] for tag in world.tags[model].values() if tag != SHARED}
        for org in (world.org_a, world.org_b):
            if org.pk not in owners:
                missing.append(f"{model._meta.label} has no row of {org}")
    assert missing == []


# --- Every URL of the URLconf ------------------------------------------------


@dataclass(frozen=True)
class Route:
    template: str  # "/admin/registry/assignment/%(object_id)s/change/"
    params: frozenset
    name: str  # the URL name ("admin:registry_assignment_change"), else the template
    model: type | None = None  # for a model admin's own URLs, its model


# Regex patterns with unnamed groups (simple_history's revert page), named by
# the end of their URL name.
POSITIONAL = {"_simple_history": ("object_id", "history_id")}


def routes():
    """Every URL pattern of the site, admin included, from get_resolver() down."""
    admin_prefixes = {f"{m._meta.app_label}/{m._meta.model_name}/": m for m in admin.site._registry}
    found = []

    def walk(resolver, prefix, params, namespaces, model):
        for pattern in resolver.url_patterns:
            fmt, names = normalize(pattern.pattern.regex.pattern)[0]
            if isinstance(pattern, URLResolver):
                inner = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
                walk(pattern, prefix + fmt, params + names, inner, admin_prefixes.get(fmt, model))
                continue
            name = ":".join([*namespaces, pattern.name]) if pattern.name else "/" + prefix + fmt
            names = [*params, *names]
            positional = next(
                (v for k, v in POSITIONAL.items() if pattern.name and pattern.name.endswith(k)), ()
            )
            template = "/" + prefix + fmt
            for i, real in enumerate(positional):
                template = template.replace(f"%(_{i})s", f"%({real})s")
                names = [real if n == f"_{i}" else n for n in names]
            found.append(Route(template, frozenset(names), name, model))

    walk(get_resolver(), "", [], [], None)
    return found


class Fill:
    """The values a walk fills URLs with: another scope's rows, and the rows they point
    at (the shared catalogue they use, home rows such as a person with an appointment
    at another unit), and home rows that once were another scope's (a row moved in
    from B shows its history). Of a shared model that nothing points at, one row."""

    def __init__(self, world, scope):
        self.world, self.scope = world, scope
        pointed_at = {}
        for model, tags in world.tags.items():
            foreign = [pk for pk, tag in tags.items() if tag != SHARED and scope.foreign(tag)]
            keys = [
                f
                for f in model._meta.concrete_fields
                if (f.many_to_one or f.one_to_one) and f.related_model in world.tags
            ]
            rows = model._base_manager.filter(pk__in=foreign)
            for values in rows.values_list(*[f.attname for f in keys]) if keys else []:
                for f, value in zip(keys, values, strict=True):
                    if value is not None:
                        pointed_at.setdefault(f.related_model, set()).add(value)
            instance_type = getattr(model, "instance_type", None)
            if instance_type is not None:
                pointed_at.setdefault(instance_type, set()).update(
                    rows.values_list("id", flat=True)
                )
        self._pks = {}
        for model, tags in world.tags.items():
            foreign = [pk for pk, tag in tags.items() if tag != SHARED and scope.foreign(tag)]
            others = [pk for pk in tags if pk in pointed_at.get(model, ())]
            first_shared = [pk for pk, tag in tags.items() if tag == SHARED][:1]
            self._pks[model] = list(dict.fromkeys(foreign + others + first_shared))

    def pks(self, model):
        return self._pks[model]

    def rows(self, model):
        found = model._base_manager.in_bulk(self.pks(model))
        return [found[pk] for pk in self.pks(model)]

    def samples(self, model):
        """One row of another huvudman, one of another unit of the home huvudman."""
        picked = {}
        for pk in self.pks(model):
            tag = self.world.tags[model][pk]
            if tag != SHARED and self.scope.foreign(tag):
                picked.setdefault(tag[1] in self.scope.organisations, pk)
        found = model._base_manager.in_bulk(list(picked.values()))
        return [found[pk] for pk in picked.values()]


def admin_rows(fill, route):
    return [{"object_id": pk} for pk in fill.pks(route.model)]


def admin_versions(fill, route):
    history = route.model.history.model
    records = history.objects.filter(id__in=fill.pks(route.model)).order_by("id", "history_id")
    return [
        {"object_id": record_id, "history_id": history_id}
        for history_id, record_id in records.values_list("history_id", "id")
    ]


def shortcut_targets(fill, route):
    return [
        {"content_type_id": ContentType.objects.get_for_model(model).pk, "object_id": pk}
        for model in apps.get_models()
        if hasattr(model, "get_absolute_url")
        for pk in fill.pks(model)
    ]


def unit_permission_pages(name, model):
    # Guardian's pages of a unit; for a user's or group's page, the first one.
    def values(fill, route):
        others = list(model.objects.values_list("pk", flat=True)[:1]) if model else [None]
        return [
            {"object_pk": unit, **({name: other} if model else {})}
            for unit in fill.pks(Unit)
            for other in others
        ]

    return values


def admin_catch_all(fill, route):
    # The admin's catch-all view: a row's change page without its final slash.
    index = reverse("admin:index")
    return [
        {"url": admin_url(model, "change", pks[0])[len(index) : -1]}
        for model in admin.site._registry
        if (pks := fill.pks(model))
    ]


def review_pages(fill, route):
    slugs = [unit.slug for unit in fill.rows(Unit)]
    return [
        {"round_pk": pk, "unit_slug": slug}
        for pk in ReviewRound.objects.values_list("pk", flat=True)
        for slug in slugs
    ]


# How to fill each set of path parameters; a new parameter name (or a new
# combination) fails test_every_url_parameter_is_filled until it is added here.
PARAMETERS = {
    frozenset({"object_id"}): admin_rows,
    frozenset({"object_id", "history_id"}): admin_versions,
    frozenset({"content_type_id", "object_id"}): shortcut_targets,
    frozenset({"object_pk"}): unit_permission_pages(None, None),
    frozenset({"object_pk", "user_id"}): unit_permission_pages("user_id", User),
    frozenset({"object_pk", "group_id"}): unit_permission_pages("group_id", Group),
    frozenset({"id"}): lambda fill, route: [{"id": pk} for pk in fill.pks(User)],
    frozenset({"uidb64", "token"}): lambda fill, route: [
        {"uidb64": urlsafe_base64_encode(force_bytes(pk)), "token": "1-bad-token"}
        for pk in fill.pks(User)[:1]
    ],
    frozenset({"app_label"}): lambda fill, route: [
        {"app_label": label} for label in sorted({m._meta.app_label for m in admin.site._registry})
    ],
    frozenset({"url"}): admin_catch_all,
    frozenset({"pk"}): lambda fill, route: [
        {"pk": pk} for model in (ReviewRound, Blueprint, Item) for pk in fill.pks(model)
    ],
    frozenset({"round_pk", "unit_slug"}): review_pages,
    # The API (issue 22): its rows by id, a user's own API keys, and any other path under /api/.
    frozenset({"assignment_id"}): lambda fill, route: [
        {"assignment_id": pk} for pk in fill.pks(Assignment)
    ],
    frozenset({"person_id"}): lambda fill, route: [{"person_id": pk} for pk in fill.pks(Person)],
    frozenset({"token_id"}): lambda fill, route: [{"token_id": pk} for pk in fill.pks(ApiToken)],
    frozenset({"path"}): lambda fill, route: [{"path": "v1/finns-inte/"}],
    frozenset({"initials"}): lambda fill, route: [
        {"initials": initials}
        for initials in dict.fromkeys(person.initials for person in fill.rows(Person))
    ],
    frozenset({"code"}): lambda fill, route: [
        {"code": code} for code in Role.objects.values_list("code", flat=True)
    ],
    # The e-mail's confirmation link, made for another scope's people and rows.
    frozenset({"token"}): lambda fill, route: [
        {"token": confirmation_token(assignment_id=row.pk, person_id=row.person_id, role_id=None)}
        for row in fill.rows(Assignment)
        if row.person_id
    ],
    frozenset({"slug"}): lambda fill, route: [
        {"slug": obj.slug} for model in (Organisation, Unit) for obj in fill.rows(model)
    ],
}


def test_every_url_parameter_is_filled():
    unknown = sorted(
        f"{route.name}: {sorted(route.params)}"
        for route in routes()
        if (route.params and route.params not in PARAMETERS)
        or any(name.startswith("_") for name in route.params)
    )
    assert unknown == [], "Add these parameters to PARAMETERS (or POSITIONAL) in this file"


# --- Query parameters that pick a scope ----------------------------------------


def unit_words(fill):
    return [unit.name for unit in fill.samples(Unit)]


def name_words(fill):
    return [p.name.split()[-1] for p in fill.samples(Person)]


# What to search an autocomplete of a foreign key to each model for.
SEARCH_WORDS = {Person: name_words, Unit: unit_words}


# Every query parameter a page reads (recorded while the walker reads the
# page) → its values from another scope, or None for parameters that pick no
# scope. A page that reads a parameter missing here fails the walk: add it.
QUERY = {
    "unit": lambda fill: [unit.slug for unit in fill.samples(Unit)],
    "enhet": lambda fill: [unit.slug for unit in fill.samples(Unit)],
    "sok": unit_words,
    "q": lambda fill: name_words(fill) + unit_words(fill),
    "huvudman": lambda fill: [org.slug for org in fill.samples(Organisation)],
    "from": lambda fill: [b.pk for b in fill.samples(Blueprint)],
    "to": lambda fill: [b.pk for b in fill.samples(Blueprint)],
    # The site names a person by initials, the API by id.
    "person": lambda fill: (
        [p.initials for p in fill.samples(Person)] + [p.pk for p in fill.samples(Person)]
    ),
    "from_person": lambda fill: [p.pk for p in fill.samples(Person)],
    "to_person": lambda fill: [p.pk for p in fill.samples(Person)],
    "kind": None,
    "area": None,
    "role": None,
    "format": None,
    "file_format": None,
    "sida": None,
    "next": None,
    "exakt": None,
    "ordning": None,  # the order of a search's matches on the blueprint pages
    # The API's (issue 22): versions compared, the assignments' filters, pages, Swagger UI.
    "before": lambda fill: [b.pk for b in fill.samples(Blueprint)],
    "after": lambda fill: [b.pk for b in fill.samples(Blueprint)],
    "item": None,
    "organisation_wide": None,
    "cursor": None,
    "page_size": None,
    "script": None,
    "lang": None,  # the OpenAPI document's language and version (drf-spectacular)
    "version": None,
    # The admin's own: the changelist's state, popups, paging.
    "_changelist_filters": None,
    "_facets": None,
    "_popup": None,
    "_to_field": None,
    "all": None,
    "p": None,
    "o": None,
    "e": None,
}
# An admin list filter's parameter (SimpleListFilter.parameter_name) → the
# QUERY entry that gives its values, or None for filters that pick no scope.
LIST_FILTERS = {
    "enhet": "enhet",
    "utan_ansvarig": "enhet",
    "roll": None,
    "typ": None,
    "locked_out": None,
    "koppling": None,
    "period": None,
}


def list_filter_parameters():
    return [
        (model_admin, entry.parameter_name)
        for model_admin in admin.site._registry.values()
        for entry in model_admin.list_filter
        if isinstance(entry, type) and hasattr(entry, "parameter_name")
    ]


def test_every_list_filter_is_in_the_table():
    unknown = sorted(
        f"{type(model_admin).__name__}: {name}"
        for model_admin, name in list_filter_parameters()
        if name not in LIST_FILTERS
    )
    assert unknown == [], "Add these list filter parameters to LIST_FILTERS in this file"


def owned(model):
    """Does the model belong to a unit or a huvudman (not the shared catalogue)?"""
    return model in apps.get_models() and any(owner_paths(model))


def changelist_queries(model_admin, fill):
    """Each list filter of a changelist, and its search, with another scope's values."""
    queries = [{"q": word} for word in name_words(fill) + unit_words(fill)]
    for entry in model_admin.list_filter:
        entry = entry[0] if isinstance(entry, (list, tuple)) else entry
        if isinstance(entry, str):
            target = get_fields_from_path(model_admin.model, entry)[-1]
            if target.is_relation and owned(target.related_model):
                name = f"{entry}__{target.target_field.name}__exact"
                queries += [{name: obj.pk} for obj in fill.samples(target.related_model)]
        elif LIST_FILTERS.get(entry.parameter_name):
            values = QUERY[LIST_FILTERS[entry.parameter_name]](fill)
            queries += [{entry.parameter_name: value} for value in values]
    return queries


def add_page_queries(model, fill):
    """An add page prefilled with another scope's rows (?unit=<id>)."""
    return [
        {f.name: obj.pk}
        for f in model._meta.fields
        if f.many_to_one and owned(f.related_model)
        for obj in fill.samples(f.related_model)
    ]


def autocomplete_queries(fill):
    """Every autocomplete of every model admin and inline, unsearched and searched."""
    queries = []
    for model, model_admin in admin.site._registry.items():
        for source in [model_admin, *model_admin.inlines]:
            source_model = getattr(source, "model", None) or model
            for field_name in source.autocomplete_fields:
                base = {
                    "app_label": source_model._meta.app_label,
                    "model_name": source_model._meta.model_name,
                    "field_name": field_name,
                }
                target = source_model._meta.get_field(field_name).related_model
                words = SEARCH_WORDS.get(target, lambda fill: [])(fill)
                queries += [base] + [{**base, "term": word} for word in words]
    return queries


# --- What another scope looks like in a response ------------------------------


def admin_url(model, view, *args):
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


def row_urls(model):
    """{pk: the pages of that row}: its admin pages, its own page and the admin's link to it."""
    urls = {pk: [] for pk in model._base_manager.values_list("pk", flat=True)}
    if model in admin.site._registry:
        for pk, found in urls.items():
            found += [admin_url(model, view, pk) for view in ("change", "history", "delete")]
    instance_type = getattr(model, "instance_type", None)
    if instance_type in admin.site._registry:
        for history_id, record_id in model._base_manager.values_list("history_id", "id"):
            urls[history_id].append(
                admin_url(instance_type, "simple_history", record_id, history_id)
            )
    if hasattr(model, "get_absolute_url"):
        content_type = ContentType.objects.get_for_model(model).pk
        for obj in model._base_manager.all():
            urls[obj.pk] += [obj.get_absolute_url(), f"/admin/r/{content_type}/{obj.pk}/"]
    return {pk: [url for url in found if url] for pk, found in urls.items()}


@dataclass
class Markers:
    """What a user must not see: the texts and pages of rows owned by another scope."""

    texts: set
    links: set

    @classmethod
    def of(cls, world, scope):
        texts = {
            text for tag, found in world.markers.items() if scope.foreign(tag) for text in found
        }
        links, own = set(), set()
        for model, urls in world.urls.items():
            for pk, found in urls.items():
                (links if scope.foreign(world.tags[model][pk]) else own).update(found)
        # A page of a home row too (/person/A.W/ is both A's and B's A.W) names nothing.
        return cls(texts, links - own)

    def found_in(self, body, asked):
        """The markers in `body` that the request itself did not name."""
        return sorted(
            {text for text in self.texts if text in body and text not in asked}
            | {f"link {url}" for url in self.links if url in body and url not in asked}
        )


def body_text(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # xlsx and ods: the text is in the zipped XML
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(name) for name in archive.namelist())
    return content.decode("utf-8", errors="replace")


class ReadKeys:
    """Records which query parameters views read, so that the walker tries them."""

    def __init__(self):
        self.keys = None

    def __call__(self, method):
        def reading(query, key, *args, **kwargs):
            if self.keys is not None:
                self.keys.add(key)
            return method(query, key, *args, **kwargs)

        return reading

    def install(self, monkeypatch):
        for name in ("get", "getlist", "__getitem__", "__contains__"):
            monkeypatch.setattr(QueryDict, name, self(getattr(QueryDict, name)))
        return self


REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class Walker:
    client: Client
    who: str
    markers: Markers
    read_keys: ReadKeys
    findings: list = field(default_factory=list)
    visited: set = field(default_factory=set)
    routes: set = field(default_factory=set)  # the templates of the routes visited

    def report(self, url, reason):
        self.findings.append((self.who, url, reason))

    def check(self, response, url, asked):
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            self.report(url, f"{response.status_code} {exc[1]!r}" if exc else "500")
        elif response.status_code not in REDIRECTS:
            leaked = self.markers.found_in(body_text(response), asked)
            if leaked:
                self.report(url, f"{response.status_code} shows {', '.join(leaked)}")

    def get(self, url):
        """GET `url`, check it and where it redirects; return the query keys the view read
        (None when the page did not answer 200: its queries are not tried)."""
        if url in self.visited:
            return None
        self.visited.add(url)
        self.read_keys.keys = set()
        response = self.client.get(url)
        read, self.read_keys.keys = self.read_keys.keys, None
        asked = unquote(url)
        self.check(response, url, asked)
        if response.status_code in REDIRECTS:
            location = urlsplit(response["Location"])
            path = location.path
            if path in self.markers.links and not path.startswith(urlsplit(url).path):
                self.report(url, f"redirects to {path}")
            target = urlsplit(response["Location"])._replace(scheme="", netloc="").geturl()
            if not location.netloc and not login_page(path) and target not in self.visited:
                self.visited.add(target)
                self.check(self.client.get(target), f"{url} → {target}", asked)
        return read if response.status_code == 200 else None


def login_page(path):
    return path in (reverse("login"), reverse("admin:login"))


def client_for(scope, key=None):
    """A client signed in as the scope's user; with `key`, the API reads by that key."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    client = Client(raise_request_exception=False, **headers)
    if scope.user is not None:
        client.force_login(scope.user)
    return client


# Pages the walk does not visit, and why.
SKIP = {
    "logout": "ends the walker's session",
}


def walk(world, who, read_keys):
    scope = world.scopes[who]
    fill = Fill(world, scope if scope.thorough else world.scopes["rektor A"])
    key = world.keys.get(scope.user.pk) if scope.user else None
    walker = Walker(client_for(scope, key), who, Markers.of(world, scope), read_keys)
    for route in routes():
        if route.name in SKIP:
            continue
        if route.params:
            values = PARAMETERS.get(route.params, lambda fill, route: [])(fill, route)
            for value in values if scope.thorough else values[:1]:
                walker.routes.add(route.template)
                walker.get(route.template % value)
            continue
        walker.routes.add(route.template)
        read = walker.get(route.template)
        if read is None or not scope.thorough:
            continue
        model_admin = admin.site._registry.get(route.model)
        if route.name == "admin:autocomplete":
            queries = autocomplete_queries(fill)
        elif route.name.endswith("_changelist"):
            queries = changelist_queries(model_admin, fill)
        elif route.name.endswith("_add"):
            queries = add_page_queries(route.model, fill)
        else:
            queries = []
            for key in sorted(read):
                if key not in QUERY:
                    walker.report(route.template, f"reads ?{key}=, which QUERY does not list")
                elif QUERY[key] is not None:
                    queries += [{key: value} for value in QUERY[key](fill)]
        for query in queries:
            walker.get(f"{route.template}?{urlencode(query)}")
    return walker


def report(findings):
    """One line per user, page and reason; query strings that found the same are counted."""
    lines = {}
    for who, url, reason in findings:
        path, _, query = url.partition("?")
        lines.setdefault((who, path, reason), []).append(query)
    return "\n".join(
        f"{who} | {path}{'?' + queries[0] if queries[0] else ''}"
        f"{f' (+{len(queries) - 1} more)' if len(queries) > 1 else ''} | {reason}"
        for (who, path, reason), queries in sorted(lines.items())
    )


def test_the_walker_sees_another_scope_where_it_is_shown(world):
    # An administratör sees everything: what rektor A must not see is on these
    # pages, so the markers match pages as rendered (HTML, JSON, xlsx).
    markers = Markers.of(world, world.scopes["rektor A"])
    client = client_for(world.scopes["administratör"])
    bertil = {"Bertil Bortamannen", "bertil@b-huvudman.example", "Bortarektorn"}
    autocomplete = {"app_label": "registry", "model_name": "assignment", "field_name": "person"}
    pages = {
        reverse("admin:organisation_person_changelist"): bertil
        | {f"link {admin_url(Person, 'change', world.bertil.pk)}"},
        admin_url(Person, "change", world.bertil.pk): bertil | {"+46 70 203 03 03"},
        f"{reverse('admin:autocomplete')}?{urlencode(autocomplete)}": {"Bertil Bortamannen"},
        reverse("registry:version_list"): {
            "Bortaanteckningen om versionen",
            f"link {world.blueprint_b.get_absolute_url()}",
        },
        f"{reverse('admin:registry_item_blueprint_export')}?file_format=xlsx": {"bortaskolan"},
    }
    for url, expected in pages.items():
        found = set(markers.found_in(body_text(client.get(url)), url))
        assert expected <= found, url


@pytest.fixture(autouse=True)
def unthrottled(settings):
    # The walk sends thousands of API requests with one key (api.keys.authentication's throttle).
    settings.DIGIANSVAR_API_RATE = "1000000/min"


@pytest.fixture
def quiet():
    """The walk asks for thousands of refused pages: keep django.request's log quiet."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


def test_no_page_shows_another_scope(world, monkeypatch, quiet):
    read_keys = ReadKeys().install(monkeypatch)
    findings, visited = [], set()
    # Signing the walker's users in sets their last login and writes a login
    # record (axes): not a page's write. The one write a GET makes on purpose:
    # a search that finds nothing counts its words (docs/search.md).
    signing_in = {"last_login", "axes.AccessLog", "registry.UnansweredSearch"}
    before = database_state(ignore=signing_in)
    for who in world.scopes:
        walker = walk(world, who, read_keys)
        findings += walker.findings
        visited |= walker.routes
    # A GET never writes: every table as it was after the whole walk.
    for table in changed_tables(before, database_state(ignore=signing_in)):
        findings.append(("walker", table, "written by the GET walk"))
    for route in routes():
        if route.name not in SKIP and route.template not in visited:
            findings.append(("walker", route.template, "no value to visit this URL with"))
    if findings:
        pytest.fail(f"{len(findings)} findings:\n{report(findings)}", pytrace=False)


# --- Forged writes --------------------------------------------------------------

# Written by every request (the session), not by what the request asks for.
VOLATILE = {"sessions.Session"}


def database_state(ignore=()):
    """{table: (rows, hash of every row ordered by primary key)} of every model, leaving
    out the tables (labels) and columns named in `ignore`."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label in VOLATILE or model._meta.label in ignore:
            continue
        columns = [f.attname for f in model._meta.concrete_fields if f.attname not in ignore]
        digest, count = hashlib.sha256(), 0
        for row in model._base_manager.order_by("pk").values_list(*columns):
            digest.update(repr(row).encode())
            count += 1
        state[model._meta.label] = (count, digest.hexdigest())
    return state


def changed_tables(before, after):
    return [
        f"{label} ({before[label][0]} → {after[label][0]} rows)"
        if before[label][0] != after[label][0]
        else label
        for label in before
        if before[label] != after[label]
    ]


def item_row(unit_slug, item, responsible):
    """A blueprint file row: Enhet, Område, Kolumn, Ansvarsområde, Ansvariga, Beskrivning."""
    return [unit_slug, item.column.area.name, item.column.name, item.name, responsible, ""]


def import_file(client, content, **data):
    """Upload a blueprint file, and confirm it when the preview offers to."""
    preview = upload(client, content, **data)
    if b'name="token"' not in preview.content:
        return preview
    return client.post(
        reverse("admin:registry_item_blueprint_import"), {"token": token_of(preview)}
    )


def sign_off(round_name, unit_name):
    def send(client, w):
        url = reverse(
            "review:unit_review", args=[w.objects[round_name].pk, w.objects[unit_name].slug]
        )
        return client.post(url, {"decision": "sign", "comment": "Godkänd"})

    return send


def reassign(from_name, to_name, units=()):
    def send(client, w):
        data = {
            "from_person": w.objects[from_name].pk,
            "to_person": w.objects[to_name].pk,
            "units": [w.objects[name].pk for name in units],
            "mismatch": "keep",
            "confirm": "1",
        }
        return client.post(reverse("admin:registry_assignment_reassign"), data)

    return send


def import_row(unit_name, item_name, responsible, **data):
    def send(client, w):
        slug = w.objects[unit_name].slug if unit_name else ""
        row = item_row(slug, w.objects[item_name], responsible)
        return import_file(client, csv_with(row), **data)

    return send


def import_export_again(client, w):
    """Export the home unit as the site offers it, and import it again in replace mode."""
    export = client.get(
        reverse("registry:blueprint_export"), {"unit": "hemmaskolan", "format": "csv"}
    )
    return import_file(client, body_text(export).encode(), name="export.csv", replace="on")


def publish(org_name):
    def send(client, w):
        data = {
            "organisation": w.objects[org_name].pk,
            "title": "Smygversionen",
            "version": "9",
            "published": "2026-09-01",
        }
        return client.post(reverse("admin:registry_blueprint_add"), data)

    return send


def grant_action(unit_name, user_name):
    def send(client, w):
        data = {
            "action": "grant_units",
            "_selected_action": [w.objects[unit_name].pk],
            "user": w.objects[user_name].pk,
            "role": "rektor",
            "apply": "1",
        }
        return client.post(reverse("admin:organisation_unit_changelist"), data)

    return send


def grant_page(unit_name, user_name):
    def send(client, w):
        url = reverse(
            "admin:organisation_unit_permissions_manage_user",
            args=[w.objects[unit_name].pk, w.objects[user_name].pk],
        )
        return client.post(url, {"permissions": ["manage_unit"]})

    return send


def remind(round_name):
    def send(client, w):
        return client.post(reverse("review:round_remind", args=[w.objects[round_name].pk]))

    return send


API_ASSIGNMENTS = "/api/v1/assignments/"


def api(method, url, body=None):
    """An API request with the key of the client's own user (World.keys); `url` and `body`
    may be functions of the world."""

    def send(client, w):
        raw = getattr(client, "client", client)  # a Sent, or a plain Client
        user_id = int(raw.session["_auth_user_id"])
        path = url(w) if callable(url) else url
        data = body(w) if callable(body) else body
        if raw is not client:
            client.keep(path, data)
        return raw.generic(
            method,
            path,
            json.dumps(data) if data is not None else "",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {w.keys[user_id]}",
        )

    return send


def api_row(name):
    return lambda w: f"{API_ASSIGNMENTS}{w.objects[name].pk}/"


def api_new_row(unit_name, person_name=None):
    def body(w):
        unit = w.objects[unit_name].slug if unit_name else None
        data = {"item": w.item1.pk, "unit": unit, "role": "ITS", "reason": "Smygrad"}
        return {**data, "person": w.objects[person_name].pk} if person_name else data

    return body


def api_reassign(from_name, to_name, units=()):
    def body(w):
        data = {"from_person": w.objects[from_name].pk, "to_person": w.objects[to_name].pk}
        return {**data, "units": [w.objects[name].slug for name in units]}

    return api("POST", f"{API_ASSIGNMENTS}reassign/", body)


def revoke_key(user_name):
    def send(client, w):
        token = ApiToken.objects.get(user=w.objects[user_name])
        return client.post(reverse("api_keys:token_revoke", args=[token.pk]))

    return send


@dataclass(frozen=True)
class Write:
    """A POST (or several) that must change nothing; a control must change something,
    which shows that the forged request is built as the page would send it."""

    who: str
    what: str
    send: object
    control: bool = False


WRITES = [
    Write("rektor A", "sign off B's unit review", sign_off("round_b", "unit_b1")),
    Write("rektor A", "sign off another A unit's review", sign_off("round_a", "unit_a2")),
    Write("rektor A", "sign off the home unit's review", sign_off("round_a", "unit_a1"), True),
    Write("rektor A", "remind B's round", remind("round_b")),
    Write("rektor A", "Flytta ansvar from B's person", reassign("bertil", "aw_a")),
    Write("rektor A", "Flytta ansvar to B's person", reassign("aw_a", "bertil")),
    Write("rektor A", "Flytta ansvar of rows at another A unit", reassign("arne", "anders")),
    Write(
        "rektor A", "Flytta ansvar naming another A unit", reassign("anders", "aw_a", ["unit_a2"])
    ),
    Write("rektor A", "Flytta ansvar at the home unit", reassign("aw_a", "anders"), True),
    Write("rektor A", "import a row for B's unit", import_row("unit_b1", "item0", "A.W ITS")),
    Write("rektor A", "import a row for another A unit", import_row("unit_a2", "item0", "A.W ITS")),
    Write(
        "rektor A",
        "import into another A unit chosen in the form",
        import_row("unit_a2", "item0", "A.W ITS", unit="andrabyskolan"),
    ),
    Write(
        "rektor A",
        "import a row without unit naming B's person",
        import_row(None, "item1", "B.BORTA ITS"),
    ),
    Write("rektor A", "replace-import the exported home unit file", import_export_again),
    Write("administratör", "replace-import the exported unit file", import_export_again),
    Write(
        "rektor A",
        "import a row for the home unit",
        import_row("unit_a1", "item1", "A.HEMMA"),
        True,
    ),
    Write("rektor A", "publish a version of B", publish("org_b")),
    Write("rektor A", "publish a version of A", publish("org_a")),
    Write("administratör", "publish a version of A", publish("org_a"), True),
    Write(
        "rektor A", "grant B's unit to oneself (admin action)", grant_action("unit_b1", "rektor_a")
    ),
    Write("rektor A", "grant another A unit to oneself", grant_action("unit_a2", "rektor_a")),
    Write("rektor A", "grant B's unit on its permissions page", grant_page("unit_b1", "rektor_a")),
    Write("administratör", "grant a unit (admin action)", grant_action("unit_a2", "reader"), True),
    Write(
        "administratör",
        "grant a unit on its permissions page",
        grant_page("unit_a2", "reader"),
        True,
    ),
]
# The API (issue 22): what admin refuses, a key refuses too.
WRITES += [
    Write("rektor A", "API: change B's row", api("PATCH", api_row("row_b1"), {"order": 9})),
    Write("rektor A", "API: change another A unit's row", api("PATCH", api_row("row_a2"), {})),
    Write("rektor A", "API: replace another A unit's row", api("PUT", api_row("row_a2"), {})),
    Write(
        "rektor A",
        "API: change an organisation-wide row",
        api("PATCH", api_row("row_a_wide"), {"order": 9}),
    ),
    Write(
        "rektor A",
        "API: move the home row to B's unit",
        api("PATCH", api_row("row_a1"), {"unit": "bortaskolan"}),
    ),
    Write(
        "rektor A",
        "API: move the home row to another A unit",
        api("PATCH", api_row("row_a1"), {"unit": "andrabyskolan"}),
    ),
    Write(
        "rektor A",
        "API: add a row at B's unit",
        api("POST", API_ASSIGNMENTS, api_new_row("unit_b1")),
    ),
    Write(
        "rektor A",
        "API: add a row at another A unit",
        api("POST", API_ASSIGNMENTS, api_new_row("unit_a2")),
    ),
    Write(
        "rektor A",
        "API: add an organisation-wide row",
        api("POST", API_ASSIGNMENTS, api_new_row(None)),
    ),
    Write(
        "rektor A",
        "API: add a row naming B's person",
        api("POST", API_ASSIGNMENTS, api_new_row("unit_a1", "bertil")),
    ),
    Write("rektor A", "API: Flytta ansvar from B's person", api_reassign("bertil", "aw_a")),
    Write("rektor A", "API: Flytta ansvar to B's person", api_reassign("aw_a", "bertil")),
    Write(
        "rektor A", "API: Flytta ansvar of another A unit's rows", api_reassign("arne", "anders")
    ),
    Write(
        "rektor A",
        "API: Flytta ansvar naming another A unit",
        api_reassign("anders", "aw_a", ["unit_a2"]),
    ),
    Write("rektor A", "revoke rektor B's API key", revoke_key("rektor_b")),
    Write(
        "rektor A",
        "API: add a row at the home unit",
        api("POST", API_ASSIGNMENTS, api_new_row("unit_a1")),
        True,
    ),
    Write(
        "rektor A", "API: change the home row", api("PATCH", api_row("row_a1"), {"order": 9}), True
    ),
    Write("rektor A", "API: Flytta ansvar at the home unit", api_reassign("aw_a", "anders"), True),
    Write("rektor A", "revoke one's own API key", revoke_key("rektor_a"), True),
]
# What a rektor may do at home, a läsare may not do at all.
WRITES += [
    Write("läsare", write.what, write.send)
    for write in WRITES
    if write.control and write.who == "rektor A"
]


def delete_writes(world):
    """POST "Ja, jag är säker" on the delete page of every row of another scope, and DELETE
    every assignment of another scope through the API."""
    scope = world.scopes["rektor A"]
    for pk, tag in world.tags[Assignment].items():
        if tag != SHARED and scope.foreign(tag):
            url = f"{API_ASSIGNMENTS}{pk}/"
            yield Write("rektor A", f"API: delete assignment {pk}", api("DELETE", url))
    for model in admin.site._registry:
        for pk, tag in world.tags[model].items():
            if tag != SHARED and scope.foreign(tag):
                url = admin_url(model, "delete", pk)
                yield Write(
                    "rektor A",
                    f"delete {model._meta.label} {pk}",
                    lambda client, w, url=url: client.post(url, {"post": "yes"}),
                )


@pytest.fixture
def media(settings, tmp_path):
    # Previewed imports wait in MEDIA_ROOT.
    settings.MEDIA_ROOT = tmp_path / "media"


class Sent:
    """A client that keeps what it sent: a page may echo that back without leaking it."""

    def __init__(self, client):
        self.client, self.texts = client, []

    def keep(self, url, data):
        self.texts.append(unquote(url))
        for value in (data or {}).values():
            if hasattr(value, "read"):
                self.texts.append(value.read().decode("utf-8", errors="replace"))
                value.seek(0)
            else:
                self.texts.append(str(value))

    def get(self, url, data=None, **kwargs):
        self.keep(url, data)
        return self.client.get(url, data, **kwargs)

    def post(self, url, data=None, **kwargs):
        self.keep(url, data)
        return self.client.post(url, data, **kwargs)


def test_forged_writes_change_nothing(world, media, quiet):
    clients = {who: client_for(scope) for who, scope in world.scopes.items()}
    findings = []
    for write in [*WRITES, *delete_writes(world)]:
        client = Sent(clients[write.who])
        with transaction.atomic():
            before = database_state()
            response = write.send(client, world)
            changed = changed_tables(before, database_state())
            transaction.set_rollback(True)
        markers = Markers.of(world, world.scopes[write.who])
        walker = Walker(client.client, write.who, markers, ReadKeys())
        walker.check(response, write.what, "\n".join(client.texts))
        findings += walker.findings
        if write.control and not changed:
            findings.append((write.who, write.what, "control changed nothing: fix the request"))
        elif changed and not write.control:
            findings.append((write.who, write.what, f"changed {', '.join(changed)}"))
    if findings:
        pytest.fail(f"{len(findings)} findings:\n{report(findings)}", pytrace=False)


# Another scope's name must get the answer an unknown one gets (else the answer
# tells that it exists): (who, what, request naming another scope's row, the
# same naming a row that is not another scope's, the two names).
ALIKE = [
    (
        "rektor A",
        "import a row without unit: B's initials as unknown ones",
        lambda name: import_row(None, "item0", f"{name} ITS"),
        ("B.BORTA", "ZZ.FINNSEJ"),
    ),
    (
        "rektor A",
        "import a row without unit: A.W (also B's) as A-only initials",
        lambda name: import_row(None, "item0", f"{name} ITS"),
        ("A.W", "A.HEMMA"),
    ),
    (
        "rektor A",
        "API: B's person by id as an id nobody has",
        lambda name: api("GET", lambda w: f"/api/v1/people/{pk_or_none(w, name)}/"),
        ("bertil", "nobody"),
    ),
    (
        "rektor A",
        "API: the assignments of B's unit as of a unit that does not exist",
        lambda name: api("GET", f"{API_ASSIGNMENTS}?unit={name}"),
        ("bortaskolan", "finns-ej"),
    ),
]


def pk_or_none(w, name):
    """The id of a row of the world, or one no row has."""
    return w.objects[name].pk if name in w.objects else 10**6


def answer_text(response, name):
    text = body_text(response).replace(name, "NAME")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def test_another_scopes_names_get_the_answer_unknown_ones_get(world, media, quiet):
    findings = []
    for who, what, build, names in ALIKE:
        answers = []
        for name in names:
            with transaction.atomic():
                response = build(name)(client_for(world.scopes[who]), world)
                transaction.set_rollback(True)
            answers.append(answer_text(response, name).splitlines())
        differ = [(a, b) for a, b in zip(*answers, strict=False) if a != b]
        if differ or len(answers[0]) != len(answers[1]):
            first = differ[0] if differ else ("", "")
            findings.append((who, what, f"{first[0].strip()!r} ≠ {first[1].strip()!r}"))
    if findings:
        pytest.fail(f"{len(findings)} findings:\n{report(findings)}", pytrace=False)
