from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "rapport.crm"
    label = "crm"
    verbose_name = "CRM"

    def ready(self) -> None:
        # Importing these registers the searchables, the Huey tasks and the
        # event consumers.
        from rapport.crm import consumers, search, tasks  # noqa: F401
