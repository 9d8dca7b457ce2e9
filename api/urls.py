"""/api/v1/: the register's endpoints; /api/schema/ the OpenAPI document, /api/docs/ its page.

The site's LoginRequiredMiddleware runs before DRF reads the key, so every
API view is marked login_not_required here and DRF answers 401 itself
(api.permissions: nothing without a signed-in user or a key). Reads get an
ETag (api.reading.with_etag).
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import views
from api.errors import not_found
from api.reading import with_etag

app_name = "api"


def api_view(view_class, actions=None, etag=True, **initkwargs):
    view = (
        view_class.as_view(actions, **initkwargs) if actions else view_class.as_view(**initkwargs)
    )
    return login_not_required(with_etag(view) if etag else view)


LIST = {"get": "list"}
DETAIL = {"get": "retrieve"}

urlpatterns = [
    path("v1/areas/", api_view(views.AreaViewSet, LIST), name="area_list"),
    path("v1/areas/<slug:slug>/", api_view(views.AreaViewSet, DETAIL), name="area_detail"),
    path("v1/items/", api_view(views.ItemViewSet, LIST), name="item_list"),
    path("v1/items/<int:pk>/", api_view(views.ItemViewSet, DETAIL), name="item_detail"),
    path("v1/roles/", api_view(views.RoleViewSet, LIST), name="role_list"),
    path("v1/roles/<str:code>/", api_view(views.RoleViewSet, DETAIL), name="role_detail"),
    path("v1/units/", api_view(views.UnitViewSet, LIST), name="unit_list"),
    path("v1/units/<slug:slug>/", api_view(views.UnitViewSet, DETAIL), name="unit_detail"),
    path("v1/people/", api_view(views.PersonViewSet, LIST), name="person_list"),
    path(
        "v1/people/<int:person_id>/",
        api_view(views.PersonViewSet, DETAIL),
        name="person_detail",
    ),
    path(
        "v1/assignments/",
        api_view(views.AssignmentViewSet, {"get": "list", "post": "create"}),
        name="assignment_list",
    ),
    path(
        "v1/assignments/reassign/",
        api_view(views.ReassignView, etag=False),
        name="assignment_reassign",
    ),
    path(
        "v1/assignments/<int:assignment_id>/",
        api_view(
            views.AssignmentViewSet,
            {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"},
        ),
        name="assignment_detail",
    ),
    path("v1/versions/", api_view(views.VersionViewSet, LIST), name="version_list"),
    path("v1/versions/compare/", api_view(views.VersionCompareView), name="version_compare"),
    path("v1/versions/<int:pk>/", api_view(views.VersionViewSet, DETAIL), name="version_detail"),
    path("v1/support-chain/", api_view(views.SupportChainView), name="support_chain"),
    path("v1/search/", api_view(views.SearchView), name="search"),
    path("schema/", api_view(SpectacularAPIView, etag=False), name="schema"),
    path(
        "docs/",
        api_view(SpectacularSwaggerSplitView, etag=False, url_name="api:schema"),
        name="docs",
    ),
    # What matches no route above answers in JSON too, not with the site's HTML page.
    re_path(r"^(?P<path>.*)$", login_not_required(csrf_exempt(not_found)), name="not_found"),
]
