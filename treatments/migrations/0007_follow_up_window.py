"""The follow-up window on the relief rule; follow-ups that never reached relief kept apart from relapse.

Follow-ups recorded before this migration get the default window (5 to 8 months after the plan's last
signed session) so the new check constraint holds; their stored relapse verdicts are left as they were.
"""

import django.core.validators
from dateutil.relativedelta import relativedelta
from django.db import migrations, models
from django.utils import timezone

DEFAULT_FROM_MONTHS, DEFAULT_TO_MONTHS = 5, 8
FOLLOW_UP_AFTER = relativedelta(months=6)


def give_recorded_follow_ups_the_default_window(apps, schema_editor):
    FollowUp = apps.get_model("treatments", "FollowUp")
    TreatmentSession = apps.get_model("treatments", "TreatmentSession")
    for follow_up in FollowUp.objects.filter(recorded_on__isnull=False, window_opens_on__isnull=True):
        last = (
            TreatmentSession.objects.filter(plan_id=follow_up.plan_id, signed_at__isnull=False)
            .order_by("-appointment__starts_at", "-id")
            .values_list("appointment__starts_at", flat=True)
            .first()
        )
        last_day = timezone.localdate(last) if last else follow_up.due_on - FOLLOW_UP_AFTER
        follow_up.window_opens_on = last_day + relativedelta(months=DEFAULT_FROM_MONTHS)
        follow_up.window_closes_on = last_day + relativedelta(months=DEFAULT_TO_MONTHS)
        follow_up.save(update_fields=["window_opens_on", "window_closes_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("treatments", "0006_session_sign_acknowledgement"),
    ]

    operations = [
        migrations.AddField(
            model_name="reliefrule",
            name="follow_up_from_months",
            field=models.PositiveSmallIntegerField(
                default=5,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(24),
                ],
                verbose_name="6-month follow-up counts from (months after the last session)",
            ),
        ),
        migrations.AddField(
            model_name="reliefrule",
            name="follow_up_to_months",
            field=models.PositiveSmallIntegerField(
                default=8,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(24),
                ],
                verbose_name="until (months after the last session)",
            ),
        ),
        migrations.AddConstraint(
            model_name="reliefrule",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("follow_up_from_months__gte", 1),
                    ("follow_up_to_months__lte", 24),
                    ("follow_up_from_months__lte", models.F("follow_up_to_months")),
                ),
                name="relief_rule_follow_up_window",
            ),
        ),
        migrations.AddField(
            model_name="followup",
            name="never_relieved",
            field=models.BooleanField(default=False, editable=False, verbose_name="never reached relief"),
        ),
        migrations.AddField(
            model_name="followup",
            name="window_opens_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="counts as the 6-month follow-up from"
            ),
        ),
        migrations.AddField(
            model_name="followup",
            name="window_closes_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="until"),
        ),
        migrations.AddField(
            model_name="historicalfollowup",
            name="never_relieved",
            field=models.BooleanField(default=False, editable=False, verbose_name="never reached relief"),
        ),
        migrations.AddField(
            model_name="historicalfollowup",
            name="window_opens_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="counts as the 6-month follow-up from"
            ),
        ),
        migrations.AddField(
            model_name="historicalfollowup",
            name="window_closes_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="until"),
        ),
        migrations.AlterField(
            model_name="followup",
            name="relapsed",
            field=models.BooleanField(
                editable=False,
                help_text="Judged by the relief rule in force; left empty for a plan that never reached relief.",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="historicalfollowup",
            name="relapsed",
            field=models.BooleanField(
                editable=False,
                help_text="Judged by the relief rule in force; left empty for a plan that never reached relief.",
                null=True,
            ),
        ),
        migrations.RunPython(give_recorded_follow_ups_the_default_window, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="followup",
            name="follow_up_recorded_is_judged",
        ),
        migrations.AddConstraint(
            model_name="followup",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("recorded_on__isnull", True),
                    models.Q(("never_relieved", False), ("relapsed__isnull", False)),
                    models.Q(("never_relieved", True), ("relapsed__isnull", True)),
                    _connector="OR",
                ),
                name="follow_up_recorded_is_judged",
            ),
        ),
        migrations.AddConstraint(
            model_name="followup",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("recorded_on__isnull", True),
                    models.Q(
                        ("window_closes_on__isnull", False),
                        ("window_opens_on__isnull", False),
                        ("window_opens_on__lte", models.F("window_closes_on")),
                    ),
                    _connector="OR",
                ),
                name="follow_up_recorded_has_window",
            ),
        ),
    ]
