from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clinic.access import Role, any_staff_required, primary_role

# What each role can do, in the words the home page uses. Later features add
# their own lines as they become real; nothing here promises a page that is not.
ROLE_DUTIES: dict[Role, list[str]] = {
    Role.PRACTITIONER: [
        "Review your patients' charts, symptoms and safety precautions.",
        "Record treatment sessions: pain before and after, points needled, technique and adverse events.",
        "Follow each patient's pain scores across a course of care.",
    ],
    Role.FRONT_DESK: [
        "Register new patients and keep their contact details up to date.",
        "Book, move, cancel and check in appointments.",
        "You see demographics and schedules; clinical notes stay with the clinicians.",
    ],
    Role.CLINIC_ADMIN: [
        "Add staff members, give them a role and deactivate accounts.",
        "Review each patient's progress and the clinic's outcomes.",
        "Read every clinical record; writing sessions is left to practitioners.",
    ],
}


@require_GET
@any_staff_required
def home(request: HttpRequest) -> HttpResponse:
    role = primary_role(request.user)
    return render(request, "clinic/home.html", {"role": role, "duties": ROLE_DUTIES[role]})


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and docker-compose: the app answers and the database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
