from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("treatments", "0003_point_catalogue")]

    operations = [
        migrations.AddField(
            model_name="treatmentsession",
            name="started_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunSQL(
            "UPDATE treatments_treatmentsession s SET started_at = a.starts_at "
            "FROM treatments_appointment a WHERE a.id = s.appointment_id",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="treatmentsession",
            name="started_at",
            field=models.DateTimeField(editable=False),
        ),
        migrations.AddField(
            model_name="historicaltreatmentsession",
            name="started_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunSQL(
            "UPDATE treatments_historicaltreatmentsession h SET started_at = a.starts_at "
            "FROM treatments_appointment a WHERE a.id = h.appointment_id",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="historicaltreatmentsession",
            name="started_at",
            field=models.DateTimeField(editable=False),
        ),
        migrations.AddIndex(
            model_name="treatmentsession",
            index=models.Index(
                condition=models.Q(("signed_at__isnull", False)),
                fields=["plan", "started_at", "id"],
                include=("first_step_pain_before", "average_pain_before", "nsaid_use"),
                name="session_plan_order",
            ),
        ),
    ]
