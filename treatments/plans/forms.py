"""Forms for writing a treatment plan and moving it through its life (draft, active, finished)."""

from django import forms
from django.db.models import Q

from clinic.models import User
from patients.models import Diagnosis
from patients.safety import SafetyFacts
from treatments.models import MAX_SESSIONS, MIN_SESSIONS, TreatmentPlan

SESSIONS_MESSAGE = f"A course is {MIN_SESSIONS} to {MAX_SESSIONS} sessions."


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
        # A clinic has a handful of practitioners, so a plain select is fine.
        self.fields["practitioner"].queryset = User.objects.practitioners()
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
    """A change of status, named by the page's button. Which moves the plan allows, and when, is the plan's to say."""

    ACTIVATE, COMPLETE, DISCONTINUE = "activate", "complete", "discontinue"
    # action -> the status it leads to
    ACTIONS = {
        ACTIVATE: TreatmentPlan.Status.ACTIVE,
        COMPLETE: TreatmentPlan.Status.COMPLETED,
        DISCONTINUE: TreatmentPlan.Status.DISCONTINUED,
    }

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is the course stopping?",
        max_length=200,
        required=False,
        help_text="E.g. pain resolved early, patient moved away, referred on.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, plan: TreatmentPlan, facts: SafetyFacts | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.facts = facts

    @classmethod
    def allowed_actions(cls, plan: TreatmentPlan) -> list[str]:
        moves = plan.allowed_status_moves()
        return [action for action, status in cls.ACTIONS.items() if status in moves]

    def problem_with(self, action: str) -> str | None:
        """Why `action` cannot be done to this plan now, or None if it can."""
        if action not in self.ACTIONS:
            return "Choose what to do with the plan."
        return self.plan.status_move_refusal(self.ACTIONS[action], facts=self.facts)

    def clean(self):
        cleaned = super().clean()
        problem = self.problem_with(cleaned.get("action", ""))
        if problem:
            raise forms.ValidationError(problem)
        if refusal := self.plan.stop_reason_refusal(self.ACTIONS[cleaned["action"]], cleaned.get("reason", "")):
            self.add_error("reason", refusal)
        return cleaned

    @property
    def status(self) -> str:
        """The status the valid form moves the plan to."""
        return self.ACTIONS[self.cleaned_data["action"]]
