"""The Content-Security-Policy and no-store headers, and the templates' part in keeping the CSP strict."""

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from clinic.middleware import NoStoreMiddleware
from patients import foot_map
from tests.factories import PatientFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ("clinic", "patients", "treatments")

EXPECTED_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy header"
    directives = {}
    for directive in header.split(";"):
        name, *values = directive.split()
        directives[name] = values
    return directives


# --- the header ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sign_in_page_carries_the_strict_policy(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert _policy(response) == EXPECTED_POLICY


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["practitioner_client", "front_desk_client"])
def test_app_pages_allow_no_inline_script_or_style(request, persona):
    patient = PatientFactory()
    client = request.getfixturevalue(persona)
    for url in (reverse("home"), reverse("patients:list"), reverse("patients:chart", args=[patient.public_id])):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = _policy(response)
        assert policy == EXPECTED_POLICY, url
        for directive in ("default-src", "script-src", "style-src"):
            assert "'unsafe-inline'" not in policy[directive]
            assert "'unsafe-eval'" not in policy[directive]


@pytest.mark.django_db
def test_the_admin_works_under_the_same_policy(clinic_admin):
    clinic_admin.is_staff = True
    clinic_admin.is_superuser = True
    clinic_admin.save(update_fields=["is_staff", "is_superuser"])
    client = Client()
    client.force_login(clinic_admin)
    response = client.get(reverse("admin:index"))
    # (Admins may first be sent to set up two-factor sign-in: that page carries the policy too.)
    assert response.status_code in {200, 302}
    assert _policy(response) == EXPECTED_POLICY


@pytest.mark.django_db
def test_htmx_is_told_not_to_inject_its_indicator_styles(practitioner_client):
    content = practitioner_client.get(reverse("home")).content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles":false}'>""" in content
    # ...and the styles it would have injected are served as a file instead.
    css = (ROOT / "clinic/static/clinic/csp.css").read_text()
    assert ".htmx-request .htmx-indicator" in css
    assert "clinic/csp.css" in content


# --- the templates ---------------------------------------------------------------------------------

COMMENTS = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
INLINE = {
    "a <style> block": re.compile(r"<style\b", re.IGNORECASE),
    "a style= attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "an on…= event handler": re.compile(r"\son[a-z]+\s*=\s*[\"'{]", re.IGNORECASE),
    "an hx-on handler (needs eval)": re.compile(r"\shx-on\b", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def _templates() -> list[Path]:
    found = sorted((ROOT / "templates").rglob("*.html"))
    for app in APPS:
        found += sorted((ROOT / app / "templates").rglob("*.html"))
    return found


def _inline_code(text: str) -> list[str]:
    text = COMMENTS.sub("", text)
    problems = [what for what, pattern in INLINE.items() if pattern.search(text)]
    for attributes in SCRIPT_TAG.findall(text):
        # A JSON data block (json_script) is never executed, so the CSP allows it.
        if "src=" not in attributes and "application/json" not in attributes:
            problems.append("an inline <script>")
    return problems


def test_the_scan_catches_each_kind_of_inline_code():
    assert _inline_code('<script>alert(1)</script><script src="/static/x.js"></script>') == ["an inline <script>"]
    assert _inline_code('<div style="width: 3%">') == ["a style= attribute"]
    assert _inline_code('<button type="button" onclick="go()">') == ["an on…= event handler"]
    assert _inline_code("<style>p { color: red }</style>") == ["a <style> block"]
    assert _inline_code('<form hx-on::after-request="this.reset()">') == ["an hx-on handler (needs eval)"]
    assert _inline_code('{# <div style="x"> #}<script src="/a.js" defer></script>') == []
    assert _inline_code('<script type="application/json" id="x">{}</script>') == []


def test_no_template_has_inline_script_style_or_handlers():
    templates = _templates()
    assert len(templates) > 20
    problems = {str(path.relative_to(ROOT)): found for path in templates if (found := _inline_code(path.read_text()))}
    assert problems == {}, "The CSP blocks these; move them into static files: " + repr(problems)


PYTHON_INLINE = re.compile(r"""<script\b|<style\b|\sstyle\s*=\s*\\?["']|\son[a-z]+\s*=\s*\\?["']""", re.IGNORECASE)


def test_python_that_renders_html_has_no_inline_script_or_style():
    # SVG presentation attributes (fill=, stroke=) are fine under the CSP; style= and handlers are not.
    offenders = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and PYTHON_INLINE.search(path.read_text())
    ]
    assert offenders == []


def test_the_severity_classes_match_the_diagram_colours():
    # The colours moved from style attributes into foot_map.css: the two must stay in step.
    css = (ROOT / "patients/static/patients/foot_map.css").read_text().lower()
    for value, colour in enumerate(foot_map.SEVERITY_COLOURS):
        ink = foot_map.severity_text_colour(value)
        assert f".severity-fill-{value} {{ background: {colour}; color: {ink}; }}" in css
        assert f".foot-map__context.severity-fill-{value} {{ fill: {colour}; }}" in css
    assert f".severity-fill-none {{ background: {foot_map.NOT_RECORDED_COLOUR};" in css


# --- no-store ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["practitioner_client", "front_desk_client"])
def test_pages_with_patient_data_are_never_stored(request, persona):
    patient = PatientFactory()
    client = request.getfixturevalue(persona)
    for url in (reverse("home"), reverse("patients:list"), reverse("patients:chart", args=[patient.public_id])):
        cache_control = client.get(url).headers.get("Cache-Control", "")
        assert "no-store" in cache_control, url
        assert "private" in cache_control, url


@pytest.mark.django_db
def test_the_sign_in_page_and_redirects_are_not_stored_either(client):
    assert "no-store" in client.get(reverse("login"))["Cache-Control"]
    assert "no-store" in client.get(reverse("patients:list"))["Cache-Control"]


def test_a_view_that_chose_its_own_cache_control_keeps_it():
    def view(request):
        response = HttpResponse("feed")
        response["Cache-Control"] = "private, max-age=60"
        return response

    response = NoStoreMiddleware(view)(RequestFactory().get("/"))
    assert response["Cache-Control"] == "private, max-age=60"


def test_plain_responses_get_no_store():
    response = NoStoreMiddleware(lambda request: HttpResponse("page"))(RequestFactory().get("/"))
    assert response["Cache-Control"] == "no-store, private"


@pytest.mark.django_db
def test_static_files_keep_their_caching():
    # WhiteNoise answers static files before NoStoreMiddleware sees them; serve from the finders here,
    # as the suite has no collected STATIC_ROOT.
    with override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True):
        response = Client().get("/static/clinic/clinic.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# --- deployment ------------------------------------------------------------------------------------


def test_docker_compose_has_no_default_secret_key():
    compose = (ROOT / "docker-compose.yml").read_text()
    secret = next(line.strip() for line in compose.splitlines() if line.strip().startswith("SECRET_KEY:"))
    # ${SECRET_KEY:?message} makes compose refuse to start without one; ${SECRET_KEY:-default} would not.
    assert "${SECRET_KEY:?" in secret
    assert ":-" not in secret
