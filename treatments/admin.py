"""The clinic's set-up, edited by clinic admins: locations, working hours, closures and leave.

Plans and appointments appear here read-only: bookings go through the app,
whose services check hours, closures and clashes and keep the audit trail.
Nothing clinical is ever deleted; a location that closes is marked as not open
for booking. Working hours, closures and leave are set-up rather than records,
so a shift, closure or leave entered by mistake can be removed.

The clinical side: clinic admins maintain the protocols (named point sets the
session form offers); a protocol is stopped, never deleted, and keeps its
history. The point catalogue is theirs to look up, and only a superuser edits
it. They also keep the published reference figures shown beside the clinic's
outcomes: a newer source is added with its citation, and an old set archived,
never deleted. Treatment sessions, follow-ups and the relief rules in force over
time are read-only here: the app writes them, with its safety checks and sign-off.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db.models import Count
from django.urls import path
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from clinic.models import User
from treatments.models import (
    AcupuncturePoint,
    AdverseEventReference,
    Appointment,
    Closure,
    FollowUp,
    Leave,
    Location,
    Protocol,
    ProtocolPoint,
    ReferenceFigures,
    ReliefRule,
    TreatmentPlan,
    TreatmentSession,
    WorkingHours,
)


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
            # Those who have left too: their shifts and leave stay on file and must still open and save.
            kwargs["queryset"] = User.objects.practitioners(include_inactive=True)
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


class EditableHistoryAdmin(ReadOnlyHistoryAdmin):
    """Added and changed by whoever holds the permission; the history pages and the ban on deleting stay."""

    def has_add_permission(self, request):
        return super(ReadOnlyHistoryAdmin, self).has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return super(ReadOnlyHistoryAdmin, self).has_change_permission(request, obj)


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


# --- the clinical catalogue and protocols ----------------------------------------------


@admin.register(AcupuncturePoint)
class AcupuncturePointAdmin(NeverDeleteMixin, admin.ModelAdmin):
    """Clinic admins look points up (and protocols pick them here); only a superuser corrects the catalogue."""

    list_display = ("code", "pinyin", "english", "meridian", "avoid_in_pregnancy", "caution_in_pregnancy")
    list_filter = ("meridian", "avoid_in_pregnancy", "caution_in_pregnancy")
    search_fields = ("code", "pinyin", "english")
    ordering = ("meridian", "number", "code")

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser


class ProtocolPointFormSet(forms.BaseInlineFormSet):
    """A point appears once in a protocol (the database's protocol_point_once); say so at the point field."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # A tabular row has column headings but no labels: name its controls for screen readers.
        form.fields["side"].widget.attrs["aria-label"] = "Side"
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = "Remove this point from the protocol"

    def clean(self):
        seen: dict[int, int] = {}
        for row, form in enumerate(self.forms, start=1):
            if self.can_delete and self._should_delete_form(form):
                continue
            point = getattr(form, "cleaned_data", {}).get("point")
            if point is None:
                continue
            if point.pk in seen:
                # The row-level "already exists" message from the constraint says the same less clearly.
                form.errors.pop(NON_FIELD_ERRORS, None)
                form.add_error("point", f"{point.code} is already in this protocol (row {seen[point.pk]}).")
            else:
                seen[point.pk] = row
        super().clean()


class PointPicker(AutocompleteSelect):
    """The admin's searchable picker, with a prompt: an empty picker then has a name screen readers can read."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = "Code or name"
        return attrs


class ProtocolPointInline(admin.TabularInline):
    model = ProtocolPoint
    formset = ProtocolPointFormSet
    fields = ("point", "side")
    autocomplete_fields = ("point",)
    extra = 1
    verbose_name = "point"
    verbose_name_plural = "points (in the order they are needled)"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "point":
            kwargs["widget"] = PointPicker(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Protocol)
class ProtocolAdmin(EditableHistoryAdmin):
    """Named point sets a practitioner applies in one tap. Stopped rather than deleted: sessions name them.

    Adding and changing are the clinic admin's, as their permissions say; deleting is nobody's.
    """

    list_display = ("name", "point_count", "offered")
    # No filter column: a clinic has a handful of protocols, and on a tablet the table needs the width.
    search_fields = ("name", "description")
    fields = ("name", "description", "is_active")
    inlines = (ProtocolPointInline,)
    actions = ("stop_offering", "offer_again")

    class Media:
        css = {"all": ["treatments/admin_protocols.css"]}
        js = ["treatments/admin_protocols.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(number_of_points=Count("protocol_points"))

    @admin.display(description="number of points", ordering="number_of_points")
    def point_count(self, protocol: Protocol) -> int:
        return protocol.number_of_points

    @admin.display(description="offered", boolean=True, ordering="is_active")
    def offered(self, protocol: Protocol) -> bool:
        return protocol.is_active

    @admin.action(description="Stop offering the selected protocols", permissions=["change"])
    def stop_offering(self, request, queryset):
        count = self._set_offered(queryset, offered=False)
        self.message_user(
            request,
            f"{count} protocol(s) no longer offered on the session form; past sessions keep them.",
            messages.SUCCESS,
        )

    @admin.action(description="Offer the selected protocols again", permissions=["change"])
    def offer_again(self, request, queryset):
        count = self._set_offered(queryset, offered=True)
        self.message_user(request, f"{count} protocol(s) offered on the session form again.", messages.SUCCESS)

    @staticmethod
    def _set_offered(queryset, *, offered: bool) -> int:
        # One save per protocol (not a bulk update), so each change is in the protocol's history with who made it.
        changed = 0
        for protocol in queryset.filter(is_active=not offered):
            protocol.is_active = offered
            protocol.save(update_fields=["is_active"])
            changed += 1
        return changed


@admin.register(ReferenceFigures)
class ReferenceFiguresAdmin(EditableHistoryAdmin):
    """Published figures the outcomes page shows beside the clinic's; archived rather than deleted."""

    list_display = ("condition_code", "approach_shown", "mean_reduction", "relapse_percent", "is_active", "citation")
    list_filter = ("is_active", "condition_code", "approach")
    search_fields = ("condition_code", "citation")
    fieldsets = (
        (None, {"fields": ("condition_code", "approach", "citation", "is_active")}),
        (
            "Figures (leave empty what the source does not give)",
            {
                "fields": (
                    "mean_reduction",
                    ("weeks_to_relief_low", "weeks_to_relief_high"),
                    "relapse_percent",
                    "improved_after_4_percent",
                    ("nsaid_reduced_percent", "nsaid_reduced_is_lower_bound"),
                )
            },
        ),
    )

    @admin.display(description="approach", ordering="approach")
    def approach_shown(self, figures: ReferenceFigures) -> str:
        return figures.approach_label


@admin.register(AdverseEventReference)
class AdverseEventReferenceAdmin(EditableHistoryAdmin):
    """Published adverse-event rates the outcomes page shows beside the clinic's; archived rather than deleted."""

    list_display = ("citation", "minor_session_percent", "minor_patient_percent", "serious_per_10000_patients",
                    "is_active")  # fmt: skip
    list_filter = ("is_active",)
    search_fields = ("citation",)
    fieldsets = (
        (None, {"fields": ("citation", "is_active")}),
        (
            "Rates (leave empty what the source does not give)",
            {
                "description": "Minor events are compared with the clinic's mild and moderate ones, "
                "serious events with its severe ones.",
                "fields": ("minor_session_percent", "minor_patient_percent", "serious_per_10000_patients"),
            },
        ),
    )


# --- clinical records: read here, written in the app ----------------------------------------


class ReadOnlyAdmin(NeverDeleteMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReliefRule)
class ReliefRuleAdmin(ReadOnlyAdmin):
    """Each change of the rule is a new row, so the list is the rule's history; the newest is in force."""

    list_display = ("changed_at", "describe", "relapse", "changed_by", "note")
    list_select_related = ("changed_by",)
    ordering = ("-changed_at", "-id")

    @admin.display(description="meaningful relief")
    def describe(self, rule: ReliefRule) -> str:
        return rule.describe()

    @admin.display(description="relapse: first-step pain back up by (points)")
    def relapse(self, rule: ReliefRule):
        return rule.relapse_rise


@admin.register(TreatmentSession)
class TreatmentSessionAdmin(ReadOnlyHistoryAdmin):
    list_display = ("session_date", "patient", "practitioner", "plan", "signed")
    list_filter = (("practitioner", admin.RelatedOnlyFieldListFilter), ("signed_at", admin.EmptyFieldListFilter))
    list_select_related = ("appointment", "patient", "practitioner", "plan", "plan__patient")
    search_fields = ("patient__mrn", "patient__family_name", "patient__given_name")
    date_hierarchy = "appointment__starts_at"
    ordering = ("-appointment__starts_at",)
    readonly_fields = (
        "points_needled",
        "electroacupuncture",
        "adverse_events",
        "signed_at",
        "signed_by",
        "sign_acknowledgement",
    )

    @admin.display(description="date", ordering="appointment__starts_at")
    def session_date(self, session: TreatmentSession) -> str:
        return f"{timezone.localtime(session.appointment.starts_at):%b %d, %Y %H:%M}"

    @admin.display(description="signed", boolean=True)
    def signed(self, session: TreatmentSession) -> bool:
        return session.is_signed

    @admin.display(description="points needled")
    def points_needled(self, session: TreatmentSession) -> str:
        return ", ".join(str(p) for p in session.needled_points.select_related("point")) or "—"

    @admin.display(description="electroacupuncture")
    def electroacupuncture(self, session: TreatmentSession) -> str:
        return "; ".join(str(e) for e in session.electro.select_related("point_a", "point_b")) or "—"

    @admin.display(description="adverse events")
    def adverse_events(self, session: TreatmentSession) -> str:
        return "; ".join(f"{event}: {event.action_taken}" for event in session.adverse_events.all()) or "None"


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyHistoryAdmin):
    list_display = ("due_on", "plan", "recorded_on", "first_step_pain", "relapsed")
    list_filter = ("relapsed", ("recorded_on", admin.EmptyFieldListFilter))
    list_select_related = ("plan", "plan__patient")
    search_fields = ("plan__patient__mrn", "plan__patient__family_name", "plan__patient__given_name")
    date_hierarchy = "due_on"
