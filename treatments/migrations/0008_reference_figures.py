"""Published reference figures, shown beside the clinic's outcomes; seeded with the clinic's source document.

The seeded set is the claims of seed 002, a practitioner's 2023 article on acupuncture for plantar fasciitis
(docs/clinical/measuring-progress.md#published-reference-figures), for comparison only.
"""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from treatments.progress.published_figures import ensure_published_figures


def seed_the_published_figures(apps, schema_editor):
    ensure_published_figures(apps, schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("treatments", "0007_follow_up_window"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalReferenceFigures",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "condition_code",
                    models.CharField(
                        choices=[
                            ("M72.2", "M72.2 Plantar fasciitis"),
                            ("M77.31", "M77.31 Calcaneal spur, right foot"),
                            ("M77.32", "M77.32 Calcaneal spur, left foot"),
                            ("M77.30", "M77.30 Calcaneal spur, unspecified foot"),
                            ("G62.9", "G62.9 Polyneuropathy, unspecified"),
                            ("E11.42", "E11.42 Type 2 diabetes with diabetic polyneuropathy"),
                            ("R20.2", "R20.2 Paresthesia of skin"),
                            ("R20.0", "R20.0 Anesthesia (numbness) of skin"),
                            ("M79.671", "M79.671 Pain in right foot"),
                            ("M79.672", "M79.672 Pain in left foot"),
                        ],
                        default="M72.2",
                        max_length=10,
                        verbose_name="condition (ICD-10-CM code)",
                    ),
                ),
                (
                    "approach",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("acupuncture", "Acupuncture alone"),
                            ("acupuncture_pt", "Acupuncture with physical therapy"),
                            ("other", "Acupuncture with another co-treatment"),
                        ],
                        help_text="Leave empty for standard care (shown as a reference row only).",
                        max_length=20,
                        verbose_name="approach",
                    ),
                ),
                (
                    "citation",
                    models.TextField(help_text="Who published these figures, where and when.", verbose_name="source"),
                ),
                (
                    "mean_reduction",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=3,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("10")),
                        ],
                        verbose_name="mean fall in first-step pain (points, VAS 0–10)",
                    ),
                ),
                (
                    "weeks_to_relief_low",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(104)],
                        verbose_name="weeks to relief, from",
                    ),
                ),
                (
                    "weeks_to_relief_high",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(104)],
                        verbose_name="weeks to relief, to",
                    ),
                ),
                (
                    "relapse_percent",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="relapse within 6 months (%)",
                    ),
                ),
                (
                    "improved_after_4_percent",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="significantly improved after 4 sessions (%)",
                    ),
                ),
                (
                    "nsaid_reduced_percent",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="reduced or stopped daily NSAIDs (%)",
                    ),
                ),
                (
                    "nsaid_reduced_is_lower_bound",
                    models.BooleanField(default=False, verbose_name="NSAID share is a lower bound (“more than”)"),
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
                "verbose_name": "historical published reference figures",
                "verbose_name_plural": "historical published reference figures",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ReferenceFigures",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "condition_code",
                    models.CharField(
                        choices=[
                            ("M72.2", "M72.2 Plantar fasciitis"),
                            ("M77.31", "M77.31 Calcaneal spur, right foot"),
                            ("M77.32", "M77.32 Calcaneal spur, left foot"),
                            ("M77.30", "M77.30 Calcaneal spur, unspecified foot"),
                            ("G62.9", "G62.9 Polyneuropathy, unspecified"),
                            ("E11.42", "E11.42 Type 2 diabetes with diabetic polyneuropathy"),
                            ("R20.2", "R20.2 Paresthesia of skin"),
                            ("R20.0", "R20.0 Anesthesia (numbness) of skin"),
                            ("M79.671", "M79.671 Pain in right foot"),
                            ("M79.672", "M79.672 Pain in left foot"),
                        ],
                        default="M72.2",
                        max_length=10,
                        verbose_name="condition (ICD-10-CM code)",
                    ),
                ),
                (
                    "approach",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("acupuncture", "Acupuncture alone"),
                            ("acupuncture_pt", "Acupuncture with physical therapy"),
                            ("other", "Acupuncture with another co-treatment"),
                        ],
                        help_text="Leave empty for standard care (shown as a reference row only).",
                        max_length=20,
                        verbose_name="approach",
                    ),
                ),
                (
                    "citation",
                    models.TextField(help_text="Who published these figures, where and when.", verbose_name="source"),
                ),
                (
                    "mean_reduction",
                    models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=3,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(Decimal("0")),
                            django.core.validators.MaxValueValidator(Decimal("10")),
                        ],
                        verbose_name="mean fall in first-step pain (points, VAS 0–10)",
                    ),
                ),
                (
                    "weeks_to_relief_low",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(104)],
                        verbose_name="weeks to relief, from",
                    ),
                ),
                (
                    "weeks_to_relief_high",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(104)],
                        verbose_name="weeks to relief, to",
                    ),
                ),
                (
                    "relapse_percent",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="relapse within 6 months (%)",
                    ),
                ),
                (
                    "improved_after_4_percent",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="significantly improved after 4 sessions (%)",
                    ),
                ),
                (
                    "nsaid_reduced_percent",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="reduced or stopped daily NSAIDs (%)",
                    ),
                ),
                (
                    "nsaid_reduced_is_lower_bound",
                    models.BooleanField(default=False, verbose_name="NSAID share is a lower bound (“more than”)"),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="shown beside the clinic's figures")),
            ],
            options={
                "verbose_name": "published reference figures",
                "verbose_name_plural": "published reference figures",
                "ordering": ["condition_code", "approach", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("mean_reduction__isnull", True),
                            models.Q(("mean_reduction__gte", 0), ("mean_reduction__lte", 10)),
                            _connector="OR",
                        ),
                        name="reference_mean_reduction_0_10",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("relapse_percent__isnull", True), ("relapse_percent__lte", 100), _connector="OR"),
                            models.Q(
                                ("improved_after_4_percent__isnull", True),
                                ("improved_after_4_percent__lte", 100),
                                _connector="OR",
                            ),
                            models.Q(
                                ("nsaid_reduced_percent__isnull", True),
                                ("nsaid_reduced_percent__lte", 100),
                                _connector="OR",
                            ),
                        ),
                        name="reference_percent_0_100",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("weeks_to_relief_low__isnull", True),
                            ("weeks_to_relief_high__isnull", True),
                            ("weeks_to_relief_low__lte", models.F("weeks_to_relief_high")),
                            _connector="OR",
                        ),
                        name="reference_weeks_low_le_high",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("citation", ""), _negated=True), name="reference_has_citation"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("is_active", True)),
                        fields=("condition_code", "approach"),
                        name="reference_one_active_set",
                        violation_error_message="There is already an active set for this condition and approach: archive it first (untick “shown beside the clinic's figures”).",
                    ),
                ],
            },
        ),
        migrations.RunPython(seed_the_published_figures, migrations.RunPython.noop),
    ]
