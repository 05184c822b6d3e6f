"""The patient records in the Django admin, for clinic admins to look things up and audit.

Nothing here can be deleted: patients are archived, consents withdrawn and
diagnoses resolved, in the app. Clinic admins read the clinical records and
their change history; writing them is left to practitioners in the chart, where
the safety rules run and the history records who did it. That holds for
superusers too: an intake's safety flags (a pacemaker, pregnancy, anticoagulants)
decide which points and currents are safe, so no admin page may change one.
Patients are registered through the Patients page so the duplicate check runs;
the admin only corrects their contact details and name, with the same validation.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from clinic.access import can_manage_clinic
from patients.forms.registry import PatientForm
from patients.models import Consent, Diagnosis, Intake, Patient, PriorTreatment, SymptomRecord

RECORDS_PER_PAGE = 50


def _is_clinic_admin(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and (user.is_superuser or can_manage_clinic(user))


class ClinicalRecordAdmin(SimpleHistoryAdmin):
    """Readable by clinic admins (and superusers); added, changed and deleted by nobody here."""

    list_per_page = RECORDS_PER_PAGE
    show_full_result_count = False

    def get_urls(self):
        # simple_history declares this page with an unnamed regex; the same page with named,
        # typed parts lets the URL-protection test (and reverse() with kwargs) reach it.
        name = f"{self.model._meta.app_label}_{self.model._meta.model_name}_simple_history"
        historic_version = path(
            "<path:object_id>/history/<int:version_id>/",
            self.admin_site.admin_view(self.history_form_view),
            name=name,
        )
        return [historic_version, *(url for url in super().get_urls() if getattr(url, "name", None) != name)]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history's version page takes a POST (a revert) from anyone who may view it;
        # reverting is a change, so refuse it outright to those who may not change the record.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_module_permission(self, request) -> bool:
        return _is_clinic_admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_clinic_admin(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ArchivedFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", "On the patient list"), ("yes", "Archived")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.active()
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


@admin.register(Patient)
class PatientAdmin(ClinicalRecordAdmin):
    form = PatientForm
    list_display = ("family_name", "given_name", "mrn", "date_of_birth", "sex", "phone", "is_archived", "created_at")
    list_display_links = ("family_name", "given_name")
    list_filter = (ArchivedFilter, "sex", "preferred_contact", "reminder_opt_out")
    # The names and MRN are what staff search by; get_search_results uses the app's own search.
    search_fields = ("family_name", "given_name", "preferred_name", "mrn")
    search_help_text = "Part of a name, an MRN, a date of birth (YYYY-MM-DD) or a phone number."
    date_hierarchy = "created_at"
    readonly_fields = (
        "mrn",
        "public_id",
        "archived_at",
        "archive_reason",
        "created_at",
        "created_by",
        "updated_at",
    )
    fieldsets = (
        ("Record", {"fields": ("mrn", "public_id", "archived_at", "archive_reason")}),
        ("Name and birth", {"fields": ("given_name", "family_name", "preferred_name", "date_of_birth", "sex")}),
        ("Contact", {"fields": ("phone", "email", "preferred_contact", "reminder_opt_out")}),
        ("Address", {"fields": ("address_line", "city", "region", "postal_code")}),
        (
            "Emergency contact",
            {"fields": ("emergency_contact_name", "emergency_contact_phone", "emergency_contact_relationship")},
        ),
        ("Care team and work", {"fields": ("referring_physician", "primary_care_provider", "occupation")}),
        ("Audit", {"fields": ("created_at", "created_by", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")

    def get_search_results(self, request, queryset, search_term):
        # Accent-free names, DOB and phone digits, exactly as on the Patients page.
        return queryset.search(search_term), False

    def has_change_permission(self, request, obj=None) -> bool:
        # Demographics are front-desk data: clinic admins may correct them.
        return _is_clinic_admin(request)

    @admin.display(boolean=True, description="archived", ordering="archived_at")
    def is_archived(self, obj: Patient) -> bool:
        return obj.is_archived


class PriorTreatmentInline(admin.TabularInline):
    model = PriorTreatment
    extra = 0
    fields = ("kind", "outcome", "note")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_clinic_admin(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Intake)
class IntakeAdmin(ClinicalRecordAdmin):
    list_display = ("patient", "affected_side", "onset_date", "diabetes", "pregnant", "implanted_device", "recorded_at")
    list_filter = ("affected_side", "diabetes", "pregnant", "implanted_device", "anticoagulant", "bleeding_disorder")
    list_select_related = ("patient",)
    search_fields = ("patient__family_name", "patient__given_name", "patient__mrn")
    autocomplete_fields = ("patient",)
    raw_id_fields = ("recorded_by",)
    readonly_fields = ("recorded_by", "recorded_at", "updated_at")
    inlines = (PriorTreatmentInline,)


@admin.register(PriorTreatment)
class PriorTreatmentAdmin(ClinicalRecordAdmin):
    list_display = ("intake", "kind", "outcome", "note")
    list_filter = ("kind", "outcome")
    list_select_related = ("intake__patient",)
    search_fields = ("intake__patient__family_name", "intake__patient__given_name", "intake__patient__mrn")
    raw_id_fields = ("intake",)


@admin.register(Diagnosis)
class DiagnosisAdmin(ClinicalRecordAdmin):
    list_display = ("patient", "code", "side", "status", "onset_date", "recorded_by", "recorded_at")
    list_filter = ("code", "side", "status")
    list_select_related = ("patient", "recorded_by")
    search_fields = ("patient__family_name", "patient__given_name", "patient__mrn")
    autocomplete_fields = ("patient",)
    raw_id_fields = ("recorded_by",)
    readonly_fields = ("recorded_by", "recorded_at")


class InForceFilter(admin.SimpleListFilter):
    title = "in force"
    parameter_name = "in_force"

    def lookups(self, request, model_admin):
        return [("yes", "In force"), ("no", "Withdrawn")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.in_force()
        if self.value() == "no":
            return queryset.filter(withdrawn_on__isnull=False)
        return queryset


@admin.register(Consent)
class ConsentAdmin(ClinicalRecordAdmin):
    list_display = (
        "patient",
        "given_on",
        "covers_acupuncture",
        "covers_electroacupuncture",
        "covers_heat",
        "withdrawn_on",
        "recorded_by",
    )
    list_filter = (InForceFilter, "covers_electroacupuncture", "covers_heat")
    list_select_related = ("patient", "recorded_by")
    search_fields = ("patient__family_name", "patient__given_name", "patient__mrn")
    autocomplete_fields = ("patient",)
    raw_id_fields = ("recorded_by", "withdrawn_by")
    readonly_fields = ("recorded_by", "recorded_at", "withdrawn_by")
    date_hierarchy = "given_on"


@admin.register(SymptomRecord)
class SymptomRecordAdmin(ClinicalRecordAdmin):
    list_display = ("patient", "recorded_on", "symptom", "side", "severity", "timing", "recorded_by")
    list_filter = ("symptom", "side", "timing")
    list_select_related = ("patient", "recorded_by")
    search_fields = ("patient__family_name", "patient__given_name", "patient__mrn")
    autocomplete_fields = ("patient",)
    raw_id_fields = ("recorded_by",)
    readonly_fields = ("side", "recorded_by", "recorded_at")
    date_hierarchy = "recorded_on"
