"""A small clinic with something behind every form, and a way to read a page's form as a browser would post it.

Shared by the input-hardening tests (tests/test_far_dates.py, tests/test_formset_caps.py,
tests/test_fuzz_forms.py): they post what a browser would, with one field changed, and check the
page refuses it without a 500 and without writing anything.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser

from django.apps import apps
from django.utils import timezone

from tests.clock import next_weekday, today_at
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    DiagnosisFactory,
    IntakeFactory,
    LocationFactory,
    PatientFactory,
    TreatmentPlanFactory,
    TreatmentSessionFactory,
    full_week_hours,
)
from treatments.models import Appointment, TreatmentPlan, local_datetime
from treatments.progress.follow_up import follow_up_propose

# Every table the app writes to: "nothing written" means none of them changed size.
APPS_WRITTEN = ("patients", "treatments", "clinic")


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in APPS_WRITTEN
        for model in apps.get_app_config(app).get_models()
        if not model._meta.proxy
    }


@dataclass
class World:
    location: object
    patient: object
    consent: object
    diagnosis: object
    plan: object
    booked: object  # Maria's appointment on Monday, still to come
    checked_in: object  # Maria's appointment today, at the desk
    session: object  # a draft session on the checked-in appointment
    signed_session: object
    completed_plan: object  # a finished plan with its follow-up proposed


def build_world(practitioner) -> World:
    """Maria, Alice's patient, with an intake, a consent, a diagnosis, a plan and appointments; a finished plan too."""
    location = LocationFactory()
    full_week_hours(practitioner, location, starts=dt.time(8), ends=dt.time(18), days=range(7))
    patient = PatientFactory(given_name="Maria", family_name="Lopez")
    IntakeFactory(patient=patient, recorded_by=practitioner)
    consent = ConsentFactory(
        patient=patient, recorded_by=practitioner, covers_electroacupuncture=True, covers_heat=True
    )
    diagnosis = DiagnosisFactory(patient=patient, recorded_by=practitioner)
    plan = TreatmentPlanFactory(patient=patient, practitioner=practitioner, sessions_planned=10)
    booked = AppointmentFactory(
        patient=patient,
        practitioner=practitioner,
        location=location,
        plan=plan,
        starts_at=local_datetime(next_weekday(0), dt.time(11)),
    )
    checked_in = AppointmentFactory(
        patient=patient,
        practitioner=practitioner,
        location=location,
        plan=plan,
        starts_at=today_at(10),
        status=Appointment.Status.CHECKED_IN,
        checked_in_at=timezone.now(),
    )
    session = TreatmentSessionFactory(
        appointment=checked_in, signed_at=None, signed_by=None, appointment__status=Appointment.Status.CHECKED_IN
    )
    finished = TreatmentPlanFactory(patient=patient, practitioner=practitioner, sessions_planned=8)
    last = timezone.localdate() - dt.timedelta(days=10)
    signed = None
    for weeks_before in (2, 1, 0):
        signed = TreatmentSessionFactory(
            appointment__plan=finished,
            appointment__patient=patient,
            appointment__practitioner=practitioner,
            appointment__location=location,
            appointment__starts_at=local_datetime(last - dt.timedelta(weeks=weeks_before), dt.time(10)),
            first_step_pain_before=Decimal("6.0"),
        )
    finished.status = TreatmentPlan.Status.COMPLETED
    finished.save(update_fields=["status"])
    follow_up_propose(plan=finished, by=practitioner)
    return World(
        location=location,
        patient=patient,
        consent=consent,
        diagnosis=diagnosis,
        plan=plan,
        booked=booked,
        checked_in=checked_in,
        session=session,
        signed_session=signed,
        completed_plan=finished,
    )


# --- reading a page's forms -------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]]  # what the browser would send, in order
    names: dict[str, str]  # every named control and its kind (text, date, select, checkbox, ...)
    options: dict[str, list[str]]  # choices offered by selects and radio groups

    def data(self, **changes) -> dict:
        """The form as a browser would post it untouched, with `changes` applied."""
        data: dict = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        for name, value in changes.items():
            data[name] = value if isinstance(value, list) else [value]
        return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attr = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self._form = Form(attr.get("action", ""), attr.get("method", "get").lower(), [], {}, {})
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = attr.get("name")
        if tag == "input" and name:
            kind = attr.get("type", "text").lower()
            form.names.setdefault(name, kind)
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                form.options.setdefault(name, []).append(attr.get("value", "on"))
                if "checked" in attr:
                    form.fields.append((name, attr.get("value", "on")))
                return
            form.fields.append((name, attr.get("value", "")))
        elif tag == "select" and name:
            form.names.setdefault(name, "select")
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = attr.get("value", "")
            form.options.setdefault(self._select, []).append(value)
            if self._select_first is None:
                self._select_first = value
            if "selected" in attr and not self._select_chosen:
                form.fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            form.names.setdefault(name, "textarea")
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select and self._form is not None:
            if not self._select_chosen and self._select_first is not None:
                self._form.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


def page_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def main_form(html: str, *, having: str | None = None, method: str = "post") -> Form:
    """The page's form with the most controls (or the one with control `having`), ignoring sign-out and search."""
    candidates = [form for form in page_forms(html) if form.method == method and form.names]
    if having is not None:
        candidates = [form for form in candidates if having in form.names]
    if not candidates:
        raise AssertionError(f"no {method} form{f' with {having}' if having else ''} on the page")
    return max(candidates, key=lambda form: len(form.names))
