"""What a member of staff may do: the one place every view asks.

A user's role is the group they belong to. Views never test group names
themselves; they use `role_required` or the `can_*` questions below, so a
change in policy is a change here.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models


class Role(models.TextChoices):
    PRACTITIONER = "Practitioner", "Practitioner"
    FRONT_DESK = "Front desk", "Front desk"
    CLINIC_ADMIN = "Clinic admin", "Clinic admin"


CLINICAL_ROLES = frozenset({Role.PRACTITIONER, Role.CLINIC_ADMIN})
ALL_ROLES = frozenset(Role)

_CACHE_ATTR = "_clinic_roles"


def roles_of(user) -> frozenset[Role]:
    """The user's roles, read once per request and kept on the user object."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def has_role(user, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def primary_role(user) -> Role | None:
    """The role a page is built for when someone holds more than one: the widest first."""
    held = roles_of(user)
    for role in (Role.CLINIC_ADMIN, Role.PRACTITIONER, Role.FRONT_DESK):
        if role in held:
            return role
    return None


def can_see_clinical(user) -> bool:
    """Clinical history, symptoms, diagnoses and notes: practitioners and clinic admins only."""
    return has_role(user, *CLINICAL_ROLES)


def can_write_clinical(user) -> bool:
    return has_role(user, Role.PRACTITIONER)


def can_manage_front_desk(user) -> bool:
    """Registering patients and handling the schedule."""
    return has_role(user, Role.FRONT_DESK, Role.PRACTITIONER, Role.CLINIC_ADMIN)


def can_manage_clinic(user) -> bool:
    """Staff accounts, locations, hours, protocols and outcome reports."""
    return has_role(user, Role.CLINIC_ADMIN)


def role_required(*roles: Role) -> Callable:
    """Deny a view to anyone without one of `roles` (403). Login is enforced by middleware."""
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not (roles_of(request.user) & allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = allowed
        return wrapped

    return decorator


clinical_staff_required = role_required(*CLINICAL_ROLES)
any_staff_required = role_required(*ALL_ROLES)
