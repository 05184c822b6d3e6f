"""Response headers the whole app shares."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """Tell browsers and proxies to keep no copy of any page the app renders.

    Nearly every page carries patient data, and clinic tablets are shared: after sign-out the back
    button (or the back/forward cache) must show nothing. Marking every dynamic response is simpler
    and safer than remembering to mark each patient view. Static files never reach this middleware
    (WhiteNoise answers them earlier), so they keep their long-lived caching. A view that has chosen
    its own Cache-Control keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response
