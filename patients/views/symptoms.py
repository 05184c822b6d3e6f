"""Symptom records: placed on the foot diagram by practitioners, read by clinicians."""

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from patients.access import patient_for_clinical_read, patient_for_clinical_write
from patients.forms.symptoms import SymptomFilterForm, SymptomRecordForm, severity_scale
from patients.models import SymptomRecord
from patients.symptoms import symptoms_section

RECORDS_PER_PAGE = 50
# "Save and record another" keeps the date for the next record of the same visit.
_CARRIED_DATE = "symptoms:carried-date:{patient}"


@require_http_methods(["GET", "POST"])
def symptom_add(request: HttpRequest, public_id) -> HttpResponse:
    patient = patient_for_clinical_write(request.user, public_id)
    carried_key = _CARRIED_DATE.format(patient=patient.public_id)
    if request.method == "POST":
        form = SymptomRecordForm(request.POST, patient=patient)
        if form.is_valid():
            record = form.save(commit=False)
            record.patient = patient
            record.recorded_by = request.user
            record.save()
            saved = f"Saved: {record.symptom_label.lower()}, {record.severity}/10."
            if "another" in request.POST:
                request.session[carried_key] = record.recorded_on.isoformat()
                messages.success(request, f"{saved} Record the next symptom below.")
                return redirect("patients:symptom_add", public_id=patient.public_id)
            request.session.pop(carried_key, None)
            messages.success(request, saved)
            return redirect(patient)
    else:
        initial = {}
        carried = request.session.pop(carried_key, None)
        if carried:
            initial["recorded_on"] = date.fromisoformat(carried)
        form = SymptomRecordForm(initial=initial, patient=patient)
    context = {"patient": patient, "form": form, "severity_scale": severity_scale(), "today": timezone.localdate()}
    return render(request, "patients/symptom_form.html", context)


@require_GET
def symptom_history(request: HttpRequest, public_id) -> HttpResponse:
    patient = patient_for_clinical_read(request.user, public_id)
    records = patient.symptom_records.select_related("recorded_by").order_by("-recorded_on", "-id")
    filter_form = SymptomFilterForm(request.GET)
    wanted = ""
    if filter_form.is_valid():
        wanted = filter_form.cleaned_data["symptom"]
    if wanted:
        records = records.filter(symptom=wanted)
    page = Paginator(records, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "patient": patient,
        "page": page,
        "filter_form": filter_form,
        "wanted_label": SymptomRecord.Symptom(wanted).label if wanted else "",
        "symptoms": symptoms_section(patient, request.user),
    }
    return render(request, "patients/symptom_history.html", context)
