from django.urls import path

from review import views

app_name = "review"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("<int:pk>/status/", views.round_status, name="round_status"),
    path("<int:pk>/paminn/", views.round_remind, name="round_remind"),
    path("<int:round_pk>/<slug:unit_slug>/", views.unit_review, name="unit_review"),
]
