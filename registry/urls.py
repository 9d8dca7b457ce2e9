from django.urls import path

from registry import organisation_views, views

app_name = "registry"

urlpatterns = [
    path("", views.blueprint, name="blueprint"),
    path("rutnat/", views.blueprint_grid, name="blueprint_grid"),
    path("enheter/", views.unit_search, name="unit_search"),
    path("export/", views.blueprint_export, name="blueprint_export"),
    path("fraga/", views.search, name="search"),
    path("ansvarsomrade/<int:pk>/", views.item_detail, name="item_detail"),
    path("person/<str:initials>/", views.person_detail, name="person_detail"),
    path("roll/<str:code>/", views.role_detail, name="role_detail"),
    path("versioner/", views.version_list, name="version_list"),
    path("versioner/andringar/", views.version_changes, name="version_changes"),
    path("versioner/<int:pk>/", views.version_detail, name="version_detail"),
    # The organisation's pages that show the blueprint or coverage too, under /organisation/.
    path(
        "organisation/huvudman/<slug:slug>/",
        organisation_views.organisation_detail,
        name="organisation_detail",
    ),
    path("organisation/enhet/<slug:slug>/", organisation_views.unit_detail, name="unit_detail"),
    path("organisation/vem-fragar-jag/", organisation_views.support_chain, name="support_chain"),
    path("organisation/tackning/", organisation_views.coverage, name="coverage"),
    path(
        "organisation/tackning/export.xlsx",
        organisation_views.coverage_export,
        name="coverage_export",
    ),
]
