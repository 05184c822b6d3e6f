from django.urls import path

from patients.views import intake, registry, symptoms

app_name = "patients"

urlpatterns = [
    # Registry: demographics, for every staff role.
    path("", registry.patient_list, name="list"),
    path("new/", registry.patient_register, name="register"),
    path("<uuid:public_id>/details/", registry.patient_edit, name="edit"),
    path("<uuid:public_id>/archive/", registry.patient_archive, name="archive"),
    path("<uuid:public_id>/restore/", registry.patient_restore, name="restore"),
    # Clinical record: practitioners write, clinic admins read.
    path("<uuid:public_id>/intake/", intake.intake_edit, name="intake"),
    path("<uuid:public_id>/diagnoses/new/", intake.diagnosis_add, name="diagnosis_add"),
    path("<uuid:public_id>/diagnoses/<int:diagnosis_id>/", intake.diagnosis_edit, name="diagnosis_edit"),
    path("<uuid:public_id>/consents/new/", intake.consent_add, name="consent_add"),
    path("<uuid:public_id>/consents/<int:consent_id>/withdraw/", intake.consent_withdraw, name="consent_withdraw"),
    path("<uuid:public_id>/symptoms/", symptoms.symptom_history, name="symptoms"),
    path("<uuid:public_id>/symptoms/new/", symptoms.symptom_add, name="symptom_add"),
]
