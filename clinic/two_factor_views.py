"""The two-factor pages: set up an authenticator app, see the backup codes once, give a code at sign-in."""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from clinic import two_factor
from clinic.access import any_staff_required
from clinic.two_factor_forms import ConfirmAppForm, SignInCodeForm

# The secret being set up, until the first code confirms it; then the backup codes, until shown once.
PENDING_SECRET_SESSION_KEY = "two_factor_pending_secret"  # noqa: S105  (a session key name, not a secret)
BACKUP_CODES_SESSION_KEY = "two_factor_new_backup_codes"


def _safe_next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: redirect() would read a bare word ("0") as a view name and fail.
    same_site = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if same_site and wanted.startswith("/"):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@require_http_methods(["GET", "POST"])
@any_staff_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Show a new secret as a QR code and as text; the first code from the app turns two-factor on."""
    hex_key = request.session.get(PENDING_SECRET_SESSION_KEY)
    if not hex_key:
        hex_key = request.session[PENDING_SECRET_SESSION_KEY] = two_factor.new_secret()
    form = ConfirmAppForm(request.POST or None, hex_key=hex_key)
    if request.method == "POST" and form.is_valid():
        app, codes = two_factor.two_factor_enrol(user=request.user, hex_key=hex_key, last_t=form.time_step)
        otp_login(request, app)
        del request.session[PENDING_SECRET_SESSION_KEY]
        request.session[two_factor.STEP_SESSION_KEY] = two_factor.STEP_VERIFY
        request.session[BACKUP_CODES_SESSION_KEY] = codes
        return redirect("two_factor_backup_codes")
    url = two_factor.setup_url(request.user, hex_key)
    context = {
        "form": form,
        "qr_code": two_factor.qr_code_svg(url),
        "secret": two_factor.secret_for_display(hex_key),
        "enrolled": two_factor.has_confirmed_app(request.user),
        "required": two_factor.is_required_for(request.user),
    }
    return render(request, "clinic/two_factor_enrol.html", context)


@never_cache
@require_GET
@any_staff_required
def backup_codes(request: HttpRequest) -> HttpResponse:
    """The ten backup codes, once: they are stored only as the codes themselves and never shown again."""
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    if not codes:
        messages.info(request, "Backup codes are shown only once. Set up your app again to get new ones.")
        return redirect("two_factor")
    return render(request, "clinic/two_factor_backup_codes.html", {"codes": codes})


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in, for anyone with a confirmed app."""
    if request.user.is_verified():
        return redirect(_safe_next(request))
    step = two_factor.step_owed(request.user)
    request.session[two_factor.STEP_SESSION_KEY] = step
    if step != two_factor.STEP_VERIFY:
        # The app was removed since sign-in: an admin sets one up again, anyone else goes on.
        return redirect("two_factor" if step == two_factor.STEP_ENROL else _safe_next(request))
    form = SignInCodeForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            # A new session key at the moment the session gains its second factor.
            request.session.cycle_key()
            otp_login(request, form.device)
            return redirect(_safe_next(request))
        # Wrong codes count toward the same pause as wrong passwords (django-axes).
        credentials = {"username": request.user.get_username()}
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if AxesProxyHandler.is_locked(request, credentials):
            logout(request)
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
    return render(request, "clinic/two_factor_verify.html", {"form": form, "next": _safe_next(request)})


@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """'Stay signed in': the request itself is the activity (IdleTimeoutMiddleware records it)."""
    return HttpResponse(status=204)
