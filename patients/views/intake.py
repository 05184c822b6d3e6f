"""Writing the clinical record: the intake consultation, diagnoses and consent. Practitioners only.

Clinic admins read these on the chart but cannot change them; the front desk never sees them.
Nothing here deletes: diagnoses are resolved and consents withdrawn, and the history keeps every change.
"""

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from patients.access import patient_for_clinical_write
from patients.forms.intake import ConsentForm, ConsentWithdrawForm, DiagnosisForm, IntakeForm, PriorTreatmentFormSet
from patients.intake_services import PriorTreatmentRow, intake_save
from patients.models import Intake, Patient

PRIOR_FIELDS = ("kind", "outcome", "note")


@require_http_methods(["GET", "POST"])
def intake_edit(request: HttpRequest, public_id) -> HttpResponse:
    patient = patient_for_clinical_write(request.user, public_id, Patient.objects.select_related("intake"))
    try:
        intake = patient.intake
    except Intake.DoesNotExist:
        intake = Intake(patient=patient)
    # Read before binding: validating the form copies the typed (unsaved) height and weight onto the instance.
    saved_bmi = intake.bmi
    data = request.POST if request.method == "POST" else None
    form = IntakeForm(data, instance=intake)
    prior_treatments = PriorTreatmentFormSet(data, instance=intake, prefix="prior")
    if data is not None and form.is_valid() and prior_treatments.is_valid():
        creating = intake.pk is None
        try:
            intake_save(
                patient=patient,
                values={name: form.cleaned_data[name] for name in form._meta.fields if name in form.cleaned_data},
                prior_treatments=[
                    PriorTreatmentRow(id=row.instance.pk, **{name: row.cleaned_data[name] for name in PRIOR_FIELDS})
                    for row in prior_treatments.forms
                    if row.has_changed()
                ],
                by=request.user,
            )
        except IntegrityError:
            # Two practitioners saving the first intake at once: the second one must not overwrite the first.
            messages.error(request, "Someone else saved this intake a moment ago. Check their version before editing.")
            return redirect("patients:intake", public_id=patient.public_id)
        messages.success(request, "Intake recorded." if creating else "Intake updated.")
        return redirect(patient)
    return render(
        request,
        "patients/intake_form.html",
        {
            "patient": patient,
            "form": form,
            "prior_treatments": prior_treatments,
            "creating": intake.pk is None,
            "saved_bmi": saved_bmi,
        },
    )


@require_http_methods(["GET", "POST"])
def diagnosis_add(request: HttpRequest, public_id) -> HttpResponse:
    patient = patient_for_clinical_write(request.user, public_id)
    form = DiagnosisForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        diagnosis = form.save(commit=False)
        diagnosis.patient = patient
        diagnosis.recorded_by = request.user
        diagnosis.save()
        messages.success(request, f"Diagnosis added: {diagnosis}.")
        return redirect(patient)
    return render(request, "patients/diagnosis_form.html", {"patient": patient, "form": form, "diagnosis": None})


@require_http_methods(["GET", "POST"])
def diagnosis_edit(request: HttpRequest, public_id, diagnosis_id: int) -> HttpResponse:
    patient = patient_for_clinical_write(request.user, public_id)
    diagnosis = get_object_or_404(patient.diagnoses, pk=diagnosis_id)
    form = DiagnosisForm(request.POST if request.method == "POST" else None, instance=diagnosis)
    if form.is_valid():
        if form.has_changed():
            form.save()
            messages.success(request, f"Diagnosis updated: {diagnosis}, {diagnosis.get_status_display().lower()}.")
        return redirect(patient)
    return render(request, "patients/diagnosis_form.html", {"patient": patient, "form": form, "diagnosis": diagnosis})


@require_http_methods(["GET", "POST"])
def consent_add(request: HttpRequest, public_id) -> HttpResponse:
    patient = patient_for_clinical_write(request.user, public_id)
    if request.method == "POST":
        form = ConsentForm(request.POST)
    else:
        form = ConsentForm(initial={"given_on": timezone.localdate(), "covers_acupuncture": True})
    if form.is_valid():
        consent = form.save(commit=False)
        consent.patient = patient
        consent.recorded_by = request.user
        consent.save()
        messages.success(request, f"Consent recorded: covers {', '.join(consent.covers)}.")
        return redirect(patient)
    return render(request, "patients/consent_form.html", {"patient": patient, "form": form})


@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, public_id, consent_id: int) -> HttpResponse:
    patient = patient_for_clinical_write(request.user, public_id)
    consent = get_object_or_404(patient.consents, pk=consent_id)
    if consent.withdrawn_on:
        messages.info(request, f"This consent was already withdrawn on {consent.withdrawn_on:%b %d, %Y}.")
        return redirect(patient)
    if request.method == "POST":
        form = ConsentWithdrawForm(request.POST, consent=consent)
    else:
        form = ConsentWithdrawForm(initial={"withdrawn_on": timezone.localdate()}, consent=consent)
    if form.is_valid():
        consent.withdraw(on=form.cleaned_data["withdrawn_on"], reason=form.cleaned_data["reason"], by=request.user)
        messages.success(request, "Consent withdrawn. No treatment can be logged until new consent is recorded.")
        return redirect(patient)
    return render(request, "patients/consent_withdraw.html", {"patient": patient, "consent": consent, "form": form})
