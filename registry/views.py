"""Placeholder pages; the blueprint matrix issue replaces them."""

from django.shortcuts import get_object_or_404, render

from organisation.models import Person
from registry.models import Area, Item, Role


def blueprint(request):
    areas = Area.objects.prefetch_related("columns")
    return render(request, "registry/blueprint.html", {"areas": areas})


def item_detail(request, pk):
    item = get_object_or_404(Item, pk=pk)
    return render(request, "registry/item_detail.html", {"item": item})


def person_detail(request, initials):
    person = get_object_or_404(Person, initials=initials)
    return render(request, "registry/person_detail.html", {"person": person})


def role_detail(request, code):
    role = get_object_or_404(Role, code=code)
    return render(request, "registry/role_detail.html", {"role": role})
