from django.urls import path

from registry import views

app_name = "registry"

urlpatterns = [
    path("", views.blueprint, name="blueprint"),
    path("rutnat/", views.blueprint_grid, name="blueprint_grid"),
    path("export/", views.blueprint_export, name="blueprint_export"),
    path("fraga/", views.search, name="search"),
    path("ansvarsomrade/<int:pk>/", views.item_detail, name="item_detail"),
    path("person/<str:initials>/", views.person_detail, name="person_detail"),
    path("roll/<str:code>/", views.role_detail, name="role_detail"),
]
