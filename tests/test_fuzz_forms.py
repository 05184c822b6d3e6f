"""Every page that takes input, fed whatever Hypothesis can think of: never a 500, nothing written on a refusal.

The pages come from the URLconf, not a list, so a new form is fuzzed the day it is added. Each page is
opened by the first role that may open it (practitioner, front desk, clinic admin); its forms are read
as a browser would post them, and the query keys its view reads are found in the view's source. Then
Hypothesis changes a few fields at a time: text of any length and alphabet, NUL bytes, huge and
negative numbers, far dates, unknown choices, fields missing or sent twice, keys no form has. A
refused post (a page shown again, or a 400) must leave every table as it was, and whatever was
typed must come back HTML-escaped.
"""

import inspect
import os
import re
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.input_world import World, build_world, page_forms, row_counts

pytestmark = pytest.mark.django_db

# A few examples per page keep the module near a minute; FUZZ_EXAMPLES=200 for a deeper search.
EXAMPLES_PER_PAGE = int(os.environ.get("FUZZ_EXAMPLES", "10"))
# Sign-in, passwords and second factors have their own throttles (a fuzzer would only lock itself out);
# the calendar feed and set-password links take a secret token, not input; the admin is Django's own.
SKIPPED = re.compile(r"^(login|logout|password_.*|two_factor.*|keep_alive|healthz|treatments:calendar_feed|admin:.*)$")
# Pages whose success changes what the others can do (an archived patient, a signed session): fuzzed last.
LAST = ("archive", "deactivate", "sign", "cancel", "no_show", "check_in", "status", "reassign")
ROLES = ("practitioner", "front_desk", "clinic_admin")
SCRIPT = "<script>fuzz()</script>"
FAR_DATES = ["9999-12-31", "0001-01-01", "10000-01-01", "2026-02-30", "31/12/9999", "-1-01-01"]
ODD_WORDS = [
    "not-a-choice",
    "-1",
    "0",
    "999999999999",
    "__all__",
    "None",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "\x00",
    "a\x00b",
    SCRIPT,
    f"<b>{SCRIPT}</b>",
    "\u202e\ufeff",
    "NaN",
    "inf",
    "1e308",
    "-1e308",
    "99999999999999999999.99",
    "true",
    "on",
    "[]",
    "{}",
    '{"a": [1, 2]}',
]

values = st.one_of(
    st.text(max_size=40),
    st.text(min_size=1, max_size=4).map(lambda chunk: chunk * 3000),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.sampled_from(FAR_DATES),
    st.sampled_from(ODD_WORDS),
)
MISSING = object()
changes_to_a_field = st.one_of(
    values,
    st.lists(values, min_size=2, max_size=3),  # the field sent more than once
    st.just(MISSING),
)


# --- the pages, from the URLconf -------------------------------------------------------------------


def _named_patterns(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def _query_keys(view) -> list[str]:
    """The query-string keys a view reads (`request.GET.get("date")`, `request.GET["s"]`)."""
    view = inspect.unwrap(getattr(view, "view_class", view))
    try:
        source = inspect.getsource(inspect.getmodule(view))
    except (OSError, TypeError):
        return []
    return sorted(set(re.findall(r"""request\.GET(?:\.get\(|\.getlist\(|\[)\s*["'](\w+)["']""", source)))


def endpoint_names() -> list[tuple[str, list[str]]]:
    found = [
        (name, _query_keys(pattern.callback))
        for name, pattern in _named_patterns(get_resolver().url_patterns)
        if not SKIPPED.match(name)
    ]
    return sorted(found, key=lambda item: any(item[0].endswith(word) for word in LAST))


def _url_kwargs(name: str, converters, world: World, people: dict) -> dict:
    session = world.signed_session if name.endswith(("amend", "addendum", ":session")) else world.session
    known = {
        "public_id": world.patient.public_id,
        "plan_id": world.plan.public_id,
        "appointment_id": world.booked.pk,
        "session_id": session.pk,
        "diagnosis_id": world.diagnosis.pk,
        "consent_id": world.consent.pk,
        "pk": people["other_practitioner"].pk,
    }
    if name.endswith("follow_up"):
        known["plan_id"] = world.completed_plan.public_id
    if name.endswith("session_start"):
        known["appointment_id"] = world.checked_in.pk
    return {key: known[key] for key in converters}


@dataclass
class Target:
    """One way in: a form on a page (posted or sent as a query), or the query keys a view reads."""

    url: str
    method: str
    base: dict
    keys: list[str]


@dataclass
class Endpoint:
    name: str
    url: str
    client: Client
    targets: list[Target] = field(default_factory=list)


def _open(name: str, url: str, clients: dict, query_keys: list[str]) -> Endpoint:
    """The page as the role that gets the most to fill in; a page no one may open is posted to directly."""
    best = None
    for role in ROLES:
        client = clients[role]
        response = client.get(url)
        if response.status_code != 200:
            continue
        endpoint = Endpoint(name, url, client)
        content_type = response.get("Content-Type", "")
        forms = page_forms(response.content.decode()) if content_type.startswith("text/html") else []
        for form in forms:
            action = form.action or url
            # This site's own forms, but not the header's sign-out or the patient search on every page.
            if not action.startswith("/") or action == reverse("logout"):
                continue
            if action != url and form.method == "get" and not action.startswith(url):
                continue
            endpoint.targets.append(Target(action, form.method, form.data(), sorted(form.names)))
        if query_keys or not endpoint.targets:
            endpoint.targets.append(Target(url, "get", {}, query_keys or ["q"]))
        if best is None or _to_fill(endpoint) > _to_fill(best):
            best = endpoint
    if best is not None:
        return best
    # POST-only actions (check-in, restore, sign), or a page that redirects on GET (starting a session).
    return Endpoint(name, url, clients[_poster(name)], [Target(url, "post", {}, ["next", "reason", "status"])])


def _to_fill(endpoint: Endpoint) -> int:
    return sum(len(target.keys) for target in endpoint.targets if target.method == "post")


def _poster(name: str) -> str:
    if name.startswith("staff") or name.endswith("reactivate"):
        return "clinic_admin"
    return "front_desk" if ":appointment" in name or name.startswith("patients:restore") else "practitioner"


# --- the fuzzing ---------------------------------------------------------------------------------


def _send(endpoint: Endpoint, target: Target, changes: dict):
    data = dict(target.base)
    for key, value in changes.items():
        if value is MISSING:
            data.pop(key, None)
        else:
            data[key] = value
    if target.method == "post":
        return endpoint.client.post(target.url, data)
    return endpoint.client.get(target.url, data)


def _check(endpoint: Endpoint, target: Target, changes: dict) -> None:
    before = row_counts()
    response = _send(endpoint, target, changes)
    where = f"{endpoint.name} {target.method.upper()} {target.url} with {sorted(changes)}"
    assert response.status_code < 500, where
    if target.method == "post" and response.status_code in (200, 400):
        # Shown again or refused: whatever was wrong, nothing may have been written.
        assert row_counts() == before, f"{where}: a refused post wrote to the database"
    if response.get("Content-Type", "").startswith("text/html"):
        assert SCRIPT not in response.content.decode(errors="replace"), f"{where}: input came back unescaped"


def _fuzz(endpoint: Endpoint) -> None:
    @settings(
        max_examples=EXAMPLES_PER_PAGE,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def run(data):
        target = data.draw(st.sampled_from(endpoint.targets), label="form")
        keys = st.sampled_from([*target.keys, "unknown_field"])
        changes = data.draw(st.dictionaries(keys, changes_to_a_field, min_size=1, max_size=4), label="changes")
        _check(endpoint, target, changes)

    run()


DIARY_WORDS = ("appointment", "day", "week", "next_free", "plan_book", "schedule", "calendar")
AREAS = {
    "patients": lambda name: name.startswith("patients:"),
    "diary": lambda name: name.startswith("treatments:") and any(word in name for word in DIARY_WORDS),
    "treatments": lambda name: name.startswith("treatments:") and not any(word in name for word in DIARY_WORDS),
    "everything else": lambda name: not name.startswith(("patients:", "treatments:")),
}


def test_every_area_of_the_app_is_covered():
    names = [name for name, _keys in endpoint_names()]
    assert all(sum(belongs(name) for belongs in AREAS.values()) == 1 for name in names)
    for expected in ("patients:intake", "treatments:appointment_create", "treatments:adverse_event_sessions"):
        assert expected in names


@pytest.mark.parametrize("area", AREAS)
def test_no_input_gets_a_500_writes_on_refusal_or_comes_back_unescaped(request, area, practitioner, clinic_clock):
    world = build_world(practitioner)
    other_practitioner = request.getfixturevalue("other_practitioner")
    clients = {role: request.getfixturevalue(f"{role}_client") for role in ROLES}
    people = {"other_practitioner": other_practitioner}
    opened = []
    for name, query_keys in endpoint_names():
        if not AREAS[area](name):
            continue
        converters = next(pattern for n, pattern in _named_patterns(get_resolver().url_patterns) if n == name)
        url = reverse(name, kwargs=_url_kwargs(name, converters.pattern.converters, world, people))
        opened.append(_open(name, url, clients, query_keys))
    assert opened, f"nothing to fuzz in {area}"
    for endpoint in opened:
        _fuzz(endpoint)
