from django.urls import path

from registry.blueprint import detail_views, views
from registry.coverage import views as coverage_views
from registry.notify import views as notify_views
from registry.support import views as support_views
from registry.versions import views as version_views

app_name = "registry"

urlpatterns = [
    # The poster and the grid: one view, the kind fixed here (never by the client).
    path("", views.blueprint, {"kind": "poster"}, name="blueprint"),
    path("rutnat/", views.blueprint, {"kind": "grid"}, name="blueprint_grid"),
    path("enheter/", views.unit_search, name="unit_search"),
    path("export/", views.blueprint_export, name="blueprint_export"),
    path("fraga/", views.search, name="search"),
    path("ansvarsomrade/<int:pk>/", detail_views.item_detail, name="item_detail"),
    path("person/<str:initials>/", detail_views.person_detail, name="person_detail"),
    path("roll/<str:code>/", detail_views.role_detail, name="role_detail"),
    path("bekrafta/<str:token>/", notify_views.confirmation_link, name="confirmation_link"),
    path("ansvar/<int:pk>/svar/", notify_views.assignment_answer, name="assignment_answer"),
    path("versioner/", version_views.version_list, name="version_list"),
    path("versioner/andringar/", version_views.version_changes, name="version_changes"),
    path("versioner/<int:pk>/", version_views.version_detail, name="version_detail"),
    # The organisation's pages that show the blueprint or coverage too, under /organisation/.
    path(
        "organisation/huvudman/<slug:slug>/",
        detail_views.organisation_detail,
        name="organisation_detail",
    ),
    path("organisation/enhet/<slug:slug>/", detail_views.unit_detail, name="unit_detail"),
    path("organisation/vem-fragar-jag/", support_views.support_chain, name="support_chain"),
    path("organisation/tackning/", coverage_views.coverage, name="coverage"),
    path(
        "organisation/tackning/export.xlsx",
        coverage_views.coverage_export,
        name="coverage_export",
    ),
]
