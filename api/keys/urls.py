"""The user's API keys, under /konto/api-nycklar/."""

from django.urls import path

from api.keys import views as token_views

app_name = "api_keys"

urlpatterns = [
    path("", token_views.token_list, name="token_list"),
    path("<int:token_id>/aterkalla/", token_views.token_revoke_view, name="token_revoke"),
]
