from django.urls import path

from registry import organisation_views, views

app_name = "registry"

urlpatterns = [
    path("", views.blueprint, name="blueprint"),
    path("rutnat/", views.blueprint_grid, name="blueprint_grid"),
    path("export/", views.blueprint_export, name="blueprint_export"),
    path("ansvarsomrade/<int:pk>/", views.item_detail, name="item_detail"),
    path("person/<str:initials>/", views.person_detail, name="person_detail"),
    path("roll/<str:code>/", views.role_detail, name="role_detail"),
    # The organisation's pages that show the blueprint too, under /organisation/.
    path("organisation/enhet/<slug:slug>/", organisation_views.unit_detail, name="unit_detail"),
    path("organisation/vem-fragar-jag/", organisation_views.support_chain, name="support_chain"),
    path("organisation/tackning/", organisation_views.coverage, name="coverage"),
    path(
        "organisation/tackning/export.xlsx",
        organisation_views.coverage_export,
        name="coverage_export",
    ),
]
