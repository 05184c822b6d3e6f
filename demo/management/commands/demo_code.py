"""Print the current sign-in code of a demo user's authenticator app (the demo clinic admin's by default)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from clinic.models import User
from demo.two_factor import demo_device


class Command(BaseCommand):
    help = "Print the current 6-digit two-factor code for a demo login. Refuses to run with DEBUG off."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="clinicadmin")

    def handle(self, *args, username: str, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code only runs with DEBUG on: it reads the demo's published secret.")
        user = User.objects.filter(username=username).first()
        device = demo_device(user) if user is not None else None
        if device is None:
            raise CommandError(f"{username} has no demo authenticator app. Run `python manage.py seed_demo` first.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        seconds_left = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        self.stderr.write(f"(valid for {seconds_left} more seconds; each code signs in once)")
