from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from clinic.models import User


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "professional_title", "role_names", "is_active")
    list_filter = ("groups", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Clinic", {"fields": ("professional_title",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="role")
    def role_names(self, obj: User) -> str:
        return ", ".join(group.name for group in obj.groups.all()) or "none"
