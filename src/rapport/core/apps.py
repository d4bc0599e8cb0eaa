from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rapport.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from rapport.core import tasks  # noqa: F401  (registers the Huey tasks)
