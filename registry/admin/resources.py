"""Import-export resources in admin, one row one object: people, roles, the search's word list.

Files are written and read through the admin formats in
digiansvar.spreadsheets.admin (SPREADSHEET_FORMATS: the one writer, which
escapes formula-like cells, and the one reader, which reads them back);
the blueprint table, whose rows are many assignments each, is
registry.blueprint_file.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from organisation.models import Appointment, Organisation, Person, Position, Unit
from organisation.permissions import allows
from registry.models import Role, SearchWord


def split_positions(value):
    """ "rektor@arstaviken, it-strateg" → [("rektor", "arstaviken"), ("it-strateg", "")]."""
    pairs = []
    for part in str(value or "").split(","):
        code, _at, slug = part.strip().partition("@")
        if code:
            pairs.append((code.strip(), slug.strip()))
    return pairs


class PersonResource(resources.ModelResource):
    """People by huvudman and initials, with their positions as "rektor@arstaviken, ekonom".

    Positions in the file are added when missing (a position at a unit is
    written code@unit-slug); positions the file leaves out are kept.
    """

    organisation = fields.Field(
        attribute="organisation",
        column_name="Huvudman",
        widget=widgets.ForeignKeyWidget(Organisation, field="slug"),
    )
    initials = fields.Field(attribute="initials", column_name="Initialer")
    name = fields.Field(attribute="name", column_name="Namn")
    title = fields.Field(attribute="title", column_name="Titel")
    email = fields.Field(attribute="email", column_name="E-post")
    phone = fields.Field(attribute="phone", column_name="Telefon")
    positions = fields.Field(column_name="Befattningar", dehydrate_method="positions_of")

    class Meta:
        model = Person
        fields = ["organisation", "initials", "name", "title", "email", "phone", "positions"]
        import_id_fields = ["organisation", "initials"]
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        # full_clean() per row: constraint errors come back in Swedish, per field.
        clean_model_instances = True

    def __init__(self, *, user=None, **kwargs):
        # The admin passes the user (get_resource_kwargs): positions are read
        # through their unit scope. Without a user no position is shown.
        super().__init__(**kwargs)
        self.user = user

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("organisation").prefetch_related(
            "appointments__position", "appointments__unit"
        )

    def units(self):
        """Where positions may be placed: the units the importing user may change (none without)."""
        return (
            Unit.objects.none() if self.user is None else Unit.objects.restrict(self.user, "change")
        )

    def positions_of(self, person):
        """Positions as "rektor@arstaviken, ekonom", only at units the user may see."""
        if self.user is None:
            return ""
        return ", ".join(
            f"{a.position.code}@{a.unit.slug}" if a.unit_id else a.position.code
            for a in person.appointments.all()
            if allows(self.user, "view", a)
        )

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        pairs = split_positions(row.get("Befattningar"))
        codes = {code for code, _slug in pairs}
        slugs = {slug for _code, slug in pairs if slug}
        known_codes = set(Position.objects.filter(code__in=codes).values_list("code", flat=True))
        known_slugs = set(self.units().filter(slug__in=slugs).values_list("slug", flat=True))
        unknown = sorted((codes - known_codes) | (slugs - known_slugs))
        if unknown:
            raise ValidationError(
                {
                    "Befattningar": _("Okänd befattning eller enhet: %(value)s.")
                    % {"value": ", ".join(unknown)}
                }
            )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # A row whose only news is a position must not be skipped as unchanged.
        if instance.pk:
            held = set(split_positions(self.positions_of(instance)))
            if not set(split_positions(row.get("Befattningar"))) <= held:
                return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        for code, slug in split_positions(row.get("Befattningar")):
            Appointment.objects.restrict(self.user, "change").get_or_create(
                person=instance,
                position=Position.objects.get(code=code),
                unit=self.units().get(slug=slug) if slug else None,
                focus="",
            )


class YesNoWidget(widgets.Widget):
    """A yes/no cell as people write it: "ja", or "nej" / empty; anything else is an error."""

    def clean(self, value, row=None, **kwargs):
        answer = str(value or "").strip().casefold()
        if answer in ("", "nej"):
            return False
        if answer == "ja":
            return True
        raise ValueError(
            _("Skriv ”ja”, ”nej” eller lämna tomt (nu ”%(value)s”).") % {"value": value}
        )

    def render(self, value, obj=None, **kwargs):
        return "ja" if value else ""


class RoleResource(resources.ModelResource):
    """Roles by code: how each is filled, whether it needs a deputy, the position it stands for.

    "Hur rollen fylls" is individuell, kollektiv or relativ (Role.Kind;
    docs/roles.md). Files without that column or "Kräver ersättare" leave
    the roles' values as they are.
    """

    code = fields.Field(attribute="code", column_name="Kod")
    name = fields.Field(attribute="name", column_name="Namn")
    description = fields.Field(attribute="description", column_name="Beskrivning")
    position = fields.Field(
        attribute="position",
        column_name="Befattning",
        widget=widgets.ForeignKeyWidget(Position, field="code"),
    )
    order = fields.Field(attribute="order", column_name="Ordning", widget=widgets.IntegerWidget())
    kind = fields.Field(attribute="kind", column_name="Hur rollen fylls")
    needs_deputy = fields.Field(
        attribute="needs_deputy", column_name="Kräver ersättare", widget=YesNoWidget()
    )

    class Meta:
        model = Role
        fields = ["code", "name", "description", "position", "order", "kind", "needs_deputy"]
        import_id_fields = ["code"]
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        # full_clean() per row: constraint errors come back in Swedish, per field.
        clean_model_instances = True

    def get_queryset(self):
        return super().get_queryset().select_related("position")

    def before_import_row(self, row, **kwargs):
        # Checked here, so that the message names the column as the file does.
        super().before_import_row(row, **kwargs)
        problems = {}
        kind = self.fields["kind"].column_name
        if kind in row and str(row[kind] or "").strip() not in Role.Kind.values:
            problems[kind] = _("Skriv individuell, kollektiv eller relativ (nu ”%(value)s”).") % {
                "value": row[kind] or ""
            }
        deputy = self.fields["needs_deputy"].column_name
        if deputy in row:
            try:
                YesNoWidget().clean(row[deputy])
            except ValueError as error:
                problems[deputy] = str(error)
        if problems:
            raise ValidationError(problems)


class SearchWordResource(resources.ModelResource):
    """The search's word list: an everyday word and the words of the items it means."""

    word = fields.Field(attribute="word", column_name="Ord")
    means = fields.Field(attribute="means", column_name="Betyder")
    note = fields.Field(attribute="note", column_name="Anteckning")

    class Meta:
        model = SearchWord
        fields = ["word", "means", "note"]
        import_id_fields = ["word"]
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def before_import_row(self, row, **kwargs):
        # Stored as SearchWord.clean writes it, so that "Passerbricka" finds "passerbricka".
        super().before_import_row(row, **kwargs)
        column = self.fields["word"].column_name
        if column in row:
            row[column] = str(row[column] or "").strip().casefold()
