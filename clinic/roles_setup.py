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
    # Clinic admins manage staff accounts; accounts are deactivated, never deleted.
    Role.CLINIC_ADMIN: ["clinic.add_user", "clinic.change_user", "clinic.view_user", "auth.view_group"],
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
