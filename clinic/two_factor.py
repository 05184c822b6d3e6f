"""Two-factor sign-in: an authenticator app (TOTP) plus ten single-use backup codes.

Clinic admins must have it; everyone else may turn it on from the two-factor page. A password
sign-in starts a session that is not yet *verified*: `clinic.middleware_auth.on_sign_in` records,
once, what that session still owes (a code, or an enrolment), and `clinic.middleware_auth.TwoFactorMiddleware`
holds the session at that step until `django_otp.login` marks it verified.

The secret being set up lives only in the session until the member of staff proves their app
has it, so a wrong or abandoned enrolment writes nothing.
"""

from base64 import b32encode
from binascii import unhexlify
from math import ceil

import segno
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user, verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from clinic.access import Role, has_role

BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"

# What a signed-in session still owes before it may open any page (session key and its values).
STEP_SESSION_KEY = "two_factor_step"
STEP_VERIFY = "verify"  # has a confirmed app: enter a code
STEP_ENROL = "enrol"  # a clinic admin without one: set it up first
STEP_NONE = "none"  # two-factor is optional for this user and they have not turned it on


def is_required_for(user) -> bool:
    return has_role(user, Role.CLINIC_ADMIN)


def has_confirmed_app(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def step_owed(user) -> str:
    if has_confirmed_app(user):
        return STEP_VERIFY
    if is_required_for(user):
        return STEP_ENROL
    return STEP_NONE


# --- enrolment ------------------------------------------------------------------------------


def new_secret() -> str:
    """A fresh secret, hex-encoded as TOTPDevice stores it."""
    return default_key()


def secret_for_display(hex_key: str) -> str:
    """The secret as authenticator apps ask for it when typed: base32, in groups of four."""
    encoded = b32encode(unhexlify(hex_key)).decode()
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def setup_url(user, hex_key: str) -> str:
    """The otpauth:// address the QR code carries (issuer and account name included)."""
    return TOTPDevice(user=user, key=hex_key, name=APP_DEVICE_NAME).config_url


def qr_code_svg(url: str) -> str:
    """The QR code as inline SVG markup: drawn here, so the page makes no outside request and runs no script."""
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=5, border=2, dark="#000", light="#fff", svgclass="qr-code")
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1)


def code_fits_secret(hex_key: str, code: str) -> int | None:
    """The time step `code` was made for, if the app holding `hex_key` made it (one step either side allowed)."""
    code = normalised(code)
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = TOTP(unhexlify(hex_key))
    if not totp.verify(int(code), tolerance=1):
        return None
    return totp.t()


@transaction.atomic
def two_factor_enrol(*, user, hex_key: str, last_t: int) -> tuple[TOTPDevice, list[str]]:
    """Replace the user's app and backup codes with the confirmed `hex_key` and ten fresh codes."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    # last_t: the code just used to confirm cannot be used again to sign in.
    app = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, key=hex_key, confirmed=True, last_t=last_t)
    backup = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
    return app, codes


# --- sign-in --------------------------------------------------------------------------------


def normalised(code: str) -> str:
    """People type codes with spaces or dashes, and backup codes in capitals."""
    return "".join(code.split()).replace("-", "").lower()


def device_accepting(user, code: str):
    """The user's app or backup-code device that accepts `code` (using it up), or None.

    A six-digit code goes to the app, anything else to the backup codes: trying a code on a device
    it cannot be for would count as a failure there and slow the next honest attempt.
    """
    code = normalised(code)
    if not code:
        return None
    kind = TOTPDevice if (code.isdigit() and len(code) == 6) else StaticDevice
    for device in kind.objects.devices_for_user(user, confirmed=True):
        if verify_token(user, device.persistent_id, code) is not None:
            return device
    return None


def seconds_to_wait(user) -> int:
    """After wrong codes django-otp refuses even a right one for a while (1, 2, 4... seconds): how long is left."""
    waits = []
    for device in devices_for_user(user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            waits.append((data["locked_until"] - timezone.now()).total_seconds())
    return max(0, ceil(max(waits, default=0)))
