from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic staff and roles"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from clinic.middleware_auth import on_sign_in
        from clinic.roles_setup import sync_role_groups

        # Runs after every app's post_migrate (contrib.auth creates permissions in its own).
        post_migrate.connect(sync_role_groups, dispatch_uid="clinic.sync_role_groups")
        # Starts the idle clock and notes the two-factor step each new session owes.
        user_logged_in.connect(on_sign_in, dispatch_uid="clinic.on_sign_in")
