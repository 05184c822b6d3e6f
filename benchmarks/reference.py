"""The yardstick for `make bench`: the least a signed-in page on this stack can cost.

It passes through the same middleware as every page (sessions, sign-in, two-factor, CSP, the access
log), runs one query and renders a tiny template with the same context processors, so a page's
throughput divided by this one's says how much the page itself adds, whatever the machine.
The template is a string, not a file, so the view also serves an older checkout of the app
(BENCH_APP_DIR in benchmarks/run.py), whose template directories know nothing of it.
"""

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.template import RequestContext, Template
from django.views.decorators.http import require_GET

PAGE = Template(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Reference</title></head>'
    "<body><p>{{ user.get_username }} is {% if active %}active{% else %}inactive{% endif %}.</p></body></html>"
)


@require_GET
def reference(request: HttpRequest) -> HttpResponse:
    # Signing in is required by LoginRequiredMiddleware, as for every page of the app.
    active = get_user_model().objects.filter(pk=request.user.pk, is_active=True).exists()
    return HttpResponse(PAGE.render(RequestContext(request, {"active": active})))
