"""Published adverse-event rates, shown beside the clinic's own; seeded with Bäumler 2021 (BMJ Open 11:e045961).

Minor events compare with the clinic's mild and moderate ones, serious with severe
(docs/clinical/measuring-progress.md#adverse-events).
"""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from treatments.progress.published_figures import ensure_published_figures


def seed_the_published_rates(apps, schema_editor):
    ensure_published_figures(apps, schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("treatments", "0008_reference_figures"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AdverseEventReference",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "citation",
                    models.TextField(help_text="Who published these rates, where and when.", verbose_name="source"),
                ),
                (
                    "minor_session_percent",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Share of treatment sessions, 0–100.",
                        max_digits=7,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("100")),
                        ],
                        verbose_name="treatments with a minor event (%)",
                    ),
                ),
                (
                    "minor_patient_percent",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Share of patients over their course, 0–100.",
                        max_digits=7,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("100")),
                        ],
                        verbose_name="patients with a minor event (%)",
                    ),
                ),
                (
                    "serious_per_10000_patients",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="For example 1 for 1 in 10,000.",
                        max_digits=7,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("10000")),
                        ],
                        verbose_name="patients with a serious event (per 10,000)",
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="shown beside the clinic's figures")),
            ],
            options={
                "verbose_name": "published adverse-event rates",
                "verbose_name_plural": "published adverse-event rates",
                "ordering": ["-is_active", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("minor_session_percent__isnull", True),
                                ("minor_session_percent__range", (0, 100)),
                                _connector="OR",
                            ),
                            models.Q(
                                ("minor_patient_percent__isnull", True),
                                ("minor_patient_percent__range", (0, 100)),
                                _connector="OR",
                            ),
                            models.Q(
                                ("serious_per_10000_patients__isnull", True),
                                ("serious_per_10000_patients__range", (0, 10000)),
                                _connector="OR",
                            ),
                        ),
                        name="adverse_reference_rates_in_range",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("citation", ""), _negated=True), name="adverse_reference_has_citation"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("is_active", True)),
                        fields=("is_active",),
                        name="adverse_reference_one_active_set",
                        violation_error_message="Another set of adverse-event rates is shown already: archive it first (untick “shown beside the clinic's figures”).",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalAdverseEventReference",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "citation",
                    models.TextField(help_text="Who published these rates, where and when.", verbose_name="source"),
                ),
                (
                    "minor_session_percent",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Share of treatment sessions, 0–100.",
                        max_digits=7,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("100")),
                        ],
                        verbose_name="treatments with a minor event (%)",
                    ),
                ),
                (
                    "minor_patient_percent",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Share of patients over their course, 0–100.",
                        max_digits=7,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("100")),
                        ],
                        verbose_name="patients with a minor event (%)",
                    ),
                ),
                (
                    "serious_per_10000_patients",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="For example 1 for 1 in 10,000.",
                        max_digits=7,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("10000")),
                        ],
                        verbose_name="patients with a serious event (per 10,000)",
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="shown beside the clinic's figures")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical published adverse-event rates",
                "verbose_name_plural": "historical published adverse-event rates",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(seed_the_published_rates, migrations.RunPython.noop),
    ]
