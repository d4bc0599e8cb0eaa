from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "rapport.projects"
    label = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        # Importing these registers the permissions, the searchables, the Huey
        # tasks and the event consumers.
        from rapport.projects import consumers, navigation, search, setup, tasks  # noqa: F401

        setup.register()
