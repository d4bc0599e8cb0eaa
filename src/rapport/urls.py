"""URL map: pages per app, the API, the language switch."""

from importlib.util import find_spec

from django.urls import include, path

from rapport.api import api
from rapport.views import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("rapport.core.urls")),
    path("accounts/", include("rapport.accounts.urls", namespace="accounts")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

# The CRM pages are built alongside the shell; until their URL map exists the rest
# of the site still loads and the navigation leaves those entries out.
if find_spec("rapport.crm.urls") is not None:
    urlpatterns.append(path("crm/", include("rapport.crm.urls", namespace="crm")))

urlpatterns += [
    path("projects/", include("rapport.projects.urls", namespace="projects")),
    path("comms/", include("rapport.comms.urls", namespace="comms")),
    path("insight/", include("rapport.intelligence.urls", namespace="intelligence")),
]
