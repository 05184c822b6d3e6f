"""Clinic admins maintain the protocols in Settings (the admin); clinical records there are read-only."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from clinic.access import Role
from tests.factories import PractitionerFactory, TreatmentPlanFactory, TreatmentSessionFactory
from treatments.models import AcupuncturePoint, FollowUp, Protocol, ProtocolPoint, ReliefRule

pytestmark = pytest.mark.django_db

PREFIX = "protocol_points"


def admin_url(model: str, action: str, *args) -> str:
    return reverse(f"admin:treatments_{model}_{action}", args=args)


def point(code: str) -> AcupuncturePoint:
    return AcupuncturePoint.objects.get(code=code)


def protocol_data(name: str, rows: list[dict], *, initial: int = 0, description: str = "", active: bool = True):
    """The add/change form with its inline formset, as the browser sends it."""
    data = {
        "name": name,
        "description": description,
        f"{PREFIX}-TOTAL_FORMS": str(len(rows)),
        f"{PREFIX}-INITIAL_FORMS": str(initial),
        f"{PREFIX}-MIN_NUM_FORMS": "0",
        f"{PREFIX}-MAX_NUM_FORMS": "1000",
    }
    if active:
        data["is_active"] = "on"
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{PREFIX}-{index}-{key}"] = value
    return data


def row(code: str, side: str = "both", **extra) -> dict:
    return {"point": str(point(code).pk), "side": side, **extra}


def inline_errors(response) -> list[dict]:
    assert response.status_code == 200, response.status_code
    return [dict(errors) for errors in response.context["inline_admin_formsets"][0].formset.errors]


# --- protocols ------------------------------------------------------------------------------


def test_a_clinic_admin_creates_a_protocol_with_three_points(clinic_admin_client):
    response = clinic_admin_client.post(
        admin_url("protocol", "add"),
        protocol_data(
            "Ball of foot pain",
            [row("ST44", "left"), row("EX-LE10"), row("KI1", "right")],
            description="Metatarsalgia: local points between the toes and at the sole.",
        ),
    )
    assert response.status_code == 302
    protocol = Protocol.objects.get(name="Ball of foot pain")
    assert protocol.is_active
    assert [(pp.point.code, pp.side) for pp in protocol.protocol_points.select_related("point")] == [
        ("ST44", "left"),
        ("EX-LE10", "both"),
        ("KI1", "right"),
    ]
    assert protocol.history.count() == 1


def test_a_clinic_admin_edits_a_protocol_changing_removing_and_adding_points(clinic_admin_client):
    protocol = Protocol.objects.create(name="Ball of foot pain")
    kept = ProtocolPoint.objects.create(protocol=protocol, point=point("ST44"), side="left")
    dropped = ProtocolPoint.objects.create(protocol=protocol, point=point("KI1"), side="both")
    data = protocol_data(
        "Forefoot pain",
        [
            row("ST44", "both", id=str(kept.pk), protocol=str(protocol.pk)),
            row("KI1", "both", id=str(dropped.pk), protocol=str(protocol.pk), DELETE="on"),
            row("LR3", "both"),
        ],
        initial=2,
    )
    response = clinic_admin_client.post(admin_url("protocol", "change", protocol.pk), data)
    assert response.status_code == 302
    protocol.refresh_from_db()
    assert protocol.name == "Forefoot pain"
    assert [(pp.point.code, pp.side) for pp in protocol.protocol_points.select_related("point")] == [
        ("ST44", "both"),
        ("LR3", "both"),
    ]


def test_a_protocol_is_stopped_never_deleted(clinic_admin_client):
    protocol = Protocol.objects.get(name="Heel pain")
    assert clinic_admin_client.get(admin_url("protocol", "delete", protocol.pk)).status_code == 403
    changelist = clinic_admin_client.get(admin_url("protocol", "changelist"))
    actions = dict(changelist.context["action_form"].fields["action"].choices)
    assert "delete_selected" not in actions
    assert "stop_offering" in actions

    response = clinic_admin_client.post(
        admin_url("protocol", "changelist"), {"action": "stop_offering", "_selected_action": [protocol.pk]}
    )
    assert response.status_code == 302
    protocol.refresh_from_db()
    assert not protocol.is_active
    assert Protocol.objects.filter(pk=protocol.pk).exists()

    clinic_admin_client.post(
        admin_url("protocol", "changelist"), {"action": "offer_again", "_selected_action": [protocol.pk]}
    )
    protocol.refresh_from_db()
    assert protocol.is_active


def test_the_protocol_list_shows_name_number_of_points_and_whether_it_is_offered(clinic_admin_client):
    response = clinic_admin_client.get(admin_url("protocol", "changelist"))
    assert response.status_code == 200
    rows = {p.name: p.number_of_points for p in response.context["cl"].result_list}
    assert rows == {"Foot neuropathy": 10, "Heel pain": 6}
    page = response.content.decode()
    assert "number of points" in page.lower()
    assert "offered" in page.lower()


def test_a_protocol_keeps_its_history_with_who_stopped_it(clinic_admin_client, clinic_admin):
    protocol = Protocol.objects.get(name="Heel pain")
    clinic_admin_client.post(
        admin_url("protocol", "changelist"), {"action": "stop_offering", "_selected_action": [protocol.pk]}
    )
    # By insertion order: the test clock is stopped, while a flush by an earlier test may have recreated the
    # protocol (and its first history row) at another instant.
    latest = protocol.history.order_by("history_id").last()
    assert (latest.is_active, latest.history_user) == (False, clinic_admin)
    assert clinic_admin_client.get(admin_url("protocol", "history", protocol.pk)).status_code == 200
    version = protocol.history.earliest()
    page = clinic_admin_client.get(reverse("admin:treatments_protocol_simple_history", args=[protocol.pk, version.pk]))
    assert page.status_code == 200


def test_the_same_point_twice_in_a_new_protocol_is_an_error_at_the_point_field(clinic_admin_client):
    response = clinic_admin_client.post(
        admin_url("protocol", "add"), protocol_data("Twice KI3", [row("KI3"), row("BL60"), row("KI3", "left")])
    )
    errors = inline_errors(response)
    assert errors[0] == {} and errors[1] == {}
    assert errors[2] == {"point": ["KI3 is already in this protocol (row 1)."]}
    assert not Protocol.objects.filter(name="Twice KI3").exists()


def test_adding_a_point_a_protocol_already_has_is_an_error_at_the_point_field(clinic_admin_client):
    protocol = Protocol.objects.create(name="Short heel set")
    existing = ProtocolPoint.objects.create(protocol=protocol, point=point("KI3"))
    data = protocol_data(
        "Short heel set",
        [row("KI3", id=str(existing.pk), protocol=str(protocol.pk)), row("KI3", "right")],
        initial=1,
    )
    errors = inline_errors(clinic_admin_client.post(admin_url("protocol", "change", protocol.pk), data))
    assert errors[1] == {"point": ["KI3 is already in this protocol (row 1)."]}
    assert protocol.protocol_points.count() == 1


def test_a_point_that_does_not_exist_is_an_error_at_the_point_field(clinic_admin_client):
    response = clinic_admin_client.post(
        admin_url("protocol", "add"), protocol_data("Nowhere", [{"point": "999999", "side": "both"}])
    )
    assert "point" in inline_errors(response)[0]
    assert not Protocol.objects.filter(name="Nowhere").exists()


def test_a_protocol_name_is_unique(clinic_admin_client):
    response = clinic_admin_client.post(admin_url("protocol", "add"), protocol_data("Heel pain", [row("KI1")]))
    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert Protocol.objects.filter(name="Heel pain").count() == 1


# --- the point catalogue: look, search, never edit ----------------------------------------------


def test_a_clinic_admin_searches_the_catalogue_but_cannot_change_it(clinic_admin_client):
    response = clinic_admin_client.get(admin_url("acupuncturepoint", "changelist"), {"q": "gushing"})
    assert response.status_code == 200
    assert [p.code for p in response.context["cl"].result_list] == ["KI1"]
    ki1 = point("KI1")
    page = clinic_admin_client.get(admin_url("acupuncturepoint", "change", ki1.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = clinic_admin_client.post(admin_url("acupuncturepoint", "change", ki1.pk), {"pinyin": "Changed"})
    assert response.status_code == 403
    assert clinic_admin_client.get(admin_url("acupuncturepoint", "add")).status_code == 403
    assert clinic_admin_client.get(admin_url("acupuncturepoint", "delete", ki1.pk)).status_code == 403
    assert point("KI1").pinyin == "Yongquan"


def test_the_point_picker_searches_code_pinyin_and_english_name(clinic_admin_client):
    url = reverse("admin:autocomplete")
    params = {"app_label": "treatments", "model_name": "protocolpoint", "field_name": "point"}
    for term, expected in (("BL6", "BL60"), ("kunlun", "BL60"), ("ravine", "KI3")):
        response = clinic_admin_client.get(url, {**params, "term": term})
        assert response.status_code == 200
        assert any(result["text"].startswith(expected) for result in response.json()["results"]), term


def test_only_a_superuser_corrects_the_catalogue(client_for):
    superuser = PractitionerFactory(username="root", is_staff=True, is_superuser=True)
    ki1 = point("KI1")
    data = {
        "code": "KI1",
        "pinyin": "Yongquan",
        "english": "Bubbling Spring",
        "meridian": "KI",
        "number": "1",
        "location": ki1.location,
    }
    response = client_for(superuser).post(admin_url("acupuncturepoint", "change", ki1.pk), data)
    assert response.status_code == 302
    assert point("KI1").english == "Bubbling Spring"
    assert client_for(superuser).get(admin_url("acupuncturepoint", "delete", ki1.pk)).status_code == 403


# --- clinical records: read-only here -------------------------------------------------------


def test_sessions_follow_ups_and_relief_rules_are_read_only_for_a_clinic_admin(clinic_admin_client):
    session = TreatmentSessionFactory()
    follow_up = FollowUp.objects.create(plan=TreatmentPlanFactory(), due_on=dt.date(2027, 5, 3))
    rule = ReliefRule.objects.create(note="Stricter for the audit")
    for model, obj in (("treatmentsession", session), ("followup", follow_up), ("reliefrule", rule)):
        assert clinic_admin_client.get(admin_url(model, "changelist")).status_code == 200, model
        page = clinic_admin_client.get(admin_url(model, "change", obj.pk))
        assert page.status_code == 200, model
        assert 'name="_save"' not in page.content.decode()
        assert clinic_admin_client.post(admin_url(model, "change", obj.pk), {}).status_code == 403
        assert clinic_admin_client.get(admin_url(model, "add")).status_code == 403
        assert clinic_admin_client.get(admin_url(model, "delete", obj.pk)).status_code == 403
    assert (
        "first-step pain down at least 1.9 points"
        in clinic_admin_client.get(admin_url("reliefrule", "changelist")).content.decode()
    )


def test_a_session_page_shows_what_was_needled(clinic_admin_client):
    session = TreatmentSessionFactory()
    session.needled_points.create(point=point("KI3"), side="left")
    page = clinic_admin_client.get(admin_url("treatmentsession", "change", session.pk)).content.decode()
    assert "KI3 (left)" in page


# --- who cannot get in ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["practitioner_client", "front_desk_client", "client"])
@pytest.mark.parametrize("model", ["protocol", "acupuncturepoint", "treatmentsession", "followup", "reliefrule"])
def test_practitioners_front_desk_and_strangers_cannot_reach_these_pages(request, who, model):
    response = request.getfixturevalue(who).get(admin_url(model, "changelist"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("who", ["practitioner_client", "front_desk_client"])
def test_practitioners_and_the_front_desk_cannot_post_a_protocol(request, who):
    response = request.getfixturevalue(who).post(admin_url("protocol", "add"), protocol_data("Sneaky", [row("KI1")]))
    assert response.status_code == 302
    assert not Protocol.objects.filter(name="Sneaky").exists()


def test_a_practitioner_marked_staff_by_mistake_still_cannot_change_protocols(client_for):
    client = client_for(PractitionerFactory(is_staff=True))
    assert client.get(admin_url("protocol", "changelist")).status_code == 403
    assert client.post(admin_url("protocol", "add"), protocol_data("Sneaky", [row("KI1")])).status_code == 403
    assert not Protocol.objects.filter(name="Sneaky").exists()


def test_the_clinic_admin_role_holds_the_protocol_permissions_and_only_reads_clinical_records():
    group = Group.objects.get(name=Role.CLINIC_ADMIN.value)
    held = {p.codename for p in group.permissions.filter(content_type__app_label="treatments")}
    assert {
        "add_protocol",
        "change_protocol",
        "view_protocol",
        "add_protocolpoint",
        "change_protocolpoint",
        "view_protocolpoint",
        "delete_protocolpoint",
        "view_acupuncturepoint",
        "view_treatmentsession",
        "view_reliefrule",
        "view_followup",
    } <= held
    assert not held & {
        "delete_protocol",
        "add_acupuncturepoint",
        "change_acupuncturepoint",
        "delete_acupuncturepoint",
        "add_treatmentsession",
        "change_treatmentsession",
        "delete_treatmentsession",
        "add_reliefrule",
        "change_reliefrule",
        "add_followup",
        "change_followup",
    }
    for role in (Role.PRACTITIONER, Role.FRONT_DESK):
        assert not Group.objects.get(name=role.value).permissions.filter(codename__contains="protocol").exists()
