# ruff: noqa: S311  (random picks spread the load; nothing here is a secret)
"""The load `make bench` puts on the app: the clinic's day, and one page at a time flat out.

Run by benchmarks/run.py, which logs every account in beforehand (so password hashing never lands
in the measurements), and passes two JSON files: BENCH_FIXTURES (ids read from the database by
benchmarks/fixtures.py) and BENCH_SESSIONS (each account's session and CSRF cookies).

- The mixed run: FrontDesk (40), Practitioner (25) and ClinicAdmin (5) users, 1–3 s between actions.
- The saturation pass: BENCH_SATURATE names one page; Saturator users request only it, back to back.

Requests are named after the page (ids go in the URL, never in the name), so the report groups
them. A booking that meets a conflict, or a session the app refuses, is not an error: it is counted
under an OUTCOME row of its own.
"""

import json
import os
import random
import string
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from http.cookiejar import Cookie
from itertools import count
from pathlib import Path
from urllib.parse import urlencode, urlparse

from locust import FastHttpUser, between, constant, events, task

FIXTURES = json.loads(Path(os.environ["BENCH_FIXTURES"]).read_text())
SESSIONS = json.loads(Path(os.environ["BENCH_SESSIONS"]).read_text())
SATURATE = os.environ.get("BENCH_SATURATE", "")
TODAY = date.fromisoformat(FIXTURES["today"])
HTMX = {"HX-Request": "true"}
GIVEN_NAMES = ["Maria", "James", "Aiko", "Pedro", "Grace", "Oluwaseun", "Ingrid", "Tomasz", "Leila", "Samuel"]
FAMILY_NAMES = ["Okafor", "Lindqvist", "Moreau", "Haddad", "Kowalczyk", "Brennan", "Takeda", "Oyelaran"]


def outcome(name: str) -> None:
    """Count something that happened without timing it (a conflict is an answer, not an error)."""
    events.request.fire(
        request_type="OUTCOME", name=name, response_time=0, response_length=0, exception=None, context={}
    )


class FormFields(HTMLParser):
    """The fields a browser would submit from each <form> of a page, in order: [[(name, value)]]."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._select: str | None = None
        self._chosen: str | None = None
        self._first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append([])
        elif tag == "option" and self._select is not None:
            self._first = a.get("value", "") if self._first is None else self._first
            self._chosen = a.get("value", "") if "selected" in a else self._chosen
        elif not self.forms or "name" not in a or "disabled" in a:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.forms[-1].append((a["name"], a.get("value", "on" if kind in {"checkbox", "radio"} else "")))
        elif tag == "select":
            self._select, self._chosen, self._first = a["name"], None, None
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.forms[-1].append((self._textarea, "".join(self._text)))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            value = self._chosen if self._chosen is not None else self._first
            if value is not None:
                self.forms[-1].append((self._select, value))
            self._select = None


def form_containing(html: str, field: str) -> list[tuple[str, str]] | None:
    parser = FormFields()
    parser.feed(html)
    return next((fields for fields in parser.forms if any(name == field for name, _ in fields)), None)


class ClinicUser(FastHttpUser):
    """A member of staff already signed in: their cookies come from BENCH_SESSIONS."""

    abstract = True
    role = ""
    wait_time = between(1, 3)
    _numbering = count()

    def on_start(self):
        accounts = [name for name in FIXTURES["accounts"][self.role] if name in SESSIONS and self.may_use(name)]
        self.sign_in_as(accounts[next(type(self)._numbering) % len(accounts)])

    def may_use(self, username: str) -> bool:
        return True

    def sign_in_as(self, username: str) -> None:
        self.username = username
        host = urlparse(self.host).hostname
        cookies = SESSIONS[username]
        for name, value in cookies.items():
            self.client.cookiejar.set_cookie(
                Cookie(0, name, value, None, False, host, False, False, "/", True, False, None, True, None, None, {})
            )
        self.csrf = cookies["csrftoken"]

    # --- helpers -----------------------------------------------------------------------------

    def page(self, url: str, name: str, *, headers=None, expect=200) -> str | None:
        with self.client.get(url, name=name, headers=headers, allow_redirects=False, catch_response=True) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code} (wanted {expect}) {response.error or ''}".strip())
                return None
            return response.text

    def post(self, url: str, name: str, data: dict | list[tuple[str, str]], *, headers=None):
        headers = {"X-CSRFToken": self.csrf, **(headers or {})}
        if isinstance(data, list):
            # A whole form, with repeated names (multiple choices): encoded here, as the client takes one value each.
            data = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.client.post(url, data=data, name=name, headers=headers, allow_redirects=False, catch_response=True)

    @staticmethod
    def patient() -> dict:
        return random.choice(FIXTURES["patients"])

    def search(self, query: str, name: str) -> None:
        """The live search box: an htmx POST that answers with the result rows."""
        with self.post("/patients/", name, {"q": query}, headers=HTMX) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} (wanted 200)")

    # --- front-desk actions -----------------------------------------------------------------

    def name_search_common(self):
        self.search(random.choice(FIXTURES["name_fragments"]["common"] or ["an"]), "name search (common)")

    def name_search_rare(self):
        self.search(random.choice(FIXTURES["name_fragments"]["rare"] or ["zzq"]), "name search (rare)")

    def mrn_search(self):
        self.search(self.patient()["mrn"], "MRN search")

    def chart_front_desk(self):
        self.page(f"/patients/{self.patient()['public_id']}/", "chart (front desk)")

    def registration_form(self):
        self.page("/patients/new/", "registration form")

    def register(self):
        self.registration_form()
        born = date(1940, 1, 1) + timedelta(days=random.randrange(365 * 65))
        suffix = "".join(random.choices(string.ascii_lowercase, k=4))
        data = {
            "given_name": random.choice(GIVEN_NAMES),
            "family_name": random.choice(FAMILY_NAMES) + suffix,
            "date_of_birth": born.isoformat(),
            "sex": random.choice(["female", "male"]),
            "phone": f"(555) {random.randrange(100, 999)}-{random.randrange(1000, 9999)}",
            "preferred_contact": "phone",
            # Set only if the duplicate check stops the form: a clerk then confirms a different person.
        }
        with self.post("/patients/new/", "registration [POST]", data) as response:
            if response.status_code == 302:
                outcome("registration: registered")
            elif response.status_code == 200 and "confirm_not_duplicate" in response.text:
                outcome("registration: possible duplicate")
            else:
                response.failure(f"{response.status_code} (wanted 302)")

    def booking_form(self):
        self.page(f"/treatments/appointments/new/?patient={self.patient()['public_id']}", "booking form")

    def book(self):
        patient = self.patient()["public_id"]
        url = f"/treatments/appointments/new/?patient={patient}"
        if self.page(url, "booking form") is None:
            return
        practitioner, shift = self._free_looking_slot()
        if practitioner is None:
            return
        day, start, location = shift
        data = {
            "practitioner": practitioner,
            "location": location,
            "kind": "review",
            "date": day.isoformat(),
            "start_time": start,
            "minutes": "",
        }
        with self.post(url, "booking [POST]", data) as response:
            if response.status_code == 302:
                outcome("booking: booked")
            elif response.status_code == 200 and 'data-testid="conflict"' in response.text:
                outcome("booking: conflict")
            elif response.status_code == 200:
                outcome("booking: refused (closure, leave or plan)")
            else:
                response.failure(f"{response.status_code} (wanted 302)")

    @staticmethod
    def _free_looking_slot():
        """A practitioner's shift 1–90 days ahead and a quarter-hour start in it that leaves 45 minutes."""
        hours = FIXTURES["working_hours"]
        if not hours:
            return None, None
        practitioner = random.choice(list(hours))
        weekday, starts, ends, location = random.choice(hours[practitioner])
        day = TODAY + timedelta(days=random.randrange(1, 90))
        day += timedelta(days=(weekday - day.weekday()) % 7)
        first = datetime.combine(day, datetime.strptime(starts, "%H:%M").time())
        last = datetime.combine(day, datetime.strptime(ends, "%H:%M").time()) - timedelta(minutes=45)
        quarters = max(0, int((last - first).total_seconds() // 900))
        start = first + timedelta(minutes=15 * random.randint(0, quarters))
        return practitioner, (day, f"{start:%H:%M}", location)

    def day_sheet(self):
        location = FIXTURES["busy_location"]
        query = f"?date={FIXTURES['sheet_day']}" + (f"&location={location}" if location else "")
        self.page(f"/treatments/day/{query}", "day sheet")

    # --- practitioner actions ----------------------------------------------------------------

    @property
    def own(self) -> dict:
        return FIXTURES["practitioners"][self.username]

    def my_schedule(self):
        self.page("/treatments/my-schedule/", "my schedule")

    def chart_clinician(self):
        patients = self.own["patients"] or [self.patient()["public_id"]]
        self.page(f"/patients/{random.choice(patients)}/", "chart (clinician)")

    def plan_progress(self):
        if self.own["plans"]:
            self.page(f"/treatments/plans/{random.choice(self.own['plans'])}/progress/", "plan progress")

    def session_record(self):
        if self.own["sessions"]:
            self.page(f"/treatments/sessions/{random.choice(self.own['sessions'])}/", "session record")

    def session_form(self):
        """Open the form of a checked-in appointment without a session (saturation: it stays unsaved)."""
        waiting = self.own["checked_in_today"]
        if waiting:
            self.page(f"/treatments/appointments/{random.choice(waiting)}/session/", "session form")

    def record_session(self):
        """The patient is here: check them in, open the session form, save a draft."""
        booked = self.own["booked_today"]
        if not booked:
            self.session_record()
            return
        appointment = booked.pop()
        with self.post(f"/treatments/appointments/{appointment}/check-in/", "check-in [POST]", {}) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code} (wanted 302)")
                return
        url = f"/treatments/appointments/{appointment}/session/"
        with self.client.get(url, name="session form", allow_redirects=False, catch_response=True) as response:
            if response.status_code == 409:
                outcome("session: refused (consent, safety)")
                return
            if response.status_code != 200:
                response.failure(f"{response.status_code} (wanted 200)")
                return
            fields = form_containing(response.text, "first_step_pain_before")
        if fields is None:
            outcome("session: no form on the page")
            return
        typed = {"first_step_pain_before": str(random.randint(3, 9)), "average_pain_before": str(random.randint(2, 8))}
        data = [(name, typed.get(name, value)) for name, value in fields]
        with self.post(url, "session save [POST]", data) as response:
            if response.status_code == 302:
                outcome("session: saved")
            elif response.status_code == 200:
                outcome("session: form refused")
            else:
                response.failure(f"{response.status_code} (wanted 302)")

    def review_queue(self):
        self.page("/treatments/review/", "review queue")

    # --- clinic-admin actions ----------------------------------------------------------------

    def outcomes(self):
        self.page("/treatments/outcomes/", "outcomes")

    def outcomes_one_approach(self):
        approach = random.choice(FIXTURES["approaches"] or ["acupuncture"])
        self.page(f"/treatments/outcomes/?approach={approach}", "outcomes (one approach)")

    def outcome_plans(self):
        figure = random.choice(["relief", "relapsed", "reduction-missing", "improved4"])
        self.page(f"/treatments/outcomes/plans/?figure={figure}", "plans behind a figure")

    def outcomes_csv(self):
        self.page("/treatments/outcomes/outcomes.csv", "outcomes CSV")

    def plans_csv(self):
        self.page("/treatments/outcomes/plans.csv", "plans CSV")

    def adverse_events(self):
        self.page("/treatments/outcomes/adverse-events/", "adverse events")

    def reference(self):
        self.page("/bench/reference/", "reference")


class FrontDesk(ClinicUser):
    role = "front_desk"
    fixed_count = 40
    _numbering = count()
    tasks = {
        ClinicUser.name_search_common: 4,
        ClinicUser.name_search_rare: 1,
        ClinicUser.mrn_search: 3,
        ClinicUser.chart_front_desk: 4,
        ClinicUser.register: 1,
        ClinicUser.book: 2,
        ClinicUser.day_sheet: 3,
    }


class Practitioner(ClinicUser):
    role = "practitioner"
    fixed_count = 25
    _numbering = count()
    tasks = {
        ClinicUser.my_schedule: 2,
        ClinicUser.day_sheet: 1,
        ClinicUser.chart_clinician: 3,
        ClinicUser.plan_progress: 2,
        ClinicUser.session_record: 2,
        ClinicUser.record_session: 1,
        ClinicUser.review_queue: 1,
    }


class ClinicAdmin(ClinicUser):
    role = "clinic_admin"
    fixed_count = 5
    _numbering = count()
    tasks = {
        ClinicUser.outcomes: 2,
        ClinicUser.outcomes_one_approach: 2,
        ClinicUser.outcome_plans: 2,
        ClinicUser.outcomes_csv: 1,
        ClinicUser.plans_csv: 1,
        ClinicUser.adverse_events: 1,
        ClinicUser.review_queue: 1,
    }


# The saturation pass: page name -> (who asks, the action). The names match the mixed run's.
SATURATION_PAGES = {
    "reference": ("front_desk", ClinicUser.reference),
    "name search (common)": ("front_desk", ClinicUser.name_search_common),
    "name search (rare)": ("front_desk", ClinicUser.name_search_rare),
    "MRN search": ("front_desk", ClinicUser.mrn_search),
    "chart (front desk)": ("front_desk", ClinicUser.chart_front_desk),
    "registration form": ("front_desk", ClinicUser.registration_form),
    "booking form": ("front_desk", ClinicUser.booking_form),
    "day sheet": ("front_desk", ClinicUser.day_sheet),
    "my schedule": ("practitioner", ClinicUser.my_schedule),
    "chart (clinician)": ("practitioner", ClinicUser.chart_clinician),
    "plan progress": ("practitioner", ClinicUser.plan_progress),
    "session record": ("practitioner", ClinicUser.session_record),
    "session form": ("practitioner", ClinicUser.session_form),
    "review queue": ("clinic_admin", ClinicUser.review_queue),
    "outcomes": ("clinic_admin", ClinicUser.outcomes),
    "outcomes (one approach)": ("clinic_admin", ClinicUser.outcomes_one_approach),
    "plans behind a figure": ("clinic_admin", ClinicUser.outcome_plans),
    "outcomes CSV": ("clinic_admin", ClinicUser.outcomes_csv),
    "plans CSV": ("clinic_admin", ClinicUser.plans_csv),
    "adverse events": ("clinic_admin", ClinicUser.adverse_events),
}


class Saturator(ClinicUser):
    """One page, no pause: how many requests a second the server gives it with every worker busy."""

    wait_time = constant(0)
    _numbering = count()
    role, _action = SATURATION_PAGES.get(SATURATE, ("front_desk", ClinicUser.reference))

    def may_use(self, username: str) -> bool:
        # A practitioner takes part only with something of their own to open on this page.
        if self.role != "practitioner":
            return True
        needed = {"plan progress": "plans", "session record": "sessions", "session form": "checked_in_today"}
        return bool(FIXTURES["practitioners"][username][needed.get(SATURATE, "patients")])

    @task
    def the_page(self):
        type(self)._action(self)
