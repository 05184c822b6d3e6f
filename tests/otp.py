"""Two-factor sign-in in tests: a confirmed authenticator app for a user, and the code it shows now."""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.two_factor import APP_DEVICE_NAME, STEP_SESSION_KEY, STEP_VERIFY


def confirmed_app(user) -> TOTPDevice:
    """The user's confirmed authenticator app, added if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=True)


def code_for_secret(hex_key: str, *, after_step: int = -1) -> str:
    """The code an app holding `hex_key` shows now, or for the next step if now's was already used."""
    totp = TOTP(bytes.fromhex(hex_key))
    totp.time = time.time()
    if totp.t() <= after_step:
        # Same 30 seconds as the last code used: the app's next code is accepted (one step of drift allowed).
        totp.time += (after_step + 1 - totp.t()) * totp.step
    return f"{totp.token():06d}"


def current_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return code_for_secret(device.key, after_step=device.last_t)


def verify_session(client, device: TOTPDevice) -> None:
    """Mark a force_login'd test client's session as having given its second factor."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[STEP_SESSION_KEY] = STEP_VERIFY
    session.save()
