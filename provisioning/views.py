"""django-scim2's views with every row taken from the token's huvudman (services.
provisioned_people): another huvudman's person is not found (404) and never listed."""

import json

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponse
from django_scim import constants, exceptions
from django_scim import views as scim
from scim2_filter_parser.parser import SCIMParserError
from scim2_filter_parser.queries.sql import SQLQuery

from organisation.models import Person
from provisioning.adapters import PersonAdapter, project, schemas
from provisioning.services import person_adopt, person_deprovision, person_save, provisioned_people

# The attributes a filter may name (userName eq "…", as Entra ID and Google ask before creating).
FILTER_ATTRIBUTES = {
    ("userName", None, None): "user_name",
    ("externalId", None, None): "external_id",
    ("displayName", None, None): "name",
    ("emails", "value", None): "email",
    ("emails", None, None): "email",
    ("active", None, None): "active",
}
BOOLEANS = {"TRUE": True, "FALSE": False}


def _response(doc, status=200, location=None):
    response = HttpResponse(
        json.dumps(doc), content_type=constants.SCIM_CONTENT_TYPE, status=status
    )
    if location:
        response["Location"] = location
    return response


def _saved(person, active):
    """person_save, its refusals as SCIM errors: a clash with another person of the huvudman
    (userName, initials, employee number: the model's constraints) is 409, the rest 400."""
    try:
        return person_save(person=person, active=active)
    except ValidationError as exc:
        errors = getattr(exc, "error_dict", {})
        if NON_FIELD_ERRORS in errors or "user_name" in errors:
            raise exceptions.IntegrityError("; ".join(exc.messages)) from exc
        raise exceptions.BadRequestError("; ".join(exc.messages), scim_type="invalidValue") from exc


class PeopleView(scim.UsersView):
    """/scim/v2/Users[/<id>]: the token's huvudman's provisioned people."""

    http_method_names = ["get", "post", "put", "patch", "delete"]

    def people(self):
        return provisioned_people(self.request.scim_organisation.pk)

    def adapter(self, person):
        return PersonAdapter(person, request=self.request)

    def get_object(self):
        pk = self.kwargs.get("uuid") or ""
        person = self.people().filter(pk=pk).first() if pk.isdigit() else None
        if person is None:
            raise exceptions.NotFoundError(pk)
        return person

    def get_single(self, request):
        adapter = self.adapter(self.get_object())
        document = project(
            adapter.to_dict(),
            request.GET.get("attributes"),
            request.GET.get("excludedAttributes"),
        )
        return _response(document, location=adapter.location)

    def get_many(self, request):
        people = self.people()
        query = request.GET.get("filter")
        if query:
            people = self._filtered(people, query)
        return self._build_response(
            request,
            people.order_by("pk"),
            *self._page(request),
            attributes=request.GET.get("attributes"),
            excluded=request.GET.get("excludedAttributes"),
        )

    def _filtered(self, people, query):
        try:
            parsed = SQLQuery(query, Person._meta.db_table, FILTER_ATTRIBUTES)
        except (ValueError, SCIMParserError) as exc:
            raise exceptions.BadRequestError(
                f"Invalid filter: {exc}", scim_type="invalidFilter"
            ) from exc
        if parsed.where_sql is None:
            return people.none()
        names = sorted(parsed.params_dict)
        where = parsed.where_sql.format(**dict.fromkeys(names, "%s"))
        # Placeholders in the order they appear in the statement.
        order = sorted(names, key=lambda name: parsed.where_sql.index("{" + name + "}"))
        values = [parsed.params_dict[name] for name in order]
        params = [BOOLEANS.get(value, value) for value in values]
        return people.extra(where=[where], params=params)

    def _build_response(self, request, qs, start, count, attributes=None, excluded=None):
        total = qs.count()
        page = list(qs[start - 1 : start - 1 + max(count, 0)])
        return _response(
            {
                "schemas": [constants.SchemaURI.LIST_RESPONSE],
                "totalResults": total,
                "itemsPerPage": len(page),
                "startIndex": start,
                "Resources": [
                    project(self.adapter(person).to_dict(), attributes, excluded) for person in page
                ],
            }
        )

    def post(self, request, *args, **kwargs):
        body = self.load_body(request.body)
        organisation_id = request.scim_organisation.pk
        person = Person(organisation_id=organisation_id)
        probe = self.adapter(Person(organisation_id=organisation_id))
        active = probe.from_dict(body)
        if provisioned_people(organisation_id).filter(user_name=probe.obj.user_name).exists():
            raise exceptions.IntegrityError("userName is already in use")
        # A person the register already holds (same employee number or e-mail) is taken over.
        person = (
            person_adopt(
                organisation_id=organisation_id,
                email=probe.obj.email,
                employee_number=probe.obj.employee_number,
            )
            or person
        )
        adapter = self.adapter(person)
        adapter.from_dict(body)
        _saved(person, True if active is None else active)
        return _response(adapter.to_dict(), status=201, location=adapter.location)

    def put(self, request, *args, **kwargs):
        person = self.get_object()
        adapter = self.adapter(person)
        active = adapter.from_dict(self.load_body(request.body))
        _saved(person, active)
        return _response(adapter.to_dict(), location=adapter.location)

    def patch(self, request, *args, **kwargs):
        person = self.get_object()
        adapter = self.adapter(person)
        operations = self.load_body(request.body).get("Operations")
        if not operations or not isinstance(operations, list):
            raise exceptions.BadRequestError("PATCH without Operations", scim_type="invalidSyntax")
        active = adapter.apply_operations(operations)
        _saved(person, active)
        return _response(adapter.to_dict(), location=adapter.location)

    def delete(self, request, *args, **kwargs):
        person_deprovision(person=self.get_object())
        return HttpResponse(status=204)


class PeopleSearchView(scim.UserSearchView):
    """POST /Users/.search: as GET /Users?filter=…"""

    def post(self, request, *args, **kwargs):
        body = self.load_body(request.body)
        if body.get("schemas") != [constants.SchemaURI.SERACH_REQUEST]:
            raise exceptions.BadRequestError("Invalid schema uri. Must be SearchRequest.")
        view = PeopleView()
        view.setup(request)
        people = view.people()
        if body.get("filter"):
            people = view._filtered(people, body["filter"])
        start, count = body.get("startIndex", 1), body.get("count", 50)
        return view._build_response(
            request,
            people.order_by("pk"),
            int(start),
            int(count),
            attributes=",".join(body.get("attributes") or []),
            excluded=",".join(body.get("excludedAttributes") or []),
        )


def _listed(documents, uuid):
    """One document by id (a SCIM 404 error if none), or all as a ListResponse."""
    if uuid:
        if uuid not in documents:
            raise exceptions.NotFoundError(uuid)
        return _response(documents[uuid])
    resources = [documents[key] for key in sorted(documents)]
    return _response(
        {
            "schemas": [constants.SchemaURI.LIST_RESPONSE],
            "totalResults": len(resources),
            "itemsPerPage": len(resources),
            "startIndex": 1,
            "Resources": resources,
        }
    )


class ResourceTypesView(scim.ResourceTypesView):
    """Users only: the register provisions no groups."""

    def get(self, request, uuid=None, *args, **kwargs):
        return _listed({"User": PersonAdapter.resource_type_dict(request)}, uuid)


class SchemasView(scim.SchemasView):
    """The schemas of adapters.schemas, with ListResponse's totalResults and SCIM 404s."""

    def get(self, request, uuid=None, *args, **kwargs):
        return _listed({schema["id"]: schema for schema in schemas()}, uuid)


class RootSearchView(PeopleSearchView):
    """POST /.search: Users are the only resource, so the same search."""


class NotFoundView(scim.SCIMView):
    """Any other path under /scim/v2/: a SCIM 404 error, for every method."""

    http_method_names = ["get", "post", "put", "patch", "delete"]

    def dispatch(self, request, *args, **kwargs):
        self.get = self.post = self.put = self.patch = self.delete = self.not_found
        return super().dispatch(request, *args, **kwargs)

    def not_found(self, request, *args, **kwargs):
        raise exceptions.NotFoundError(request.path)


class ServiceProviderConfig:
    """What the register's SCIM service does: PATCH and filters yes, bulk, sort, ETag no."""

    def __init__(self, request=None):
        self.request = request

    def to_dict(self):
        return {
            "schemas": [constants.SchemaURI.SERVICE_PROVIDER_CONFIG],
            "documentationUri": "https://github.com/digiansvar/digiansvar/blob/main/docs/scim.md",
            "patch": {"supported": True},
            "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": True, "maxResults": 200},
            "changePassword": {"supported": False},
            "sort": {"supported": False},
            "etag": {"supported": False},
            "authenticationSchemes": [
                {
                    "type": "oauthbearertoken",
                    "name": "Bearer token",
                    "description": "En SCIM-nyckel för huvudmannen (manage.py scim_token).",
                    "primary": True,
                }
            ],
            "meta": {
                "location": self.request.build_absolute_uri(),
                "resourceType": "ServiceProviderConfig",
            },
        }
