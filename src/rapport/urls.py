"""URL map: pages per app, the API, the language switch."""

from django.urls import include, path

from rapport.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
