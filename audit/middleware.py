"""Request context for the audit trail: who wrote (the triggers' context) and who read (AccessEvent)."""

from django.db.models import Subquery
from pghistory.middleware import HistoryMiddleware

from audit.models import AccessEvent
from audit.pages import LOGGED_PAGES, patient_subquery


def _remote_addr(request) -> str | None:
    # REMOTE_ADDR is the peer as the WSGI server saw it. Behind a proxy that is the proxy: trusting
    # X-Forwarded-For would need the proxy's own address configured, which this deployment does not do.
    return request.META.get("REMOTE_ADDR") or None


class WriteContextMiddleware(HistoryMiddleware):
    """pghistory's context (user id and path, without the query string) plus the client's address.

    Every tracked row written during the request points at one `pghistory.Context` holding these.
    """

    def get_context(self, request) -> dict:
        return {**super().get_context(request), "remote_addr": _remote_addr(request)}


class AccessLogMiddleware:
    """After a logged page is served (GET, 200), records who saw it: one INSERT, whatever the page.

    The patient is resolved inside that INSERT from the URL's arguments, so logging costs one query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if request.method == "GET" and response.status_code == 200 and match is not None:
            page = LOGGED_PAGES.get(match.view_name)
            if page is not None and request.user.is_authenticated:
                _record(request, page, match)
        return response


def _record(request, page, match) -> None:
    patient = patient_subquery(match.kwargs) if page.names_patient else None
    AccessEvent.objects.create(
        user_id=request.user.pk,
        patient_id=Subquery(patient) if patient is not None else None,
        kind=page.kind,
        url_name=match.view_name,
        path=request.path[:300],
        remote_addr=_remote_addr(request),
    )
