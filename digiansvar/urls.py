from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from digiansvar.accessibility import accessibility_statement

admin.site.site_header = "digiansvar"
admin.site.site_title = "digiansvar"

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    path("konto/", include("django.contrib.auth.urls")),
    # The language switch also serves the login page.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("tillganglighet/", accessibility_statement, name="accessibility"),
    path("organisation/", include("organisation.urls")),
    path("", include("registry.urls")),
]
