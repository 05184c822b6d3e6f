"""The tables seed_scale writes, their columns in the order the generator gives values, and their ids."""

from demo.scale.copy import CopyPipe, CopyTable, reset_sequence

COLUMNS = {
    "patients_patient": (
        "id", "public_id", "mrn", "family_name", "given_name", "preferred_name", "date_of_birth", "sex", "phone",
        "email", "address_line", "city", "region", "postal_code", "emergency_contact_name", "emergency_contact_phone",
        "emergency_contact_relationship", "preferred_contact", "reminder_opt_out", "referring_physician",
        "primary_care_provider", "occupation", "search_name", "phone_digits", "archived_at", "archive_reason",
        "created_at", "updated_at", "created_by_id",
    ),
    "patients_intake": (
        "id", "patient_id", "affected_side", "onset_date", "aggravators", "complaint_notes", "height_cm", "weight_kg",
        "standing_hours_per_day", "sport", "sport_detail", "tight_calves", "foot_posture", "footwear", "diabetes",
        "peripheral_vascular_disease", "anticoagulant", "bleeding_disorder", "implanted_device",
        "implanted_device_detail", "pregnant", "pregnancy_due_date", "foot_ulcer_or_infection", "ulcer_site",
        "fainting_history", "needle_phobia", "metal_allergy", "current_medicines", "nsaid_use", "gait_notes",
        "palpation_notes", "baseline_first_step_pain", "baseline_average_pain", "recorded_by_id", "recorded_at",
        "updated_at",
    ),
    "patients_priortreatment": ("id", "intake_id", "kind", "outcome", "note"),
    "patients_diagnosis": (
        "id", "patient_id", "code", "side", "onset_date", "status", "note", "recorded_by_id", "recorded_at",
    ),
    "patients_consent": (
        "id", "patient_id", "given_on", "covers_acupuncture", "covers_electroacupuncture", "covers_heat",
        "recorded_by_id", "recorded_at", "withdrawn_on", "withdrawal_reason", "withdrawn_by_id",
    ),
    "patients_symptomrecord": (
        "id", "patient_id", "recorded_on", "symptom", "symptom_other", "spots", "side", "severity", "timing", "note",
        "recorded_by_id", "recorded_at",
    ),
    "treatments_treatmentplan": (
        "id", "public_id", "patient_id", "practitioner_id", "approach", "co_treatments", "sessions_planned",
        "frequency", "twice_weekly_weeks", "session_minutes", "first_session_minutes", "goal", "status",
        "discontinued_reason", "created_by_id", "created_at", "updated_at",
    ),
    "treatments_treatmentplan_diagnoses": ("id", "treatmentplan_id", "diagnosis_id"),
    "treatments_appointment": (
        "id", "patient_id", "practitioner_id", "location_id", "plan_id", "kind", "starts_at", "ends_at", "status",
        "checked_in_at", "cancelled_at", "cancelled_by", "cancel_reason", "late_cancellation", "override_reason",
        "reminder_sent_at", "booked_by_id", "created_at",
    ),
    "treatments_treatmentsession": (
        "id", "appointment_id", "patient_id", "plan_id", "practitioner_id", "started_at", "first_step_pain_before",
        "average_pain_before", "first_step_pain_after", "average_pain_after", "needle_count", "retention_minutes",
        "heat", "other_techniques", "pregnancy_override_reason", "subjective", "objective", "assessment",
        "plan_notes", "home_care", "nsaid_use", "created_at", "updated_at", "signed_at", "signed_by_id",
        "sign_acknowledgement",
    ),
    "treatments_needledpoint": ("id", "session_id", "point_id", "side", "ashi_location"),
    "treatments_adverseevent": ("id", "session_id", "kind", "severity", "action_taken"),
    "treatments_followup": (
        "id", "plan_id", "due_on", "appointment_id", "recorded_on", "first_step_pain", "average_pain",
        "symptoms_returned", "new_treatment_needed", "relapsed", "never_relieved", "window_opens_on",
        "window_closes_on", "notes", "recorded_by_id",
    ),
}  # fmt: skip


class Tables:
    """One COPY buffer per table, and the next id of each (ids are given explicitly, so rows can point at rows)."""

    def __init__(self, cursor, copy_cursor):
        """`copy_cursor` is a raw psycopg2 cursor on the same connection, used only by the COPY thread."""
        self.cursor = cursor
        self._next_id = {}
        for name in COLUMNS:
            cursor.execute(f"SELECT COALESCE(max(id), 0) FROM {name}")  # noqa: S608  (our table names)
            self._next_id[name] = cursor.fetchone()[0] + 1
        self.pipe = CopyPipe(copy_cursor)
        self.copies = {name: CopyTable(self.pipe, name, columns) for name, columns in COLUMNS.items()}

    def new_id(self, table: str) -> int:
        value = self._next_id[table]
        self._next_id[table] = value + 1
        return value

    def add(self, table: str, *values) -> None:
        self.copies[table].add(*values)

    def flush(self) -> None:
        for copy in self.copies.values():
            copy.flush()

    def counts(self) -> dict[str, int]:
        return {name: copy.rows for name, copy in self.copies.items()}

    def copy_seconds(self) -> dict[str, float]:
        return {name: self.pipe.seconds.get(name, 0.0) for name in COLUMNS}

    def abandon(self) -> None:
        self.pipe.abandon()

    def finish(self) -> None:
        """Send what is left, wait for every COPY, then move the sequences on."""
        self.flush()
        self.pipe.close()
        for name in COLUMNS:
            reset_sequence(self.cursor, name)
