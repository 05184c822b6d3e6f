"""The staff page: clinic admins add staff, give each one role, deactivate and reactivate them.

Nothing here can make a superuser, grant a permission or a group beyond the three
roles, touch a superuser's account, or delete anyone (clinic.staff_services).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from clinic import staff_services
from clinic.access import Role, role_required
from clinic.models import User
from clinic.staff_forms import DeactivateForm, StaffAddForm, StaffDetailsForm, StaffFilterForm

STAFF_PER_PAGE = 25

clinic_admin_required = role_required(Role.CLINIC_ADMIN)


def _get_staff_member_to_manage(request: HttpRequest, pk: int) -> User:
    """The account, if a clinic admin may change it: never a superuser's (those belong to whoever runs the site)."""
    member = get_object_or_404(User, pk=pk)
    if member.is_superuser:
        raise PermissionDenied
    return member


def _send_set_password_email(request: HttpRequest, member: User) -> None:
    staff_services.staff_send_set_password_email(user=member, domain=request.get_host(), use_https=request.is_secure())


def _role_of(member: User) -> Role | None:
    """The role the account holds, read from its groups whether or not it is active (roles_of is not)."""
    names = {group.name for group in member.groups.all()}
    return next((role for role in (Role.CLINIC_ADMIN, Role.PRACTITIONER, Role.FRONT_DESK) if role.value in names), None)


def _role_label(member: User) -> str:
    if member.is_superuser:
        return "Site administrator"
    names = {group.name for group in member.groups.all()}
    held = [role.label for role in Role if role.value in names]
    return ", ".join(held) or "No role"


@require_http_methods(["GET"])
@clinic_admin_required
def staff_list(request: HttpRequest) -> HttpResponse:
    filters = StaffFilterForm(request.GET)
    people = filters.filter(User.objects.prefetch_related("groups")).distinct()
    page = Paginator(people, STAFF_PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"member": member, "role": _role_label(member)} for member in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "clinic/staff_list.html",
        {"filters": filters, "page_obj": page, "rows": rows, "filter_query": query.urlencode()},
    )


@require_http_methods(["GET", "POST"])
@clinic_admin_required
def staff_add(request: HttpRequest) -> HttpResponse:
    form = StaffAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = staff_services.staff_add(**form.cleaned_data)
        _send_set_password_email(request, member)
        messages.success(
            request, f"{member.display_name} was added. A link to set a password was sent to {member.email}."
        )
        return redirect("staff_list")
    return render(request, "clinic/staff_form.html", {"form": form, "member": None})


@require_http_methods(["GET", "POST"])
@clinic_admin_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = _get_staff_member_to_manage(request, pk)
    initial = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "professional_title": member.professional_title,
        "email": member.email,
        "role": _role_of(member) or "",
    }
    form = StaffDetailsForm(request.POST or None, initial=initial, member=member)
    is_self = member.pk == request.user.pk
    if request.method == "POST" and form.is_valid():
        if is_self and form.cleaned_data["role"] != _role_of(member):
            # Someone else must do it, so the clinic is never left without a clinic admin by mistake.
            form.add_error("role", "You cannot change your own role. Ask another clinic admin.")
        else:
            staff_services.staff_update(user=member, **form.cleaned_data)
            messages.success(request, f"{member.display_name}'s details were saved.")
            return redirect("staff_list")
    context = {"form": form, "member": member, "is_self": is_self, "deactivate_form": DeactivateForm()}
    return render(request, "clinic/staff_form.html", context)


@require_http_methods(["GET", "POST"])
@clinic_admin_required
def staff_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = _get_staff_member_to_manage(request, pk)
    if member.pk == request.user.pk:
        raise PermissionDenied("You cannot deactivate your own account.")
    if not member.is_active:
        messages.info(request, f"{member.display_name} is already deactivated.")
        return redirect("staff_list")
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        staff_services.staff_deactivate(user=member, reason=form.cleaned_data["reason"])
        messages.success(request, f"{member.display_name} was deactivated and signed out everywhere.")
        return redirect("staff_list")
    return render(request, "clinic/staff_deactivate.html", {"form": form, "member": member})


@require_POST
@clinic_admin_required
def staff_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = _get_staff_member_to_manage(request, pk)
    if not member.is_active:
        staff_services.staff_reactivate(user=member)
        messages.success(request, f"{member.display_name} can sign in again.")
    return redirect("staff_list")


@require_POST
@clinic_admin_required
def staff_password(request: HttpRequest, pk: int) -> HttpResponse:
    member = _get_staff_member_to_manage(request, pk)
    if not member.is_active:
        messages.error(request, f"{member.display_name} is deactivated. Reactivate the account first.")
    elif not member.email:
        messages.error(request, f"{member.display_name} has no email address. Add one first.")
    else:
        _send_set_password_email(request, member)
        messages.success(request, f"A link to set a new password was sent to {member.email}.")
    return redirect(reverse("staff_detail", kwargs={"pk": member.pk}))
