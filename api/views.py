"""The API's endpoints: the register read through restrict, and assignments written as in admin.

Each view asks restrict (or a serializer whose choices come from it) and
hands the rows to a serializer; the rules live in registry and organisation.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api import serializers as api
from api.filters import AssignmentFilter
from organisation.models import Person, ProblemKind, Unit
from organisation.queries import unit_scope
from registry import queries, search, versions
from registry.models import Area, Assignment, Blueprint, Item, Role
from registry.queries import assignments_at, role_holders
from registry.services import assignment_reassign, assignment_reassign_preview
from registry.support.chain import support_chain


class ReadViewSet(viewsets.ReadOnlyModelViewSet):
    """A list (paged by cursor) and a row, of the rows restrict gives the user."""

    model = None
    related = ()

    def get_queryset(self):
        rows = self.model.objects.restrict(self.request.user)
        return rows.select_related(*self.related) if self.related else rows


class AreaViewSet(ReadViewSet):
    model = Area
    serializer_class = api.AreaSerializer
    lookup_field = "slug"


class ItemViewSet(ReadViewSet):
    model = Item
    related = ("column__area",)
    serializer_class = api.ItemSerializer


class RoleViewSet(ReadViewSet):
    model = Role
    serializer_class = api.RoleSerializer
    lookup_field = "code"


class UnitViewSet(ReadViewSet):
    model = Unit
    related = ("organisation",)
    serializer_class = api.UnitSerializer
    lookup_field = "slug"


class PersonViewSet(ReadViewSet):
    """The people the site shows the user: of the huvudmän they see, and unless they see every
    unit, only those responsible or appointed at their units or for the whole huvudman."""

    model = Person
    related = ("organisation",)
    serializer_class = api.PersonSerializer
    lookup_url_kwarg = "person_id"

    def get_queryset(self):
        people = super().get_queryset()
        if unit_scope(self.request.user).all_visible:
            return people
        return people & queries.people_visible_at(list(Unit.objects.restrict(self.request.user)))


class VersionViewSet(ReadViewSet):
    model = Blueprint
    related = ("organisation",)
    serializer_class = api.BlueprintSerializer

    def get_queryset(self):
        return super().get_queryset().filter(published_at__isnull=False).defer("snapshot")


REASON_PARAMETER = OpenApiParameter(
    "reason", str, description=str(_("Varför ansvaret tas bort; sparas i historiken."))
)


@extend_schema(responses=api.AssignmentSerializer)
class AssignmentViewSet(viewsets.ModelViewSet):
    """Assignments: read with filters; created, changed and deleted as in admin, with history."""

    write_model = Assignment
    filterset_class = AssignmentFilter
    lookup_url_kwarg = "assignment_id"

    related = ("item__column__area", "unit", "role", "person")

    def get_queryset(self):
        rows = Assignment.objects.restrict(self.request.user)
        return rows if self.action == "list" else rows.select_related(*self.related)

    def paginate_queryset(self, queryset):
        # The page's ids from the scoped, filtered rows without joins, then those rows
        # with them: beside restrict's OR, PostgreSQL misjudged the joins (a nested loop
        # over every unit, growing with the register; bench/api.py).
        page = super().paginate_queryset(queryset.only("pk"))
        rows = self.get_queryset().select_related(*self.related)
        found = rows.in_bulk([row.pk for row in page])
        return [found[row.pk] for row in page]

    def get_serializer_class(self):
        if self.request.method in ("POST", "PUT", "PATCH"):
            return api.AssignmentWriteSerializer
        return api.AssignmentSerializer

    def _written(self, serializer, code):
        serializer.is_valid(raise_exception=True)
        row = serializer.save()
        row = self.get_queryset().get(pk=row.pk)
        return Response(api.AssignmentSerializer(row).data, status=code)

    @extend_schema(request=api.AssignmentWriteSerializer, responses={201: api.AssignmentSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        return self._written(serializer, status.HTTP_201_CREATED)

    @extend_schema(request=api.AssignmentWriteSerializer, responses=api.AssignmentSerializer)
    def update(self, request, *args, **kwargs):
        row = self.get_object()
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(row, data=request.data, partial=partial)
        return self._written(serializer, status.HTTP_200_OK)

    @extend_schema(parameters=[REASON_PARAMETER], responses={204: None})
    def destroy(self, request, *args, **kwargs):
        row = self.get_object()
        row._history_user = request.user
        row._change_reason = request.query_params.get("reason", "")[:100] or api.REASON_DEFAULT
        row.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReassignView(GenericAPIView):
    """ "Flytta ansvar": the admin's service, for the rows the user may change."""

    write_model = Assignment
    write_action = "change"
    serializer_class = api.ReassignSerializer

    @extend_schema(request=api.ReassignSerializer, responses=api.ReassignResultSerializer)
    def post(self, request):
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        arguments = {
            "from_person": data["from_person"],
            "to_person": data["to_person"],
            "units": data.get("units") or None,
            "areas": data.get("areas") or None,
            "new_role": data.get("new_role"),
            "user": request.user,
        }
        run = assignment_reassign_preview if data["preview"] else assignment_reassign
        try:
            result = run(**arguments)
        except DjangoValidationError as error:
            raise ValidationError({"non_field_errors": error.messages}) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        lines = [
            {"assignment": row, "role_after": role, "merged_into": twin.pk if twin else None}
            for row, role, twin in result.lines
        ]
        body = {
            "preview": data["preview"],
            "count": result.count,
            "lines": lines,
            "role_mismatches": [row.pk for row in result.mismatched],
        }
        return Response(api.ReassignResultSerializer(body).data)


def visible_unit(request, slug):
    """The unit with this slug among those the user sees; 404 alike for one they do not."""
    unit = Unit.objects.restrict(request.user).select_related("organisation").filter(slug=slug)
    unit = unit.first()
    if unit is None:
        raise NotFound(_("Enheten finns inte."))
    return unit


class VersionCompareQuery(serializers.Serializer):
    before = serializers.IntegerField(help_text=_("Versionen att jämföra från (id)."))
    after = serializers.IntegerField(
        required=False, help_text=_("Versionen att jämföra till (id); utelämnad: nu.")
    )
    unit = serializers.CharField(
        required=False, help_text=_("Enhetens kortnamn; utelämnad: alla enheter du ser.")
    )


class VersionCompareView(GenericAPIView):
    """What changed from one published version to another, or to now."""

    serializer_class = api.VersionDiffSerializer
    pagination_class = None

    @extend_schema(parameters=[VersionCompareQuery])
    def get(self, request):
        query = VersionCompareQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        candidates = (
            Blueprint.objects.restrict(request.user)
            .filter(published_at__isnull=False)
            .select_related("organisation")
            .defer("snapshot")
        )
        before = candidates.filter(pk=query.validated_data["before"]).first()
        if before is None:
            raise NotFound(_("Versionen finns inte."))
        after = None
        if "after" in query.validated_data:
            after = candidates.filter(
                pk=query.validated_data["after"], organisation_id=before.organisation_id
            ).first()
            if after is None:
                raise NotFound(_("Versionen finns inte."))
        units = Unit.objects.restrict(request.user).filter(organisation_id=before.organisation_id)
        unit = None
        if query.validated_data.get("unit"):
            unit = units.filter(slug=query.validated_data["unit"]).first()
            if unit is None:
                raise NotFound(_("Enheten finns inte."))
            unit_ids = {unit.pk}
        else:
            unit_ids = set(units.values_list("pk", flat=True))
        diff = versions.version_diff(before=before, after=after, unit_ids=unit_ids)
        body = {"before": before, "after": after, "unit": unit, "changes": diff.changes}
        return Response(api.VersionDiffSerializer(body).data)


class SupportChainQuery(serializers.Serializer):
    unit = serializers.CharField(help_text=_("Enhetens kortnamn."))
    kind = serializers.ChoiceField(choices=ProblemKind.choices, help_text=_("Typ av problem."))


class SupportChainView(GenericAPIView):
    """ "Vem frågar jag?": the support chain for a unit and a kind of problem."""

    serializer_class = api.SupportChainSerializer
    pagination_class = None

    @extend_schema(parameters=[SupportChainQuery])
    def get(self, request):
        query = SupportChainQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        unit = visible_unit(request, query.validated_data["unit"])
        kind = query.validated_data["kind"]
        body = {"unit": unit, "kind": kind, "steps": support_chain(unit=unit, kind=kind)}
        return Response(api.SupportChainSerializer(body).data)


class SearchQuery(serializers.Serializer):
    q = serializers.CharField(max_length=200, help_text=_("Frågan, med egna ord."))
    unit = serializers.CharField(
        required=False, help_text=_("Enhetens kortnamn: vem som ansvarar där.")
    )


class SearchView(GenericAPIView):
    """ "Vem ansvarar för …?": the items answering a question, best first, and at a unit who
    is responsible for each (its own assignments and those of the whole huvudman)."""

    serializer_class = api.SearchSerializer
    pagination_class = None

    @extend_schema(parameters=[SearchQuery])
    def get(self, request):
        query = SearchQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        unit = None
        if query.validated_data.get("unit"):
            unit = visible_unit(request, query.validated_data["unit"])
        answer = search.item_answer(query.validated_data["q"])
        responsible = {hit.item.pk: [] for hit in answer.hits}
        if unit is not None and responsible:
            rows = (
                Assignment.objects.restrict(request.user)
                & assignments_at([unit]).filter(item__in=list(responsible))
            ).select_related("role", "person")
            primary = Assignment.Priority.PRIMARY
            rows = sorted(rows, key=lambda r: (r.priority != primary, r.order, r.pk))
            role_only = {row.role_id: row.role for row in rows if row.person_id is None}
            holders = role_holders(units=[unit], roles=list(role_only.values()))
            for row in rows:
                responsible[row.item_id].append(
                    {
                        "assignment_id": row.pk,
                        "organisation_wide": row.unit_id is None,
                        "role": row.role,
                        "person": row.person,
                        "holders": holders.get((unit.pk, row.role_id), [])
                        if row.person_id is None
                        else [],
                        "kind": row.kind,
                        "priority": row.priority,
                    }
                )
        items = Item.objects.restrict(request.user).select_related("column__area")
        found = items.in_bulk([hit.item.pk for hit in answer.hits])
        body = {
            "q": query.validated_data["q"],
            "searched_for": answer.corrected_text,
            "unit": unit,
            "results": [
                {"item": found[hit.item.pk], "score": hit.score, "responsible": responsible[pk]}
                for hit in answer.hits
                if (pk := hit.item.pk) in found
            ],
        }
        return Response(api.SearchSerializer(body).data)
