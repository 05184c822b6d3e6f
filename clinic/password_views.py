"""Changing one's password, under the same throttle as signing in.

The old password is a password guess like any other: someone at an unlocked,
signed-in workstation could otherwise try as many as they liked. A wrong one
is reported to django-axes as a failed sign-in for that user (AXES_* in
clinic/settings.py), so it counts toward the same lockout; once locked, the
person is signed out and shown the lockout page.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest, HttpResponse


def _credentials(request: HttpRequest) -> dict:
    return {"username": request.user.get_username()}


def _locked_out(request: HttpRequest) -> HttpResponse:
    credentials = _credentials(request)
    # Signed out, so the session that was guessing cannot go on to anything else either.
    logout(request)
    return get_lockout_response(request, credentials=credentials)


class ThrottledPasswordChangeView(PasswordChangeView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Checked before the form is even built: a locked account gets no more guesses.
        if AxesProxyHandler.is_locked(request, _credentials(request)):
            return _locked_out(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form) -> HttpResponse:
        if form.has_error("old_password", "password_incorrect"):
            user_login_failed.send(sender=__name__, credentials=_credentials(self.request), request=self.request)
            # Axes marks the request when this failure reaches AXES_FAILURE_LIMIT.
            if getattr(self.request, "axes_locked_out", False):
                return _locked_out(self.request)
        return super().form_invalid(form)
