from django.urls import path

from organisation import views

app_name = "organisation"

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("huvudman/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
]
