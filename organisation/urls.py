from django.urls import path

from organisation import views

app_name = "organisation"

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
]
