"""Forms for writing a treatment plan and moving it through its life (draft, active, finished)."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from clinic.access import Role
from patients.models import Diagnosis
from treatments.models import MAX_SESSIONS, MIN_SESSIONS, TreatmentPlan

SESSIONS_MESSAGE = f"A course is {MIN_SESSIONS} to {MAX_SESSIONS} sessions."


def practitioner_choices():
    """Active members of the Practitioner group: a clinic has a handful, so a plain select is fine."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.PRACTITIONER.value)
        .order_by("last_name", "first_name", "username")
        .distinct()
    )


class PractitionerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class PlanForm(forms.ModelForm):
    """A plan's content. `status` is only chosen on creation; later changes go through PlanStatusForm."""

    practitioner = PractitionerChoiceField(queryset=None, label="Responsible practitioner")
    diagnoses = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Diagnoses this plan treats",
    )
    sessions_planned = forms.IntegerField(
        label="Number of sessions",
        min_value=MIN_SESSIONS,
        max_value=MAX_SESSIONS,
        help_text="Between 8 and 12.",
        error_messages={"min_value": SESSIONS_MESSAGE, "max_value": SESSIONS_MESSAGE},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = TreatmentPlan
        fields = [
            "practitioner",
            "diagnoses",
            "approach",
            "co_treatments",
            "goal",
            "sessions_planned",
            "frequency",
            "twice_weekly_weeks",
            "first_session_minutes",
            "session_minutes",
            "status",
        ]
        widgets = {
            "approach": forms.RadioSelect,
            "frequency": forms.RadioSelect,
            "status": forms.RadioSelect,
            "twice_weekly_weeks": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "session_minutes": forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
            "first_session_minutes": forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
        }
        labels = {
            "twice_weekly_weeks": "Weeks at twice a week",
            "first_session_minutes": "First session (min)",
            "session_minutes": "Later sessions (min)",
            "status": "Start as",
        }
        help_texts = {
            "twice_weekly_weeks": "Only for “twice a week at first, then weekly”; leave at least one weekly session.",
            "status": "A draft can be discussed with the patient; only an active plan can be booked.",
        }

    def __init__(self, *args, patient, sessions_booked: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.sessions_booked = sessions_booked
        self.fields["practitioner"].queryset = practitioner_choices()
        # This patient's active diagnoses, plus any the plan already treats that have since resolved,
        # so editing a plan never silently drops one.
        treated = Q(pk__in=self.instance.diagnoses.all()) if self.instance.pk else Q(pk__in=[])
        self.fields["diagnoses"].queryset = Diagnosis.objects.filter(patient=patient).filter(
            Q(status=Diagnosis.Status.ACTIVE) | treated
        )
        if self.instance.pk:
            del self.fields["status"]
        else:
            self.fields["status"].choices = [
                (TreatmentPlan.Status.DRAFT, "Draft"),
                (TreatmentPlan.Status.ACTIVE, "Active — ready to book"),
            ]
        if sessions_booked:
            self.fields[
                "sessions_planned"
            ].help_text = f"{SESSIONS_MESSAGE} {sessions_booked} already booked, so no fewer than that."

    def clean_sessions_planned(self) -> int:
        sessions = self.cleaned_data["sessions_planned"]
        if sessions < self.sessions_booked:
            raise forms.ValidationError(
                f"{self.sessions_booked} sessions are already booked: the plan cannot have fewer. "
                "Cancel sessions first if the course is to be shorter."
            )
        return sessions

    def clean(self):
        cleaned = super().clean()
        approach = cleaned.get("approach")
        if approach == TreatmentPlan.Approach.OTHER and not cleaned.get("co_treatments", "").strip():
            self.add_error("co_treatments", "Name the co-treatment, e.g. orthotics or stretching.")
        frequency = cleaned.get("frequency")
        weeks = cleaned.get("twice_weekly_weeks")
        sessions = cleaned.get("sessions_planned")
        if frequency == TreatmentPlan.Frequency.TWICE_THEN_WEEKLY:
            if weeks is None and "twice_weekly_weeks" not in self.errors:
                self.add_error("twice_weekly_weeks", "Say for how many weeks the sessions are twice a week.")
            elif weeks is not None and sessions and 2 * weeks >= sessions:
                self.add_error(
                    "twice_weekly_weeks",
                    f"{weeks} weeks at twice a week is {2 * weeks} sessions, leaving no weekly ones in a "
                    f"{sessions}-session course: choose at most {(sessions - 1) // 2}, or “Twice a week”.",
                )
        elif weeks is not None:
            self.add_error("twice_weekly_weeks", "Leave this empty unless the course is twice a week, then weekly.")
        return cleaned


class PlanStatusForm(forms.Form):
    """A change of status. The allowed moves are here, so the view and the page agree on them."""

    ACTIVATE, COMPLETE, DISCONTINUE = "activate", "complete", "discontinue"
    # action -> (statuses it may start from, status it leads to)
    MOVES = {
        ACTIVATE: ({TreatmentPlan.Status.DRAFT}, TreatmentPlan.Status.ACTIVE),
        COMPLETE: ({TreatmentPlan.Status.ACTIVE}, TreatmentPlan.Status.COMPLETED),
        DISCONTINUE: ({TreatmentPlan.Status.DRAFT, TreatmentPlan.Status.ACTIVE}, TreatmentPlan.Status.DISCONTINUED),
    }

    action = forms.ChoiceField(choices=[(a, a) for a in MOVES], widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is the course stopping?",
        max_length=200,
        required=False,
        help_text="E.g. pain resolved early, patient moved away, referred on.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, plan: TreatmentPlan, has_consent: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.has_consent = has_consent

    @classmethod
    def allowed_actions(cls, plan: TreatmentPlan) -> list[str]:
        return [action for action, (sources, _) in cls.MOVES.items() if plan.status in sources]

    def problem_with(self, action: str) -> str | None:
        """Why `action` cannot be done to this plan now, or None if it can."""
        if action not in self.MOVES:
            return "Choose what to do with the plan."
        sources, target = self.MOVES[action]
        if self.plan.status not in sources:
            return (
                f"A {self.plan.get_status_display().lower()} plan cannot be made "
                f"{TreatmentPlan.Status(target).label.lower()}."
            )
        if action == self.ACTIVATE and not self.has_consent:
            return "There is no consent to acupuncture in force for this patient: record it before activating the plan."
        return None

    def clean(self):
        cleaned = super().clean()
        problem = self.problem_with(cleaned.get("action", ""))
        if problem:
            raise forms.ValidationError(problem)
        if cleaned["action"] == self.DISCONTINUE and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Give a reason for stopping the course.")
        return cleaned

    def apply(self) -> TreatmentPlan:
        _, target = self.MOVES[self.cleaned_data["action"]]
        self.plan.status = target
        fields = ["status", "updated_at"]
        if target == TreatmentPlan.Status.DISCONTINUED:
            self.plan.discontinued_reason = self.cleaned_data["reason"].strip()
            fields.append("discontinued_reason")
        self.plan.save(update_fields=fields)
        return self.plan
