"""Symptom records: placed on the foot diagram by practitioners, read by clinicians."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from patients.access import patient_for_clinical_read, patient_for_clinical_write
from patients.forms.symptoms import SymptomRecordForm
from patients.models import SymptomRecord
from patients.symptoms import symptoms_section

RECORDS_PER_PAGE = 50


@require_http_methods(["GET", "POST"])
def symptom_add(request: HttpRequest, public_id) -> HttpResponse:
    patient = patient_for_clinical_write(request.user, public_id)
    form = SymptomRecordForm(request.POST if request.method == "POST" else None, patient=patient)
    if form.is_valid():
        record = form.save(commit=False)
        record.patient = patient
        record.recorded_by = request.user
        record.save()
        messages.success(request, f"Recorded {record.symptom_label.lower()} ({record.severity}/10).")
        if "another" in request.POST:
            return redirect("patients:symptom_add", public_id=patient.public_id)
        return redirect(patient)
    return render(request, "patients/symptom_form.html", {"patient": patient, "form": form})


@require_GET
def symptom_history(request: HttpRequest, public_id) -> HttpResponse:
    patient = patient_for_clinical_read(request.user, public_id)
    records = patient.symptom_records.select_related("recorded_by").order_by("-recorded_on", "-id")
    wanted = request.GET.get("symptom", "")
    unknown_filter = bool(wanted) and wanted not in SymptomRecord.Symptom.values
    if unknown_filter:
        messages.warning(request, "That symptom filter is not one we know; showing every symptom instead.")
        return redirect(reverse("patients:symptoms", kwargs={"public_id": patient.public_id}))
    if wanted:
        records = records.filter(symptom=wanted)
    page = Paginator(records, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "patient": patient,
        "page": page,
        "section": symptoms_section(patient, request.user),
        "symptom_choices": SymptomRecord.Symptom.choices,
        "wanted": wanted,
    }
    return render(request, "patients/symptom_history.html", context)
