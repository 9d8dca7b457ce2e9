"""Who may do what in admin: every admin page × the six kinds of user.

Each expectation is a status, or (status, what the user gets): the rows of a
changelist, "rw"/"ro" for a change page (editable or read only), the labels
an autocomplete offers. 302 for a logged-in user means admin did not find
the object in the user's scope (it redirects to the index).
"""

import pytest
from django.contrib import admin
from django.urls import resolve, reverse

from tests.admin.conftest import USERS

pytestmark = pytest.mark.django_db

ALL_ROWS = {"row_a", "row_b", "row_org"}


def changelist_rows(world, response):
    return {world.name(obj) for obj in response.context["cl"].result_list}


def editable(world, response):
    return "rw" if response.context["has_change_permission"] else "ro"


def autocomplete_labels(world, response):
    return {result["text"] for result in response.json()["results"]}


def item_inlines(world, response):
    """(rows the user may change, rows shown read-only) on the item page."""
    shown = {}
    for inline in response.context["inline_admin_formsets"]:
        key = "rw" if inline.has_change_permission else "ro"
        shown[key] = {world.name(form.instance) for form in inline.formset.initial_forms}
    return shown.get("rw", set()), shown.get("ro", set())


def item_responsible(world, response):
    (item,) = response.context["cl"].result_list
    return {row.person_initials or row.role_code for row in item.visible_rows}


def url(name, *args, query=""):
    return reverse(f"admin:{name}", args=args) + query


# (case id, url builder, extractor or None, {user: expected})
CASES = [
    (
        "assignment-changelist",
        lambda w: url("registry_assignment_changelist"),
        changelist_rows,
        {
            "läsare": (200, ALL_ROWS),
            "rektor_a": (200, {"row_a", "row_org"}),
            "rektor_b": (200, {"row_b", "row_org"}),
            "verksamhetsutvecklare": (200, ALL_ROWS),
            "administratör": (200, ALL_ROWS),
        },
    ),
    (
        "assignment-change-a",
        lambda w: url("registry_assignment_change", w.row_a.pk),
        editable,
        {
            "läsare": (200, "ro"),
            "rektor_a": (200, "rw"),
            "rektor_b": 302,
            "verksamhetsutvecklare": (200, "ro"),
            "administratör": (200, "rw"),
        },
    ),
    (
        "assignment-change-organisation-wide",
        lambda w: url("registry_assignment_change", w.row_org.pk),
        editable,
        {
            "läsare": (200, "ro"),
            "rektor_a": (200, "ro"),
            "rektor_b": (200, "ro"),
            "verksamhetsutvecklare": (200, "ro"),
            "administratör": (200, "rw"),
        },
    ),
    (
        "assignment-add",
        lambda w: url("registry_assignment_add"),
        None,
        {
            "läsare": 403,
            "rektor_a": 200,
            "rektor_b": 200,
            "verksamhetsutvecklare": 403,
            "administratör": 200,
        },
    ),
    (
        "assignment-delete-a",
        lambda w: url("registry_assignment_delete", w.row_a.pk),
        None,
        {
            "läsare": 403,
            "rektor_a": 200,
            "rektor_b": 302,
            "verksamhetsutvecklare": 403,
            "administratör": 200,
        },
    ),
    (
        "assignment-history-a",
        lambda w: url("registry_assignment_history", w.row_a.pk),
        None,
        {
            "läsare": 200,
            "rektor_a": 200,
            # None of its versions is in B's scope: as if the row did not exist.
            "rektor_b": 404,
            "verksamhetsutvecklare": 200,
            "administratör": 200,
        },
    ),
    (
        "assignment-unit-autocomplete",
        lambda w: url(
            "autocomplete", query="?app_label=registry&model_name=assignment&field_name=unit"
        ),
        autocomplete_labels,
        {
            "läsare": (200, set()),
            "rektor_a": (200, {"Skola A"}),
            "rektor_b": (200, {"Skola B"}),
            "verksamhetsutvecklare": (200, set()),
            "administratör": (200, {"Skola A", "Skola B", "Skola X"}),
        },
    ),
    (
        "assignment-person-autocomplete",
        lambda w: url(
            "autocomplete", query="?app_label=registry&model_name=assignment&field_name=person"
        ),
        autocomplete_labels,
        {
            "läsare": (200, set()),
            "rektor_a": (200, {"A.A", "B.B"}),
            "rektor_b": (200, {"A.A", "B.B"}),
            "verksamhetsutvecklare": (200, set()),
            "administratör": (200, {"A.A", "B.B", "X.X"}),
        },
    ),
    (
        "item-changelist",
        lambda w: url("registry_item_changelist"),
        item_responsible,
        {
            "läsare": (200, {"A.A", "B.B", "ITS"}),
            "rektor_a": (200, {"A.A", "ITS"}),
            "rektor_b": (200, {"B.B", "ITS"}),
            "verksamhetsutvecklare": (200, {"A.A", "B.B", "ITS"}),
            "administratör": (200, {"A.A", "B.B", "ITS"}),
        },
    ),
    (
        "item-change",
        lambda w: url("registry_item_change", w.item.pk),
        item_inlines,
        {
            "läsare": (200, (set(), ALL_ROWS)),
            "rektor_a": (200, ({"row_a"}, {"row_org"})),
            "rektor_b": (200, ({"row_b"}, {"row_org"})),
            "verksamhetsutvecklare": (200, (set(), ALL_ROWS)),
            "administratör": (200, (ALL_ROWS, set())),
        },
    ),
    (
        "item-add",
        lambda w: url("registry_item_add"),
        None,
        {
            "läsare": 403,
            "rektor_a": 403,
            "rektor_b": 403,
            "verksamhetsutvecklare": 200,
            "administratör": 200,
        },
    ),
    (
        "item-delete",
        lambda w: url("registry_item_delete", w.item.pk),
        None,
        {
            "läsare": 403,
            "rektor_a": 403,
            "rektor_b": 403,
            "verksamhetsutvecklare": 200,
            "administratör": 200,
        },
    ),
    (
        "item-autocomplete",
        lambda w: url(
            "autocomplete", query="?app_label=registry&model_name=assignment&field_name=item"
        ),
        autocomplete_labels,
        {user: (200, {"WiFi"}) for user in USERS[1:]},
    ),
    (
        "role-changelist",
        lambda w: url("registry_role_changelist"),
        None,
        {user: 200 for user in USERS[1:]},
    ),
    (
        "role-change",
        lambda w: url("registry_role_change", w.role.pk),
        editable,
        {
            "läsare": (200, "ro"),
            "rektor_a": (200, "ro"),
            "rektor_b": (200, "ro"),
            "verksamhetsutvecklare": (200, "rw"),
            "administratör": (200, "rw"),
        },
    ),
    (
        "role-add",
        lambda w: url("registry_role_add"),
        None,
        {
            "läsare": 403,
            "rektor_a": 403,
            "rektor_b": 403,
            "verksamhetsutvecklare": 200,
            "administratör": 200,
        },
    ),
    (
        "person-changelist",
        lambda w: url("organisation_person_changelist"),
        changelist_rows,
        {
            "läsare": (200, {"person_a", "person_b", "person_x"}),
            "rektor_a": (200, {"person_a", "person_b"}),
            "rektor_b": (200, {"person_a", "person_b"}),
            "verksamhetsutvecklare": (200, {"person_a", "person_b", "person_x"}),
            "administratör": (200, {"person_a", "person_b", "person_x"}),
        },
    ),
    (
        "person-change-b",
        lambda w: url("organisation_person_change", w.person_b.pk),
        editable,
        {
            "läsare": (200, "ro"),
            "rektor_a": (200, "ro"),
            "rektor_b": (200, "rw"),
            "verksamhetsutvecklare": (200, "ro"),
            "administratör": (200, "rw"),
        },
    ),
    (
        "person-change-other-huvudman",
        lambda w: url("organisation_person_change", w.person_x.pk),
        editable,
        {
            "läsare": (200, "ro"),
            "rektor_a": 302,
            "rektor_b": 302,
            "verksamhetsutvecklare": (200, "ro"),
            "administratör": (200, "rw"),
        },
    ),
    (
        "person-add",
        lambda w: url("organisation_person_add"),
        None,
        {
            "läsare": 403,
            "rektor_a": 200,
            "rektor_b": 200,
            "verksamhetsutvecklare": 403,
            "administratör": 200,
        },
    ),
    (
        "person-delete-b",
        lambda w: url("organisation_person_delete", w.person_b.pk),
        None,
        {
            "läsare": 403,
            "rektor_a": 403,
            "rektor_b": 200,
            "verksamhetsutvecklare": 403,
            "administratör": 200,
        },
    ),
    (
        "appointment-changelist",
        lambda w: url("organisation_appointment_changelist"),
        changelist_rows,
        {
            "läsare": (200, {"appointment_a", "appointment_b"}),
            "rektor_a": (200, {"appointment_a"}),
            "rektor_b": (200, {"appointment_b"}),
            "verksamhetsutvecklare": (200, {"appointment_a", "appointment_b"}),
            "administratör": (200, {"appointment_a", "appointment_b"}),
        },
    ),
    (
        "appointment-change-a",
        lambda w: url("organisation_appointment_change", w.appointment_a.pk),
        editable,
        {
            "läsare": (200, "ro"),
            "rektor_a": (200, "rw"),
            "rektor_b": 302,
            "verksamhetsutvecklare": (200, "ro"),
            "administratör": (200, "rw"),
        },
    ),
    (
        "appointment-add",
        lambda w: url("organisation_appointment_add"),
        None,
        {
            "läsare": 403,
            "rektor_a": 200,
            "rektor_b": 200,
            "verksamhetsutvecklare": 403,
            "administratör": 200,
        },
    ),
    (
        "unit-changelist",
        lambda w: url("organisation_unit_changelist"),
        changelist_rows,
        {
            "läsare": (200, {"unit_a", "unit_b", "unit_x"}),
            "rektor_a": (200, {"unit_a"}),
            "rektor_b": (200, {"unit_b"}),
            "verksamhetsutvecklare": (200, {"unit_a", "unit_b", "unit_x"}),
            "administratör": (200, {"unit_a", "unit_b", "unit_x"}),
        },
    ),
    (
        "unit-change-b",
        lambda w: url("organisation_unit_change", w.unit_b.pk),
        editable,
        {
            "läsare": (200, "ro"),
            "rektor_a": 302,
            "rektor_b": (200, "ro"),
            "verksamhetsutvecklare": (200, "ro"),
            "administratör": (200, "rw"),
        },
    ),
    (
        "unit-add",
        lambda w: url("organisation_unit_add"),
        None,
        {
            "läsare": 403,
            "rektor_a": 403,
            "rektor_b": 403,
            "verksamhetsutvecklare": 403,
            "administratör": 200,
        },
    ),
    (
        "unit-delete-a",
        lambda w: url("organisation_unit_delete", w.unit_a.pk),
        None,
        {
            "läsare": 403,
            "rektor_a": 403,
            "rektor_b": 403,
            "verksamhetsutvecklare": 403,
            "administratör": 200,
        },
    ),
    (
        "recent-changes-b",
        lambda w: url("registry_assignment_recent_changes", query="?enhet=b"),
        None,
        {
            "läsare": 200,
            "rektor_a": 404,
            "rektor_b": 200,
            "verksamhetsutvecklare": 200,
            "administratör": 200,
        },
    ),
    (
        "reassign-page",
        lambda w: url("registry_assignment_reassign"),
        None,
        {
            "läsare": 403,
            "rektor_a": 200,
            "rektor_b": 200,
            "verksamhetsutvecklare": 403,
            "administratör": 200,
        },
    ),
]

# The organisation's huvudman-owned and shared models, and the catalogue.
CASES += [
    (
        "serviceagreement-changelist",
        lambda w: url("organisation_serviceagreement_changelist"),
        changelist_rows,
        {
            "läsare": (200, {"agreement", "agreement_x"}),
            "rektor_a": (200, {"agreement"}),
            "rektor_b": (200, {"agreement"}),
            "verksamhetsutvecklare": (200, {"agreement", "agreement_x"}),
            "administratör": (200, {"agreement", "agreement_x"}),
        },
    ),
    (
        "serviceagreement-change-other-huvudman",
        lambda w: url("organisation_serviceagreement_change", w.agreement_x.pk),
        editable,
        {
            "läsare": (200, "ro"),
            "verksamhetsutvecklare": (200, "ro"),
            "administratör": (200, "rw"),
        },
    ),
    (
        "itcouncil-changelist",
        lambda w: url("organisation_itcouncil_changelist"),
        changelist_rows,
        {
            "läsare": 403,
            "rektor_a": 403,
            "rektor_b": 403,
            "verksamhetsutvecklare": 403,
            "administratör": (200, {"council"}),
        },
    ),
    (
        # Who signs in through the identity provider as whom: administratörer only.
        "provideraccount-changelist",
        lambda w: url("accounts_provideraccount_changelist"),
        None,
        {
            "läsare": 403,
            "rektor_a": 403,
            "rektor_b": 403,
            "verksamhetsutvecklare": 403,
            "administratör": 200,
        },
    ),
    (
        "organisation-changelist",
        lambda w: url("organisation_organisation_changelist"),
        changelist_rows,
        {
            "läsare": 403,
            "rektor_a": 403,
            "rektor_b": 403,
            "verksamhetsutvecklare": 403,
            "administratör": (200, {"org", "other_org"}),
        },
    ),
    # The search's word list and its log (issue 21): for those who edit the catalogue.
    *(
        (
            case,
            lambda w, name=name: url(name),
            None,
            {
                "läsare": 403,
                "rektor_a": 403,
                "rektor_b": 403,
                "verksamhetsutvecklare": 200,
                "administratör": 200,
            },
        )
        for case, name in (
            ("searchword-changelist", "registry_searchword_changelist"),
            ("searchword-add", "registry_searchword_add"),
            ("unansweredsearch-changelist", "registry_unansweredsearch_changelist"),
        )
    ),
    (
        "unansweredsearch-add",
        lambda w: url("registry_unansweredsearch_add"),
        None,
        {user: 403 for user in USERS[1:]},
    ),
    *(
        (
            f"{name}-changelist",
            lambda w, name=name: url(f"{name}_changelist"),
            None,
            {
                "läsare": 200,
                "rektor_a": 200,
                "rektor_b": 200,
                "verksamhetsutvecklare": 200,
                "administratör": 200,
            },
        )
        for name in (
            "organisation_position",
            "registry_area",
            "registry_column",
            "registry_blueprint",
        )
    ),
]

GRID = [
    pytest.param(build, extract, user, expected.get(user, 302), id=f"{case}-{user}")
    for case, build, extract, expected in CASES
    for user in USERS
]


@pytest.mark.parametrize(("build", "extract", "user", "expected"), GRID)
def test_admin_permission_grid(world, as_user, build, extract, user, expected):
    response = as_user(user).get(build(world))
    status, what = expected if isinstance(expected, tuple) else (expected, None)
    assert response.status_code == status
    if user == "anonymous":
        assert "/login/" in response["Location"]
    if what is not None:
        assert extract(world, response) == what


def test_the_grid_covers_every_model_of_our_apps(world):
    covered = {resolve(build(world).partition("?")[0]).url_name for _c, build, _e, _x in CASES}
    missing = [
        model._meta.label
        for model in admin.site._registry
        if model._meta.app_label in ("organisation", "accounts", "registry")
        and not any(
            name.startswith(f"{model._meta.app_label}_{model._meta.model_name}_")
            for name in covered
        )
    ]
    assert missing == []
