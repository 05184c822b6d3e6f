"""Adverse-event rates on the outcomes page, beside the published rates, with the sessions behind each figure.

The hand-made cohort: two completed plans with six signed sessions between two patients.
  plan A (4 sessions): session 1 two mild bleeds, session 2 a moderate needle-site pain;
  plan B (2 sessions): session 1 a severe infection.
Not counted: an event in an active plan's session and one in a draft (unsigned) session.
So: 4 events in 6 sessions (66.7 per 100); minor events in 2 of 6 sessions and 1 of 2 patients; serious in 1 of 2.
"""

import datetime as dt
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.access import Role
from tests.factories import PractitionerFactory
from tests.html import assert_valid_html
from tests.treatments.test_outcomes import START, A, B, course
from treatments.models import AdverseEvent, AdverseEventReference, TreatmentPlan
from treatments.progress.adverse_events import AdverseEventRates, Count, adverse_event_rates, compare_with_published
from treatments.progress.outcomes import Scope
from treatments.progress.reference_figures import ABOVE, ACROSS

pytestmark = pytest.mark.django_db
Kind, Severity = AdverseEvent.Kind, AdverseEvent.Severity
SESSIONS_URL = "treatments:adverse_event_sessions"


def event(session, kind, severity, action="Noted and watched"):
    return AdverseEvent.objects.create(session=session, kind=kind, severity=severity, action_taken=action)


def sessions_of(plan):
    return list(plan.sessions.order_by("started_at"))


@pytest.fixture
def cohort(practitioner):
    plan_a = course(A, "8.0", ["8.0", "7.0", "6.0", "5.0"], practitioner=practitioner)
    plan_b = course(B, "7.0", ["7.0", "5.0"])
    first, second, *_ = sessions_of(plan_a)
    event(first, Kind.BLEEDING, Severity.MILD, "Pressed for two minutes")
    event(first, Kind.BLEEDING, Severity.MILD)
    event(second, Kind.NEEDLE_PAIN, Severity.MODERATE)
    event(sessions_of(plan_b)[0], Kind.INFECTION, Severity.SEVERE, "Referred to the GP; antibiotics")
    active = course(A, "8.0", ["8.0"], status=TreatmentPlan.Status.ACTIVE)
    event(sessions_of(active)[0], Kind.FAINTING, Severity.MODERATE)
    draft = sessions_of(course(A, "8.0", ["8.0"]))[0]
    draft.signed_at = None
    type(draft).objects.filter(pk=draft.pk).update(signed_at=None)
    event(draft, Kind.FLARE, Severity.MILD)
    return {"a": plan_a, "b": plan_b}


def test_rates_count_events_sessions_and_patients_of_signed_sessions_in_scope(cohort):
    rates = adverse_event_rates(Scope())
    assert (rates.signed_sessions, rates.signed_patients) == (6, 2)
    assert (rates.total.events, rates.total.sessions, rates.total.patients) == (4, 3, 2)
    bleeding = rates.by_kind_and_severity[(Kind.BLEEDING, Severity.MILD)]
    assert (bleeding.events, bleeding.sessions, bleeding.patients) == (2, 1, 1)
    assert rates.per_100_sessions(rates.total) == pytest.approx(66.67, abs=0.01)
    minor, serious = rates.grade("minor"), rates.grade("serious")
    assert (minor.events, minor.sessions, minor.patients) == (3, 2, 1)
    assert (serious.events, serious.sessions, serious.patients) == (1, 1, 1)
    assert Kind.FAINTING not in rates.by_kind and Kind.FLARE not in rates.by_kind


def test_the_filters_apply_to_the_events_too(cohort):
    rates = adverse_event_rates(Scope(approach=B))
    assert (rates.signed_sessions, rates.signed_patients, rates.total.events) == (2, 1, 1)
    with_active = adverse_event_rates(Scope(completed_only=False))
    assert Kind.FAINTING in with_active.by_kind


def test_with_no_sessions_there_are_no_rates_and_nothing_is_compared(clinic_admin_client):
    rates = adverse_event_rates(Scope())
    assert (rates.signed_sessions, rates.total.events, rates.per_100_sessions(rates.total)) == (0, 0, None)
    html = page(clinic_admin_client)
    assert 'data-testid="adverse-mark"' not in html
    assert "not compared" in html


def page(client, **query) -> str:
    response = client.get(reverse("treatments:outcomes"), query)
    assert response.status_code == 200
    assert_valid_html(response.content)
    return unescape(response.content.decode())


def test_the_page_shows_events_by_kind_and_severity_per_100_sessions_and_per_patient(clinic_admin_client, cohort):
    html = page(clinic_admin_client)
    table = html[html.index('id="adverse-table"') : html.index("</table>", html.index('id="adverse-table"'))]
    assert "Bleeding or bruise (haematoma)" in table
    bleeding = table[table.index("Bleeding or bruise") : table.index("</tr>", table.index("Bleeding or bruise"))]
    assert "33.3 per 100 sessions" in bleeding  # 2 events in 6 sessions
    assert "50% of patients" in bleeding
    assert "66.7 per 100 sessions" in table  # every kind, every severity
    assert "6 signed sessions" in html and "2 patients" in html


def test_the_published_rates_are_beside_the_clinic_s_with_their_source_and_a_mark(clinic_admin_client, cohort):
    html = page(clinic_admin_client)
    table = html[html.index('id="adverse-reference-table"') : html.index("</table>", html.index("adverse-reference"))]
    # Minor events in 2 of 6 sessions: 33.3%, Wilson 95% CI 9.7% to 70.0%, above the published 8%.
    assert "33.3%" in table and "(9.7% to 70.0%)" in table and "8.0%" in table
    assert "2 of 6 sessions" in table and "1 of 2 patients" in table
    # Sessions 9.7% > 8%; patients 1 of 2 is 9.5% to 90.5% > 9%; serious 1 of 2 far above 1 in 10,000.
    assert table.count(ABOVE) == 3
    assert "1.0 per 10,000" in table
    assert "Bäumler" in html and "BMJ Open 2021;11:e045961" in html
    # The chart draws both minor-event shares with the published diamond, and points at the table as its data.
    assert 'aria-describedby="adverse-reference-table"' in html
    assert "This clinic: 33.3% (9.7% to 70.0%)" in html and "Published: 8.0%" in html and "Published: 9.0%" in html


def test_rates_near_the_published_ones_lie_across_them():
    rates = AdverseEventRates(signed_sessions=100, signed_patients=20)
    rates.by_grade = {"minor": Count(events=9, sessions=8, patients=1)}
    comparisons = compare_with_published(rates, AdverseEventReference.objects.active())
    # 8 of 100 sessions: 4.1% to 15.0% holds 8%; 1 of 20 patients: 0.9% to 23.6% holds 9%; 0 of 20 holds 0.01%.
    assert [c.mark for c in comparisons] == [ACROSS, ACROSS, ACROSS]
    assert (comparisons[0].shown_low, comparisons[0].shown_high) == ("4.1%", "15.0%")
    assert comparisons[2].shown_clinic == "0.0 per 10,000"


def test_each_count_links_to_the_sessions_behind_it(clinic_admin_client, cohort):
    html = page(clinic_admin_client)
    link = reverse(SESSIONS_URL)
    assert f"{link}?&severity=mild&kind=bleeding" in html
    assert f"{link}?&severity=minor" in html and f"{link}?&severity=serious" in html
    response = clinic_admin_client.get(link, {"severity": "mild", "kind": "bleeding"})
    assert response.status_code == 200
    assert_valid_html(response.content)
    assert [e.kind for e in response.context["events"]] == [Kind.BLEEDING, Kind.BLEEDING]
    body = response.content.decode()
    first_session = sessions_of(cohort["a"])[0]
    assert first_session.get_absolute_url() in body and "Pressed for two minutes" in body


@pytest.mark.parametrize(
    ("query", "kinds"),
    [
        ({"severity": "minor"}, {Kind.BLEEDING, Kind.NEEDLE_PAIN}),
        ({"severity": "serious"}, {Kind.INFECTION}),
        ({"severity": "moderate"}, {Kind.NEEDLE_PAIN}),
        ({}, {Kind.BLEEDING, Kind.NEEDLE_PAIN, Kind.INFECTION}),
        ({"approach": B}, {Kind.INFECTION}),
    ],
)
def test_the_sessions_page_lists_what_the_figure_counts(clinic_admin_client, cohort, query, kinds):
    response = clinic_admin_client.get(reverse(SESSIONS_URL), query)
    assert {e.kind for e in response.context["events"]} == kinds


def test_a_practitioner_sees_the_events_of_their_own_plans_only(practitioner_client, cohort):
    response = practitioner_client.get(reverse(SESSIONS_URL))
    assert response.status_code == 200
    assert {e.session.plan_id for e in response.context["events"]} == {cohort["a"].pk}
    html = page(practitioner_client)
    assert "4 signed sessions" in html and "1 patient" in html


def test_anonymous_visitors_are_sent_to_sign_in(client, cohort):
    response = client.get(reverse(SESSIONS_URL))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_front_desk_never_sees_adverse_events(front_desk_client, cohort):
    assert front_desk_client.get(reverse(SESSIONS_URL)).status_code == 403


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"kind": "sunburn"}, "not one of the kinds of adverse event"),
        ({"severity": "catastrophic"}, "not one of the severities"),
        ({"severity": "'; DROP TABLE x; --"}, "not one of the severities"),
    ],
)
def test_an_unknown_kind_or_severity_lists_nothing_and_says_so(clinic_admin_client, cohort, query, message):
    response = clinic_admin_client.get(reverse(SESSIONS_URL), query)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "events" not in response.context
    assert_valid_html(response.content)


def test_bad_filters_list_nothing_and_show_the_message_at_the_field(clinic_admin_client, cohort):
    response = clinic_admin_client.get(reverse(SESSIONS_URL), {"started_from": "2026-02-30"})
    assert response.status_code == 200
    assert "Enter a valid date" in " ".join(response.context["form"].errors["started_from"])
    assert "events" not in response.context


def test_an_out_of_range_page_shows_the_last_page(clinic_admin_client, cohort):
    response = clinic_admin_client.get(reverse(SESSIONS_URL), {"page": "999"})
    assert response.status_code == 200 and response.context["page"].number == 1


@pytest.mark.parametrize("name", ["outcomes", "adverse_event_sessions"])
def test_the_pages_run_the_same_number_of_queries_for_few_and_many_events(clinic_admin_client, cohort, name):
    url = reverse(f"treatments:{name}")
    clinic_admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        clinic_admin_client.get(url)
    practitioner = PractitionerFactory()
    for hour in range(6):
        plan = course(A, "8.0", ["8.0", "7.0"], practitioner=practitioner, start=START + dt.timedelta(hours=hour))
        for session in sessions_of(plan):
            event(session, Kind.FLARE, Severity.MILD)
    with CaptureQueriesContext(connection) as many:
        response = clinic_admin_client.get(url)
    if name == "outcomes":
        assert response.context["adverse"].total.events == 16
    else:
        assert len(response.context["events"]) == 16
    assert len(many) == len(few)


# --- the published rates, kept by clinic admins ---------------------------------------------


def test_the_migration_seeds_baumler_2021():
    published = AdverseEventReference.objects.active()
    assert "Bäumler" in published.citation and "e045961" in published.citation
    assert (published.minor_session_percent, published.minor_patient_percent) == (Decimal("8.00"), Decimal("9.00"))
    assert published.serious_per_10000_patients == Decimal("1.00")


def newest_version(published: AdverseEventReference):
    # By id, not date: the seeded version may carry a later wall-clock date than an edit made on the test clock.
    return published.history.order_by("-history_id").first()


def admin_form(published: AdverseEventReference, **changes) -> dict:
    data = {
        "citation": published.citation,
        "is_active": "on",
        "minor_session_percent": str(published.minor_session_percent),
        "minor_patient_percent": str(published.minor_patient_percent),
        "serious_per_10000_patients": str(published.serious_per_10000_patients),
    }
    data.update(changes)
    return data


def test_a_clinic_admin_edits_the_rates_and_the_page_shows_them(clinic_admin_client, cohort):
    published = AdverseEventReference.objects.active()
    url = reverse("admin:treatments_adverseeventreference_change", args=[published.pk])
    assert clinic_admin_client.get(url).status_code == 200
    response = clinic_admin_client.post(
        url, admin_form(published, minor_session_percent="40", citation="A newer registry, 2026.")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    html = page(clinic_admin_client)
    table = html[html.index('id="adverse-reference-table"') :]
    assert "40.0%" in table and "A newer registry, 2026." in html
    assert newest_version(published).minor_session_percent == Decimal("40")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"minor_session_percent": "120"}, "minor_session_percent", "less than or equal to 100"),
        ({"minor_patient_percent": "-1"}, "minor_patient_percent", "greater than or equal to 0"),
        ({"serious_per_10000_patients": "20000"}, "serious_per_10000_patients", "less than or equal to 10000"),
        ({"minor_session_percent": "eight"}, "minor_session_percent", "Enter a number"),
        ({"citation": ""}, "citation", "This field is required"),
    ],
)
def test_bad_rates_are_refused_with_a_message_at_the_field(clinic_admin_client, changes, field, message):
    published = AdverseEventReference.objects.active()
    url = reverse("admin:treatments_adverseeventreference_change", args=[published.pk])
    response = clinic_admin_client.post(url, admin_form(published, **changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors[field])
    published.refresh_from_db()
    assert published.minor_session_percent == Decimal("8.00") and "Bäumler" in published.citation


def test_a_second_active_set_is_refused_until_the_first_is_archived(clinic_admin_client):
    published = AdverseEventReference.objects.active()
    add = reverse("admin:treatments_adverseeventreference_add")
    newer = admin_form(published, citation="A newer review")
    refused = clinic_admin_client.post(add, newer)
    assert refused.status_code == 200 and "archive it first" in str(refused.context["adminform"].form.errors)
    archive = admin_form(published)
    del archive["is_active"]
    change = reverse("admin:treatments_adverseeventreference_change", args=[published.pk])
    assert clinic_admin_client.post(change, archive).status_code == 302
    assert clinic_admin_client.post(add, newer).status_code == 302
    assert AdverseEventReference.objects.active().citation == "A newer review"


def test_with_every_set_archived_the_page_says_none_is_shown(clinic_admin_client, cohort):
    AdverseEventReference.objects.update(is_active=False)
    html = page(clinic_admin_client)
    assert "No published rates are shown" in html
    assert 'data-testid="adverse-mark"' not in html


def test_the_database_refuses_rates_out_of_range_or_without_a_source():
    AdverseEventReference.objects.update(is_active=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        AdverseEventReference.objects.create(citation="x", minor_session_percent=Decimal("101"))
    with pytest.raises(IntegrityError), transaction.atomic():
        AdverseEventReference.objects.create(citation="x", serious_per_10000_patients=Decimal("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        AdverseEventReference.objects.create(citation="")


def test_clinic_admins_add_and_change_the_rates_but_never_delete_them(clinic_admin_client):
    held = set(Group.objects.get(name=Role.CLINIC_ADMIN.value).permissions.values_list("codename", flat=True))
    assert {"add_adverseeventreference", "change_adverseeventreference"} <= held
    assert "delete_adverseeventreference" not in held
    published = AdverseEventReference.objects.active()
    delete = reverse("admin:treatments_adverseeventreference_delete", args=[published.pk])
    assert clinic_admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert AdverseEventReference.objects.filter(pk=published.pk).exists()


def test_practitioners_and_the_front_desk_cannot_change_the_rates(practitioner_client, front_desk_client):
    published = AdverseEventReference.objects.active()
    url = reverse("admin:treatments_adverseeventreference_change", args=[published.pk])
    for client in (practitioner_client, front_desk_client):
        assert client.post(url, admin_form(published, minor_session_percent="50")).status_code in (302, 403)
    published.refresh_from_db()
    assert published.minor_session_percent == Decimal("8.00")
