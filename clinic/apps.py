from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic staff and roles"

    def ready(self) -> None:
        from clinic.roles_setup import sync_role_groups

        # Runs after every app's post_migrate (contrib.auth creates permissions in its own).
        post_migrate.connect(sync_role_groups, dispatch_uid="clinic.sync_role_groups")
