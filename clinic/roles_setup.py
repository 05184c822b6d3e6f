"""Role groups and the model permissions each one holds.

The groups are created by a data migration; their permissions are brought in
step with ROLE_PERMISSIONS after every `migrate` (and after the test suite's
flushes), because permissions only exist once all migrations have run.
Views do not read these permissions: they ask clinic.access. The permissions
decide what the Django admin site offers each role.
"""

from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission

from clinic.access import Role

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.PRACTITIONER: [],
    Role.FRONT_DESK: [],
    # Clinic admins manage staff accounts on the Staff page (which asks clinic.access), never in the
    # admin: no user, group or permission rights here, so the admin cannot be used to escalate.
    Role.CLINIC_ADMIN: [
        # The clinic's set-up. Locations close rather than disappear; a shift, closure or leave
        # entered by mistake may be removed (nothing refers to them).
        "treatments.add_location",
        "treatments.change_location",
        "treatments.view_location",
        "treatments.add_workinghours",
        "treatments.change_workinghours",
        "treatments.view_workinghours",
        "treatments.delete_workinghours",
        "treatments.add_closure",
        "treatments.change_closure",
        "treatments.view_closure",
        "treatments.delete_closure",
        "treatments.add_leave",
        "treatments.change_leave",
        "treatments.view_leave",
        "treatments.delete_leave",
        # Plans and appointments are written through the app only.
        "treatments.view_treatmentplan",
        "treatments.view_appointment",
        # Protocols are theirs to maintain: stopped, never deleted, though a point may leave a protocol.
        # The point catalogue is to look up (and to pick protocol points from); a superuser corrects it.
        "treatments.add_protocol",
        "treatments.change_protocol",
        "treatments.view_protocol",
        "treatments.add_protocolpoint",
        "treatments.change_protocolpoint",
        "treatments.view_protocolpoint",
        "treatments.delete_protocolpoint",
        "treatments.view_acupuncturepoint",
        # Clinical records to read; the app writes them (sessions, follow-ups, the relief rule).
        "treatments.view_treatmentsession",
        "treatments.view_reliefrule",
        "treatments.view_followup",
        # Published figures shown beside the clinic's outcomes: a newer source is added, an old set archived.
        "treatments.add_referencefigures",
        "treatments.change_referencefigures",
        "treatments.view_referencefigures",
        "treatments.add_adverseeventreference",
        "treatments.change_adverseeventreference",
        "treatments.view_adverseeventreference",
    ],
}


def sync_role_groups(**_signal_kwargs) -> None:
    if not global_apps.is_installed("django.contrib.auth"):
        return
    for role, dotted in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = []
        for name in dotted:
            app_label, codename = name.split(".")
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
