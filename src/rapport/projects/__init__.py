"""Projects, tasks, dependencies, calendars, resources and their schedule."""
