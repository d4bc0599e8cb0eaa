"""Install the shipped skills, the default calendar and the project templates."""

from typing import Any

from django.db import migrations


def install_defaults(apps: Any, schema_editor: Any) -> None:
    from rapport.projects.defaults import install

    install(lambda name: apps.get_model("projects", name))


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(install_defaults, migrations.RunPython.noop)]
