"""Every URL the project serves needs a signed-in user, whatever later issues add."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.exceptions import NoReverseMatch
from django.urls.resolvers import RoutePattern

pytestmark = pytest.mark.django_db

# The only pages a stranger may open.
PUBLIC_URL_NAMES = {"login", "healthz", "admin:login", "password_reset_confirm", "password_reset_complete"}


def _sample_value(converter) -> str:
    if isinstance(converter, UUIDConverter):
        return str(uuid.uuid4())
    if isinstance(converter, IntConverter):
        return "1"
    return "x"


def _walk(resolvers, namespace=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            child_namespace = namespace
            if entry.namespace:
                child_namespace = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, child_namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _reverse_with_samples(name: str, pattern: URLPattern) -> str | None:
    if isinstance(pattern.pattern, RoutePattern):
        kwargs = {key: _sample_value(conv) for key, conv in pattern.pattern.converters.items()}
        return reverse(name, kwargs=kwargs)
    # Regex patterns (the admin's): try a few plausible values for each group.
    groups = list(pattern.pattern.regex.groupindex)
    for candidate in ("clinic", "1", "x", "user"):
        try:
            return reverse(name, kwargs=dict.fromkeys(groups, candidate))
        except NoReverseMatch:
            continue
    return None


def all_named_urls():
    seen = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        seen.setdefault(name, pattern)
    return sorted(seen.items())


def test_the_walk_finds_the_project_and_admin_urls():
    names = {name for name, _ in all_named_urls()}
    assert {"home", "login", "logout", "password_change", "admin:index", "admin:clinic_user_changelist"} <= names


@pytest.mark.parametrize(("name", "pattern"), all_named_urls(), ids=[name for name, _ in all_named_urls()])
def test_anonymous_visitors_are_sent_to_sign_in(client, name, pattern):
    url = _reverse_with_samples(name, pattern)
    if url is None:
        pytest.fail(f"could not build a URL for {name}; teach _reverse_with_samples its converter")
    response = client.get(url)
    if name in PUBLIC_URL_NAMES:
        assert response.status_code == 200
        return
    if response.status_code == 302:
        assert "/login/" in response["Location"], f"{name} redirects somewhere other than sign-in"
    else:
        assert response.status_code in {403, 404, 405}, f"{url} answered {response.status_code} to a stranger"
