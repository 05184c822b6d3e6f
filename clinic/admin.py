"""Staff accounts in the Django admin: for superusers (whoever runs the site) only.

Clinic admins manage staff on the Staff page (clinic.staff_views), which offers
the three roles and nothing else. The stock user admin would offer them the
superuser flag, every permission and every group, so it is closed to anyone who
is not already a superuser. Nobody deletes an account, here or anywhere: the
clinical history names who wrote each record, and a deleted user would blank it.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from clinic.models import User


def _is_superuser(request) -> bool:
    return request.user.is_active and request.user.is_superuser


class SuperuserOnlyMixin:
    def has_module_permission(self, request) -> bool:
        return _is_superuser(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_superuser(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return _is_superuser(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_superuser(request)


@admin.register(User)
class StaffAdmin(SuperuserOnlyMixin, UserAdmin):
    list_display = ("username", "first_name", "last_name", "professional_title", "role_names", "is_active")
    list_filter = ("groups", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Clinic", {"fields": ("professional_title",)}),
        ("Deactivation", {"fields": ("deactivated_at", "deactivation_reason")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="role")
    def role_names(self, obj: User) -> str:
        return ", ".join(group.name for group in obj.groups.all()) or "none"


# The role groups are what clinic.access reads; renaming or re-permissioning one is a superuser's job.
admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(SuperuserOnlyMixin, GroupAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False
