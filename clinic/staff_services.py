"""Staff accounts as clinic admins manage them: a role, deactivation, a set-password email.

An account holds exactly one of the three role groups and nothing else: no
direct permissions, no other group, never superuser. Only the clinic admin role
opens the Django admin (for the clinic's set-up), so `is_staff` follows the
role. Accounts are deactivated, never deleted: the clinical history names who
wrote each record, and a deleted user would leave those rows anonymous.
"""

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from clinic.access import Role
from clinic.models import User

SET_LINK_EMAIL_SUBJECT = "clinic/staff_password_email_subject.txt"
SET_LINK_EMAIL_BODY = "clinic/staff_password_email.txt"


def _give_only_role(user: User, role: Role) -> None:
    user.groups.set([Group.objects.get_or_create(name=Role(role).value)[0]])
    # Whatever was granted by hand before (through the old admin) goes: the role is the whole account.
    user.user_permissions.clear()


@transaction.atomic
def staff_add(
    *, username: str, first_name: str, last_name: str, email: str, professional_title: str, role: Role
) -> User:
    """A new account with no usable password: its owner sets one from the emailed link."""
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        professional_title=professional_title,
        is_staff=role == Role.CLINIC_ADMIN,
        is_superuser=False,
    )
    user.set_unusable_password()
    user.save()
    _give_only_role(user, role)
    return user


@transaction.atomic
def staff_update(
    *, user: User, first_name: str, last_name: str, email: str, professional_title: str, role: Role
) -> User:
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.professional_title = professional_title
    user.is_staff = role == Role.CLINIC_ADMIN
    user.save(update_fields=["first_name", "last_name", "email", "professional_title", "is_staff"])
    _give_only_role(user, role)
    return user


def end_sessions_of(user: User) -> int:
    """Sign the user out everywhere now, rather than whenever each session expires.

    An inactive user is already refused on their next request (ModelBackend), but a session left
    in the store would come back to life if the account were reactivated. Sessions are signed
    blobs, so each live one is decoded to find the owner: a clinic has a handful at a time.
    """
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def staff_deactivate(*, user: User, reason: str) -> None:
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.deactivation_reason = reason
    user.save(update_fields=["is_active", "deactivated_at", "deactivation_reason"])
    end_sessions_of(user)


def staff_reactivate(*, user: User) -> None:
    user.is_active = True
    user.deactivated_at = None
    user.deactivation_reason = ""
    user.save(update_fields=["is_active", "deactivated_at", "deactivation_reason"])


def staff_send_set_password_email(*, user: User, domain: str, use_https: bool) -> None:
    """Django's password-reset email and link (one use, expires after PASSWORD_RESET_TIMEOUT).

    The token is tied to the current password hash, so it works for a new account with an
    unusable password and stops working once a password is set.
    """
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": "Stride foot clinic",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
    }
    PasswordResetForm().send_mail(SET_LINK_EMAIL_SUBJECT, SET_LINK_EMAIL_BODY, context, None, user.email)
