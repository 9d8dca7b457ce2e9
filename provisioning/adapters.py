"""SCIM User ↔ Person: the attributes the register keeps, and the schema it publishes.

| SCIM attribute                         | Person field      |
|----------------------------------------|-------------------|
| userName                               | user_name         |
| externalId                             | external_id       |
| displayName (else name.formatted, else name.givenName + name.familyName) | name |
| title                                  | title             |
| emails (the primary, else the first)   | email             |
| phoneNumbers (the primary, else first) | phone             |
| active                                 | active (and the user's is_active) |
| enterprise extension employeeNumber    | employee_number   |

Initials, which the poster uses, are made from the name at creation (services.initials_for)
and never changed by the provider. Anything else the provider sends is ignored.
"""

import copy
from urllib.parse import urljoin

from django.urls import reverse
from django_scim import constants, exceptions
from django_scim.adapters import SCIMUser
from django_scim.schemas import ALL as LIBRARY_SCHEMAS
from django_scim.utils import get_base_scim_location_getter

ENTERPRISE = constants.SchemaURI.ENTERPRISE_USER
SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"
USER_ATTRIBUTES = ("userName", "displayName", "title", "active", "emails", "phoneNumbers")
# One value is kept of each multi-valued attribute, without its type: only "value" is published.
MULTI_SUB_ATTRIBUTES = ("value",)
ENTERPRISE_ATTRIBUTES = ("employeeNumber",)
TRUE_STRINGS = {"true": True, "false": False}  # Entra ID sends "False" in PATCH


def schemas():
    """The library's schemas without Group; User and the enterprise extension cut to the
    attributes kept (above)."""
    published = []
    for schema in LIBRARY_SCHEMAS:
        schema = {"schemas": [SCHEMA], **schema}
        if schema["id"] == constants.SchemaURI.GROUP:
            continue
        keep = {constants.SchemaURI.USER: USER_ATTRIBUTES, ENTERPRISE: ENTERPRISE_ATTRIBUTES}.get(
            schema["id"]
        )
        if keep is None:
            published.append(schema)
            continue
        schema = copy.deepcopy(schema)
        schema["attributes"] = [a for a in schema["attributes"] if a["name"] in keep]
        for attribute in schema["attributes"]:
            if attribute["name"] == "active":
                # The register always knows whether someone has left: active cannot be removed.
                attribute["required"] = True
            if attribute.get("subAttributes") and attribute.get("multiValued"):
                attribute["subAttributes"] = [
                    sub for sub in attribute["subAttributes"] if sub["name"] in MULTI_SUB_ATTRIBUTES
                ]
        published.append(schema)
    return published


def _boolean(value, name):
    if isinstance(value, str) and value.lower() in TRUE_STRINGS:
        return TRUE_STRINGS[value.lower()]
    if not isinstance(value, bool):
        raise exceptions.BadRequestError(f'"{name}" should be a boolean', scim_type="invalidValue")
    return value


def _text(value, name):
    if value is None:
        return ""
    if not isinstance(value, str):
        raise exceptions.BadRequestError(f'"{name}" should be a string', scim_type="invalidValue")
    return value.strip()


def _first_value(values, name):
    """The primary value of a multi-valued attribute (emails, phoneNumbers), else the first."""
    if values is None:
        return ""
    if isinstance(values, dict):
        values = [values]
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        raise exceptions.BadRequestError(f'"{name}" should be a list', scim_type="invalidValue")
    chosen = [v for v in values if v.get("primary") is True] or values
    return _text(chosen[0].get("value"), name) if chosen else ""


class PersonAdapter(SCIMUser):
    """A Person as a SCIM User; `obj` is the Person."""

    id_field = "pk"

    @property
    def display_name(self):
        return self.obj.name or self.obj.initials

    def to_dict(self):
        person = self.obj
        d = {
            "schemas": [constants.SchemaURI.USER, ENTERPRISE],
            "id": str(person.pk),
            "userName": person.user_name,
            "active": person.active,
            "meta": {"resourceType": "User", "location": self.location},
        }
        if person.external_id:
            d["externalId"] = person.external_id
        if person.name:
            d["displayName"] = person.name
        if person.title:
            d["title"] = person.title
        if person.email:
            d["emails"] = [{"value": person.email}]
        if person.phone:
            d["phoneNumbers"] = [{"value": person.phone}]
        d[ENTERPRISE] = {"employeeNumber": person.employee_number} if person.employee_number else {}
        if not d[ENTERPRISE]:
            del d[ENTERPRISE]
            d["schemas"] = [constants.SchemaURI.USER]
        return d

    def from_dict(self, d):
        """A whole User (POST, PUT): every kept attribute is replaced; `active` is returned to
        be applied by services.person_save (None: not sent)."""
        person = self.obj
        user_name = _text(d.get("userName"), "userName")
        if not user_name:
            raise exceptions.BadRequestError("userName is required", scim_type="invalidValue")
        person.user_name = user_name
        person.external_id = _text(d.get("externalId"), "externalId")
        person.name = self._name(d)
        person.title = _text(d.get("title"), "title")
        person.email = _first_value(d.get("emails"), "emails")
        person.phone = _first_value(d.get("phoneNumbers"), "phoneNumbers")
        enterprise = d.get(ENTERPRISE) or {}
        person.employee_number = _text(enterprise.get("employeeNumber"), "employeeNumber")
        active = d.get("active")
        return None if active is None else _boolean(active, "active")

    @staticmethod
    def _name(d):
        if d.get("displayName"):
            return _text(d["displayName"], "displayName")
        name = d.get("name") or {}
        if not isinstance(name, dict):
            return ""
        if name.get("formatted"):
            return _text(name["formatted"], "name.formatted")
        parts = (name.get("givenName"), name.get("familyName"))
        return " ".join(_text(part, "name") for part in parts if part)

    def apply_operations(self, operations):
        """PATCH: add, replace and remove on the kept attributes; returns `active` as
        from_dict does."""
        active = None
        for operation in operations:
            if not isinstance(operation, dict):
                raise exceptions.BadRequestError("Invalid operation", scim_type="invalidSyntax")
            op = str(operation.get("op", "")).lower()
            if op not in constants.VALID_PATCH_OPS:
                raise exceptions.BadRequestError(f'Unknown PATCH op "{op}"')
            path, value = operation.get("path"), operation.get("value")
            if not path:
                if op == "remove" or not isinstance(value, dict):
                    raise exceptions.BadRequestError("No path", scim_type="noTarget")
                pairs = list(value.items())
            else:
                pairs = [(path, value)]
            for path, value in pairs:
                if op == "remove":
                    value = None
                result = self._set(path, value)
                if result is not None:
                    active = result
        return active

    def _set(self, path, value):
        person = self.obj
        key = path.strip()
        lower = key.lower()
        if lower.startswith(ENTERPRISE.lower()):
            rest = key[len(ENTERPRISE) :].lstrip(":")
            if not rest:
                if value is None:  # the whole extension removed
                    person.employee_number = ""
                    return None
                if not isinstance(value, dict):
                    raise exceptions.BadRequestError("Invalid extension value")
                for sub, sub_value in value.items():
                    self._set(f"{ENTERPRISE}:{sub}", sub_value)
                return None
            if rest.lower() == "employeenumber":
                person.employee_number = _text(value, "employeeNumber")
            return None
        if lower.startswith(constants.SchemaURI.USER.lower() + ":"):
            lower = lower[len(constants.SchemaURI.USER) + 1 :]
        if lower == "active":
            return True if value is None else _boolean(value, "active")
        if lower == "username":
            if not _text(value, "userName"):
                raise exceptions.BadRequestError("userName is required", scim_type="invalidValue")
            person.user_name = _text(value, "userName")
        elif lower == "externalid":
            person.external_id = _text(value, "externalId")
        elif lower in ("displayname", "name.formatted"):
            person.name = _text(value, "displayName")
        elif lower == "name":
            person.name = self._name({"name": value or {}})
        elif lower == "title":
            person.title = _text(value, "title")
        elif lower.startswith("emails"):
            person.email = self._multi(lower, value, "emails")
        elif lower.startswith("phonenumbers"):
            person.phone = self._multi(lower, value, "phoneNumbers")
        # Attributes the register does not keep (name.givenName, addresses, …) are ignored.
        return None

    @staticmethod
    def _multi(path, value, name):
        """emails / emails[type eq "work"].value / emails.value: the one value kept."""
        if path.endswith(".value") or "]" in path:
            return _text(value, name)
        return _first_value(value, name)

    @classmethod
    def resource_type_dict(cls, request=None):
        location = urljoin(
            get_base_scim_location_getter()(request),
            reverse("scim:resource-types", kwargs={"uuid": "User"}),
        )
        return {
            "schemas": [constants.SchemaURI.RESOURCE_TYPE],
            "id": "User",
            "name": "User",
            # Relative to the service's base URL, as RFC 7643 shows it.
            "endpoint": "/Users",
            "description": "Person i registret",
            "schema": constants.SchemaURI.USER,
            "schemaExtensions": [{"schema": ENTERPRISE, "required": False}],
            "meta": {"location": location, "resourceType": "ResourceType"},
        }


def project(document, attributes="", excluded=""):
    """The document with only `attributes` (comma-separated; id, schemas and meta always), or
    without `excluded` (RFC 7644 §3.4.2.5). Names may carry their schema's URN."""

    def names(text):
        found = set()
        for name in (part.strip() for part in (text or "").split(",")):
            if not name:
                continue
            lower = name.lower()
            for urn in (constants.SchemaURI.USER, ENTERPRISE):
                if lower.startswith(urn.lower() + ":"):
                    name = (urn + ":" if urn == ENTERPRISE else "") + name[len(urn) + 1 :]
            found.add(name.split(".")[0].lower())
        return found

    wanted, unwanted = names(attributes), names(excluded)
    if not wanted and not unwanted:
        return document
    always = {"id", "schemas", "meta"}
    projected = {}
    for key, value in document.items():
        lower = key.lower()
        if key == ENTERPRISE:
            inner = {
                sub: sub_value
                for sub, sub_value in value.items()
                if (not wanted or lower in wanted or f"{lower}:{sub.lower()}" in wanted)
                and f"{lower}:{sub.lower()}" not in unwanted
                and lower not in unwanted
            }
            if inner:
                projected[key] = inner
        elif lower in always or ((not wanted or lower in wanted) and lower not in unwanted):
            projected[key] = value
    return projected


def base_location(request=None, *args, **kwargs):
    """The SCIM resources' absolute URLs start at the request's own host."""
    return request.build_absolute_uri("/") if request is not None else "/"
