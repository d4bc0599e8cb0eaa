from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "rapport.comms"
    label = "comms"
    verbose_name = "Comms"

    def ready(self) -> None:
        # Importing these registers permissions, navigation, panels, the import
        # job kind and the Huey tasks.
        from rapport.comms import importers, setup, tasks  # noqa: F401
