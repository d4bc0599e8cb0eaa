"""The projects' entries in the side navigation."""

from django.utils.translation import gettext_lazy as _

from rapport.core.registry import NavEntry, register_nav


def register() -> None:
    """Add the project pages to the side navigation (shown to who may view them)."""
    group = _("Projects")
    register_nav(
        NavEntry(group, _("Projects"), "projects:project_list", "projects.project", 40),
        NavEntry(
            group, _("Utilisation"), "projects:utilisation", "projects.project", 41
        ),
        NavEntry(group, _("Schedule risks"), "projects:risks", "projects.project", 42),
    )
