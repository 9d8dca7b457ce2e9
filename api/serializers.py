"""The rows as JSON, and an assignment written with admin's own form (the same validation)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError

from organisation.models import Person, ProblemKind, Unit
from organisation.permissions import allows
from registry.admin.forms import AssignmentForm
from registry.models import Area, Assignment, Item, Role


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "slug", "name", "subtitle", "order"]


class RoleSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="label", read_only=True)

    class Meta:
        model = Role
        fields = ["id", "code", "name", "kind", "description", "needs_deputy", "order"]


class RoleRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Role
        fields = ["code", "name", "kind"]


class ItemSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(source="column.area", slug_field="slug", read_only=True)
    column = serializers.CharField(source="column.name", read_only=True)
    keywords = serializers.SerializerMethodField()
    support_kind = serializers.ChoiceField(choices=ProblemKind.choices, allow_blank=True)

    class Meta:
        model = Item
        fields = [
            "id",
            "name",
            "group",
            "area",
            "column",
            "description",
            "keywords",
            "needs_deputy",
            "support_kind",
            "order",
        ]

    def get_keywords(self, item) -> list[str]:
        return [word.strip() for word in item.keywords.split(",") if word.strip()]


class ItemRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = ["id", "name", "group"]


class UnitSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "slug", "name", "kind", "organisation", "organisation_name"]


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["slug", "name"]


class PersonSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "initials", "name", "title", "email", "phone", "organisation"]


class PersonRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "initials", "name"]


class AssignmentSerializer(serializers.ModelSerializer):
    item = ItemRefSerializer(read_only=True)
    area = serializers.SlugRelatedField(
        source="item.column.area", slug_field="slug", read_only=True
    )
    unit = UnitRefSerializer(read_only=True, allow_null=True)
    role = RoleRefSerializer(read_only=True, allow_null=True)
    person = PersonRefSerializer(read_only=True, allow_null=True)
    organisation_wide = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "item",
            "area",
            "unit",
            "organisation_wide",
            "role",
            "person",
            "kind",
            "priority",
            "order",
        ]

    def get_organisation_wide(self, assignment) -> bool:
        return assignment.unit_id is None


REASON = serializers.CharField(
    max_length=100,
    required=False,
    allow_blank=True,
    write_only=True,
    help_text=_("Varför ändringen görs; sparas i historiken."),
)


WRITTEN_FIELDS = ("item", "unit", "role", "person", "kind", "priority", "order")


class AssignmentWriteSerializer(serializers.ModelSerializer):
    """An assignment as a client writes it: ids and codes, checked by admin's AssignmentForm.

    The unit must be one the user may change (empty: organisation-wide, only
    for those who may change the whole huvudman), the person one the user
    sees; then the form checks what admin checks (role or person, the same
    huvudman, no duplicate, a deputy beside an ordinarie).
    """

    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all())
    # Named on every create, null for the whole huvudman: a forgotten unit must not
    # make a row organisation-wide.
    unit = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Unit.objects.none(),
        allow_null=True,
        help_text=_("Enhetens kortnamn; null: hela huvudmannen."),
    )
    role = serializers.SlugRelatedField(
        slug_field="code", queryset=Role.objects.all(), allow_null=True, required=False
    )
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.none(), allow_null=True, required=False
    )
    reason = REASON

    class Meta:
        model = Assignment
        fields = ["item", "unit", "role", "person", "kind", "priority", "order", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # none while the schema is generated
        if request is None:
            return
        user = request.user
        self.fields["unit"].queryset = Unit.objects.restrict(user, "change")
        self.fields["person"].queryset = Person.objects.restrict(user)

    def validate(self, attrs):
        attrs = dict(attrs)
        reason = attrs.pop("reason", "")
        instance = self.instance or Assignment()
        if self.instance is None:
            current = {"kind": instance.kind, "priority": instance.priority, "order": 0}
        else:  # a PATCH changes only what it names
            current = {name: getattr(instance, name) for name in WRITTEN_FIELDS}
        values = {**current, **attrs}
        data = {
            name: getattr(value, "pk", value) if value is not None else ""
            for name, value in values.items()
        }
        form = AssignmentForm(data=data, instance=instance)
        if not form.is_valid():
            raise ValidationError(
                {
                    ("non_field_errors" if name == "__all__" else name): messages
                    for name, messages in form.errors.items()
                }
            )
        if not allows(self.context["request"].user, "change", form.instance):
            raise PermissionDenied(_("Du får inte ändra ansvar där."))
        self._form = form
        return {"reason": reason}

    def save(self, **kwargs):
        row = self._form.instance
        row._history_user = self.context["request"].user
        row._change_reason = self.validated_data["reason"] or REASON_DEFAULT
        try:
            row.save()
        except DjangoValidationError as error:  # pragma: no cover - the form checked
            raise ValidationError(error.messages) from error
        self.instance = row
        return row


REASON_DEFAULT = "API"


class ReassignSerializer(serializers.Serializer):
    """ "Flytta ansvar": whose assignments move to whom, narrowed by units and areas."""

    from_person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    to_person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    units = serializers.SlugRelatedField(
        slug_field="slug", queryset=Unit.objects.none(), many=True, required=False
    )
    areas = serializers.SlugRelatedField(
        slug_field="slug", queryset=Area.objects.all(), many=True, required=False
    )
    new_role = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Role.objects.all(),
        required=False,
        allow_null=True,
        help_text=_(
            "Rollen de flyttade ansvaren får där mottagaren inte har deras roll; "
            "utelämnad: de behåller sin roll."
        ),
    )
    preview = serializers.BooleanField(
        default=False, help_text=_("Sant: visa vad som skulle flyttas, ändra inget.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # none while the schema is generated
        if request is None:
            return
        user = request.user
        people = Person.objects.restrict(user)
        self.fields["from_person"].queryset = people
        self.fields["to_person"].queryset = people
        self.fields["units"].child_relation.queryset = Unit.objects.restrict(user, "change")


class ReassignLineSerializer(serializers.Serializer):
    assignment = AssignmentSerializer()
    role_after = RoleRefSerializer(allow_null=True)
    merged_into = serializers.IntegerField(allow_null=True)


class ReassignResultSerializer(serializers.Serializer):
    preview = serializers.BooleanField()
    count = serializers.IntegerField()
    lines = ReassignLineSerializer(many=True)
    role_mismatches = serializers.ListField(child=serializers.IntegerField())


class BlueprintSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.CharField(source="organisation.slug", allow_null=True)
    title = serializers.CharField()
    version = serializers.CharField()
    published = serializers.DateField()
    published_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    area = serializers.CharField()
    column = serializers.CharField()
    item_id = serializers.IntegerField()
    item = serializers.CharField()
    unit_id = serializers.IntegerField(allow_null=True)
    unit_name = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()


class VersionDiffSerializer(serializers.Serializer):
    before = BlueprintSerializer()
    after = BlueprintSerializer(allow_null=True)
    unit = UnitRefSerializer(allow_null=True)
    changes = ChangeSerializer(many=True)


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    initials = serializers.CharField()
    url = serializers.CharField()
    focus = serializers.CharField()
    deputy = serializers.BooleanField()


class SupportStepSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    missing = serializers.BooleanField()
    disagree = serializers.BooleanField()
    people = ContactSerializer(many=True)


class SupportChainSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    kind = serializers.ChoiceField(choices=ProblemKind.choices)
    steps = SupportStepSerializer(many=True)


class ResponsibleSerializer(serializers.Serializer):
    """One assignment holding at the unit; `holders`: who holds a role-only entry's role there."""

    assignment_id = serializers.IntegerField()
    organisation_wide = serializers.BooleanField()
    role = RoleRefSerializer(allow_null=True)
    person = PersonRefSerializer(allow_null=True)
    holders = PersonRefSerializer(many=True)
    kind = serializers.CharField()
    priority = serializers.CharField()


class SearchHitSerializer(serializers.Serializer):
    item = ItemSerializer()
    score = serializers.FloatField()
    responsible = ResponsibleSerializer(many=True)


class SearchSerializer(serializers.Serializer):
    q = serializers.CharField()
    searched_for = serializers.CharField(help_text=_("Frågan med rättade ord, som den söktes."))
    unit = UnitRefSerializer(allow_null=True)
    results = SearchHitSerializer(many=True)
