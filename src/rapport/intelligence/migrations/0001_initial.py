# Placeholder on the `ml` branch: the insight part's real 0001 replaces it on merge.
from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations: list[migrations.operations.base.Operation] = []
