from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "rapport.crm"
    label = "crm"
    verbose_name = "CRM"

    def ready(self) -> None:
        from rapport.crm import search, tasks  # noqa: F401  (registers searchables, tasks)
