"""The projects API: projects, plans, resources, schedules, load, risk and what-if.

Endpoints are thin: they read through `projects.selectors` (scoped to the
caller), write through `projects.services`, and shape the answer. A
single-record answer carries the record's ETag; PATCH and DELETE honour
If-Match.
"""

from rapport.projects.api import plan, projects, resources, tracking  # noqa: F401
from rapport.projects.api.common import router

__all__ = ["router"]
