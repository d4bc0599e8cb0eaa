"""The projects' entries in the side navigation, registered when imported."""

from django.utils.translation import gettext_lazy as _

from rapport.core.registry import NavEntry, register_nav

GROUP = _("Projects")

register_nav(
    NavEntry(GROUP, _("Projects"), "projects:project_list", "projects.project", 40),
    NavEntry(GROUP, _("Utilisation"), "projects:utilisation", "projects.project", 41),
    NavEntry(GROUP, _("Schedule risks"), "projects:risks", "projects.project", 42),
)
