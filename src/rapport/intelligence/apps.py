from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "rapport.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence"

    def ready(self) -> None:
        # Each part registers its consumers, tasks, panels and navigation from its
        # own `setup` module, so neither part edits the other's files.
        for part in ("insight", "ml"):
            module = f"rapport.intelligence.{part}.setup"
            if find_spec(module) is not None:
                import_module(module)
