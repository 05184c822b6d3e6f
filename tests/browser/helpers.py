"""What every browser test needs: signing in, accessibility, screenshots."""

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from clinic.models import User
from clinic.two_factor import is_required_for
from tests.otp import confirmed_app, current_code

SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "screenshots"
WIDTHS = {"desktop": 1280, "tablet": 768}
BLOCKING_IMPACTS = {"serious", "critical"}

_axe = Axe()


def sign_in(page: Page, live_server_url: str, username: str, password: str, *, second_factor: bool = True) -> None:
    """Sign in with the password and, when the page asks, a code from the user's authenticator app.

    Clinic admins must use two-factor sign-in: unless `second_factor` is False, one without an app gets
    one first, so tests about other things sign in as they always have.
    """
    user = User.objects.filter(username=username).first()
    if second_factor and user is not None and is_required_for(user):
        confirmed_app(user)
    page.goto(f"{live_server_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if second_factor and user is not None:
        page.wait_for_load_state()
        if "/accounts/two-factor/verify/" in page.url:
            page.get_by_label("Code").fill(current_code(confirmed_app(user)))
            page.get_by_role("button", name="Verify").click()
            page.wait_for_load_state()


def assert_accessible(page: Page) -> None:
    """Fail on any serious or critical axe-core violation, naming each one."""
    results = _axe.run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    details = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in blocking]
    assert not blocking, "axe found:\n" + "\n".join(details)


def screenshot_both_widths(page: Page, name: str, *, check_accessibility: bool = True) -> list[Path]:
    """Save full-page screenshots at desktop and tablet widths, checking axe at each."""
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    original = page.viewport_size
    saved = []
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 1000})
        path = SCREENSHOT_DIR / f"{name}-{label}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        saved.append(path)
        if check_accessibility:
            assert_accessible(page)
    if original:
        page.set_viewport_size(original)
    return saved


__all__ = ["assert_accessible", "expect", "screenshot_both_widths", "sign_in"]
