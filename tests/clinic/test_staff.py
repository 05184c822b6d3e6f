"""Who "the practitioners" are: one query, asked by every select, filter and lookup that lists them."""

import pytest

from clinic.models import User
from tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db


def test_practitioners_are_active_practitioner_group_members_by_last_then_first_name(
    practitioner, other_practitioner, front_desk, clinic_admin
):
    zoe = PractitionerFactory(username="zoe", first_name="Zoe", last_name="Adams")
    PractitionerFactory(username="gone", first_name="Gone", last_name="Away", is_active=False)
    assert list(User.objects.practitioners()) == [zoe, practitioner, other_practitioner]


def test_practitioners_who_have_left_are_kept_only_when_asked_for(practitioner):
    gone = PractitionerFactory(username="gone", first_name="Gone", last_name="Away", is_active=False)
    assert list(User.objects.practitioners(include_inactive=True)) == [gone, practitioner]


def test_the_outcome_filter_offers_practitioners_who_have_left_and_the_booking_form_does_not(practitioner):
    from treatments.diary.forms.appointments import AppointmentForm
    from treatments.progress.forms.outcome_filters import OutcomeFilterForm

    gone = PractitionerFactory(username="gone", first_name="Gone", last_name="Away", is_active=False)
    assert gone in OutcomeFilterForm().fields["practitioner"].queryset
    assert gone not in AppointmentForm().fields["practitioner"].queryset
