"""/scim/v2/: django-scim2's endpoints for Users; no Groups, Bulk or Me (501)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import re_path
from django_scim import views as scim

from provisioning import views

app_name = "scim"  # django-scim2 reverses "scim:users", "scim:root", …

NOT_IMPLEMENTED = scim.SCIMView.as_view(implemented=False)

urlpatterns = [
    re_path(r"^$", NOT_IMPLEMENTED, name="root"),
    re_path(r"^\.search$", views.RootSearchView.as_view(), name="search"),
    re_path(r"^Users/\.search$", views.PeopleSearchView.as_view(), name="users-search"),
    re_path(r"^Users(?:/(?P<uuid>[^/]+))?$", views.PeopleView.as_view(), name="users"),
    re_path(r"^Groups/\.search$", NOT_IMPLEMENTED, name="groups-search"),
    re_path(r"^Groups(?:/(?P<uuid>[^/]+))?$", NOT_IMPLEMENTED, name="groups"),
    re_path(r"^Me$", NOT_IMPLEMENTED, name="me"),
    re_path(
        r"^ServiceProviderConfig$",
        scim.ServiceProviderConfigView.as_view(),
        name="service-provider-config",
    ),
    re_path(
        r"^ResourceTypes(?:/(?P<uuid>[^/]+))?$",
        views.ResourceTypesView.as_view(),
        name="resource-types",
    ),
    re_path(r"^Schemas(?:/(?P<uuid>[^/]+))?$", views.SchemasView.as_view(), name="schemas"),
    re_path(r"^Bulk$", NOT_IMPLEMENTED, name="bulk"),
    re_path(r"^.*$", views.NotFoundView.as_view(), name="not-found"),
]
# The provider has no session: its bearer token is checked in every view (authentication.py).
urlpatterns = [
    re_path(p.pattern.regex.pattern, login_not_required(p.callback), name=p.name)
    for p in urlpatterns
]
