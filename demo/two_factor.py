"""The demo clinic admin's authenticator app: a published secret, so a newcomer can sign in after `make run`.

Clinic admins must give a code after their password. The demo gives its admin an app whose secret is
fixed and printed by `seed_demo`: add it to any authenticator app, or run `python manage.py demo_code`
for the current code. DEBUG only, like the rest of demo/.
"""

from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.two_factor import APP_DEVICE_NAME, secret_for_display, setup_url

# Published in the README: never use it for a real account. "Stride demo 2FA 2026", hex-encoded as TOTPDevice keeps it.
DEMO_TOTP_KEY = "5374726964652064656d6f203246412032303236"


def demo_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, name=APP_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True).first()


def ensure_demo_device(user) -> str:
    """Give `user` the demo app (once; running again changes nothing) and return the lines to print about it."""
    if demo_device(user) is None:
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True)
    return (
        f"Two-factor for {user.get_username()}: add setup key {secret_for_display(DEMO_TOTP_KEY)} to an "
        f"authenticator app ({setup_url(user, DEMO_TOTP_KEY)}), or run `python manage.py demo_code` for the code."
    )
