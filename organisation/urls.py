from django.urls import path

from organisation import views

app_name = "organisation"

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("huvudman/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("enhet/<slug:slug>/", views.unit_detail, name="unit_detail"),
    path("vem-fragar-jag/", views.support_chain, name="support_chain"),
    path("tackning/", views.coverage, name="coverage"),
    path("tackning/export.xlsx", views.coverage_export, name="coverage_export"),
]
