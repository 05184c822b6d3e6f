"""Who may open the diary's pages: a stranger signs in first, a user without a role is refused, all staff see them."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory, full_week_hours
from tests.html import assert_valid_html

pytestmark = pytest.mark.django_db

DAY_URL = reverse("treatments:day")
WEEK_URL = reverse("treatments:week")
NEXT_FREE_URL = reverse("treatments:next_free")
PAGES = pytest.mark.parametrize("page", [DAY_URL, WEEK_URL, NEXT_FREE_URL], ids=["day", "week", "next-free"])


@PAGES
def test_anonymous_visitors_are_sent_to_sign_in(client, page):
    response = client.get(page)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@PAGES
def test_a_signed_in_user_without_a_role_is_refused(client_for, page):
    assert client_for(UserFactory()).get(page).status_code == 403


@pytest.mark.parametrize("persona", ["front_desk_client", "practitioner_client", "clinic_admin_client"])
@pytest.mark.parametrize("page", [DAY_URL, WEEK_URL], ids=["day", "week"])
def test_every_staff_role_sees_the_day_sheet_and_the_week(request, persona, page, practitioner, location):
    full_week_hours(practitioner, location, days=range(7))
    response = request.getfixturevalue(persona).get(page)
    assert response.status_code == 200
    assert_valid_html(response.content)
