import factory

from organisation.models import Appointment, Organisation, Person, Position, Unit
from registry.models import Area, Assignment, Column, Item, Role


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = "Testkommunen"
    slug = "testkommunen"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Skola {n}")
    slug = factory.Sequence(lambda n: f"skola-{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    initials = factory.Sequence(lambda n: f"P.{n}")
    name = factory.Sequence(lambda n: f"Person {n}")


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position
        django_get_or_create = ["code"]

    code = Position.Code.PRINCIPAL
    name = "Rektor"
    level = Position.Level.UNIT


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    person = factory.SubFactory(PersonFactory)
    position = factory.SubFactory(PositionFactory)
    unit = factory.SubFactory(UnitFactory)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"OMRÅDE {n}")
    slug = factory.Sequence(lambda n: f"omrade-{n}")
    order = factory.Sequence(int)


class ColumnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Column

    area = factory.SubFactory(AreaFactory)
    name = factory.Sequence(lambda n: f"Kolumn {n}")
    slug = factory.Sequence(lambda n: f"kolumn-{n}")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"R{n}")
    name = factory.Sequence(lambda n: f"Roll {n}")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    column = factory.SubFactory(ColumnFactory)
    name = factory.Sequence(lambda n: f"Ansvarsområde {n}")
    order = factory.Sequence(int)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    item = factory.SubFactory(ItemFactory)
    unit = factory.SubFactory(UnitFactory)
    role = factory.SubFactory(RoleFactory)
    person = None
