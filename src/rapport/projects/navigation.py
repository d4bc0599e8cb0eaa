"""The projects' entries in the side navigation and their panels on CRM pages.

Registered when imported (from the app's `ready`).
"""

from django.utils.translation import gettext_lazy as _

from rapport.core.registry import NavEntry, Panel, register_nav, register_panel
from rapport.projects.views import panels

GROUP = _("Projects")

register_nav(
    NavEntry(GROUP, _("Projects"), "projects:project_list", "projects.project", 40),
    NavEntry(GROUP, _("Utilisation"), "projects:utilisation", "projects.project", 41),
    NavEntry(GROUP, _("Schedule risks"), "projects:risks", "projects.project", 42),
)
register_panel(Panel("crm.company", "projects", panels.company_projects, 30, "main"))
register_panel(Panel("crm.deal", "project", panels.deal_project, 30, "main"))
