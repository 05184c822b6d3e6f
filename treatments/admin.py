"""The clinic's set-up, edited by clinic admins: locations, working hours, closures and leave.

Plans and appointments appear here read-only: bookings go through the app,
whose services check hours, closures and clashes and keep the audit trail.
Nothing clinical is ever deleted; a location that closes is marked as not open
for booking. Working hours, closures and leave are set-up rather than records,
so a shift, closure or leave entered by mistake can be removed.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from clinic.access import Role
from clinic.models import User
from treatments.models import Appointment, Closure, Leave, Location, TreatmentPlan, WorkingHours


def practitioners():
    return User.objects.filter(groups__name=Role.PRACTITIONER.value).order_by("last_name", "first_name")


class DateRangeForm(forms.ModelForm):
    """The database refuses a range that ends before it starts; say so at the field instead."""

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", f"The last day cannot be before the first day ({first:%b %d, %Y}).")
        return cleaned


class ClosureForm(DateRangeForm):
    class Meta:
        model = Closure
        fields = ["reason", "location", "first_day", "last_day"]


class LeaveForm(DateRangeForm):
    class Meta:
        model = Leave
        fields = ["practitioner", "first_day", "last_day", "reason"]


class WorkingHoursForm(forms.ModelForm):
    class Meta:
        model = WorkingHours
        fields = ["practitioner", "weekday", "starts", "ends", "location"]
        help_texts = {"ends": "For a split shift (e.g. a lunch break), add a second row for the same day."}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and ends <= starts:
            self.add_error("ends", f"The shift must end after it starts ({starts:%H:%M}).")
            return cleaned
        practitioner, weekday = cleaned.get("practitioner"), cleaned.get("weekday")
        if starts and ends and practitioner and weekday is not None:
            overlapping = (
                WorkingHours.objects.filter(
                    practitioner=practitioner, weekday=weekday, starts__lt=ends, ends__gt=starts
                )
                .exclude(pk=self.instance.pk)
                .select_related("location")
                .first()
            )
            if overlapping:
                self.add_error(
                    "starts",
                    f"This overlaps {practitioner}'s shift {overlapping.starts:%H:%M}–{overlapping.ends:%H:%M} "
                    f"at {overlapping.location} on the same day.",
                )
        return cleaned


class NeverDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


class PractitionerChoiceMixin:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "practitioner":
            kwargs["queryset"] = practitioners()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Location)
class LocationAdmin(NeverDeleteMixin, admin.ModelAdmin):
    list_display = ("name", "address", "phone", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "address")
    actions = ("close_for_booking", "open_for_booking")

    @admin.action(description="Close the selected locations for booking", permissions=["change"])
    def close_for_booking(self, request, queryset):
        count = queryset.update(is_active=False)
        self.message_user(request, f"{count} location(s) closed for new bookings.", messages.SUCCESS)

    @admin.action(description="Open the selected locations for booking", permissions=["change"])
    def open_for_booking(self, request, queryset):
        count = queryset.update(is_active=True)
        self.message_user(request, f"{count} location(s) open for booking.", messages.SUCCESS)


@admin.register(WorkingHours)
class WorkingHoursAdmin(PractitionerChoiceMixin, admin.ModelAdmin):
    form = WorkingHoursForm
    list_display = ("practitioner", "weekday", "starts", "ends", "location")
    list_filter = (("practitioner", admin.RelatedOnlyFieldListFilter), "weekday", "location")
    list_select_related = ("practitioner", "location")
    ordering = ("practitioner__last_name", "practitioner__first_name", "weekday", "starts")
    search_fields = ("practitioner__first_name", "practitioner__last_name", "location__name")


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    form = ClosureForm
    list_display = ("reason", "first_day", "last_day", "where")
    list_filter = ("location",)
    list_select_related = ("location",)
    search_fields = ("reason",)
    date_hierarchy = "first_day"

    @admin.display(description="where", ordering="location__name")
    def where(self, closure: Closure) -> str:
        return closure.location.name if closure.location else "All locations"


@admin.register(Leave)
class LeaveAdmin(PractitionerChoiceMixin, admin.ModelAdmin):
    form = LeaveForm
    list_display = ("practitioner", "first_day", "last_day", "reason")
    list_filter = (("practitioner", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("practitioner",)
    search_fields = ("practitioner__first_name", "practitioner__last_name", "reason")
    date_hierarchy = "first_day"


class ReadOnlyHistoryAdmin(NeverDeleteMixin, SimpleHistoryAdmin):
    """Look, never touch: the app's services are the only way to write these."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        # simple_history names its version page with an unnamed regex; the same page with named,
        # typed parts can be reversed with kwargs (the URL-protection test walks every URL).
        name = f"{self.model._meta.app_label}_{self.model._meta.model_name}_simple_history"
        version_page = path(
            "<path:object_id>/history/<int:version_id>/",
            self.admin_site.admin_view(self.history_form_view),
            name=name,
        )
        return [version_page, *(url for url in super().get_urls() if getattr(url, "name", None) != name)]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A POST here would revert the record to an old version, bypassing the booking rules.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(TreatmentPlan)
class TreatmentPlanAdmin(ReadOnlyHistoryAdmin):
    list_display = ("patient", "practitioner", "status", "sessions_planned", "frequency", "approach", "created_at")
    list_filter = ("status", "approach", "frequency", ("practitioner", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("patient", "practitioner")
    search_fields = ("patient__mrn", "patient__family_name", "patient__given_name")
    date_hierarchy = "created_at"


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ("starts_at", "patient", "practitioner", "location", "kind", "status")
    list_filter = ("status", "kind", "location", ("practitioner", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("patient", "practitioner", "location")
    search_fields = ("patient__mrn", "patient__family_name", "patient__given_name")
    date_hierarchy = "starts_at"
