"""Who may go on using a session: it ends after a spell of inactivity, and waits at the code step until verified.

Both run after django_otp's OTPMiddleware (which sets `request.user.is_verified()`) and after
MessageMiddleware (the sign-out notice). Neither adds a query to an ordinary page: what a session
owes is decided at sign-in (`clinic.two_factor.note_sign_in`) and kept in the session.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse

from clinic import two_factor

LAST_ACTIVITY_SESSION_KEY = "last_activity"
# Requests a page makes by itself (polling) send this header: they must not keep an unattended screen alive.
BACKGROUND_HEADER = "X-Background-Request"
# Seconds between writes of the activity time: a session is not saved on every click.
ACTIVITY_RESOLUTION = 30


def idle_timeout_seconds() -> int:
    return settings.IDLE_TIMEOUT_MINUTES * 60


def _idle_notice() -> str:
    minutes = settings.IDLE_TIMEOUT_MINUTES
    return f"You were signed out after {minutes} minute{'s' if minutes != 1 else ''} without activity."


def on_sign_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """user_logged_in: a sign-in is activity, and what the new session owes is decided now, once."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_ACTIVITY_SESSION_KEY] = time.time()
    request.session[two_factor.STEP_SESSION_KEY] = two_factor.step_owed(user)


class IdleTimeoutMiddleware:
    """End a session on the server once it has gone IDLE_TIMEOUT_MINUTES without a page request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
        if last is not None and now - last > idle_timeout_seconds():
            return self._sign_out(request)
        keep_alive = request.path == reverse("keep_alive")
        background = request.headers.get(BACKGROUND_HEADER) == "1"
        # A clock behind the stored time (tests that freeze it in the past) counts as "just now", unwritten.
        if keep_alive or (not background and (last is None or now - last >= ACTIVITY_RESOLUTION)):
            request.session[LAST_ACTIVITY_SESSION_KEY] = last = now
        request.idle_seconds_left = max(0, round(idle_timeout_seconds() - max(0.0, now - last)))
        return self.get_response(request)

    @staticmethod
    def _sign_out(request: HttpRequest) -> HttpResponse:
        path = request.get_full_path()
        logout(request)
        messages.info(request, _idle_notice())
        if request.headers.get("HX-Request"):
            # htmx follows HX-Redirect with a full page load.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
            return response
        if request.method != "GET":
            # A form posted after the timeout is not replayed after signing in again.
            return redirect(settings.LOGIN_URL)
        return redirect_to_login(path)


def idle_timeout(request: HttpRequest) -> dict:
    """Template context: seconds until this session ends, for the warning script (None when signed out)."""
    return {
        "idle_seconds_left": getattr(request, "idle_seconds_left", None),
        "idle_timeout_seconds": idle_timeout_seconds(),
    }


class TwoFactorMiddleware:
    """Hold a signed-in session at the code step (or, for a clinic admin without an app, at enrolment)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.user.is_verified():
            step = request.session.get(two_factor.STEP_SESSION_KEY)
            if step is None:
                # A session from before two-factor existed: decide now, once.
                step = request.session[two_factor.STEP_SESSION_KEY] = two_factor.step_owed(request.user)
            target = {two_factor.STEP_VERIFY: "two_factor_verify", two_factor.STEP_ENROL: "two_factor"}.get(step)
            if target and request.path not in self._allowed_paths(target):
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = reverse(target)
                    return response
                wanted = request.get_full_path() if request.method == "GET" else ""
                return redirect_to_login(wanted, login_url=reverse(target)) if wanted != "/" else redirect(target)
        return self.get_response(request)

    @staticmethod
    def _allowed_paths(target: str) -> set[str]:
        # Static files are served by WhiteNoise before any of this runs.
        allowed = {reverse(target), reverse("logout"), reverse("keep_alive")}
        if target == "two_factor":
            allowed.add(reverse("two_factor_backup_codes"))
        return allowed
