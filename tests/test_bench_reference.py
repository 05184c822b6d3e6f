"""The benchmark's reference view is a real signed-in page: refused to strangers, cheap for staff."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.urls("benchmarks.urls")]


def test_a_stranger_is_sent_to_sign_in(client):
    response = client.get(reverse("bench_reference"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_front_desk_gets_the_page(front_desk_client):
    response = front_desk_client.get(reverse("bench_reference"))

    assert response.status_code == 200
    assert b"is active" in response.content
