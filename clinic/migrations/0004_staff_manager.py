# State only: the manager gains the `practitioners()` query (clinic.models.StaffQuerySet); no table changes.
from django.db import migrations

import clinic.models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0003_role_groups"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="user",
            managers=[
                ("objects", clinic.models.StaffManager()),
            ],
        ),
    ]
