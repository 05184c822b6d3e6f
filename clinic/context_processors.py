from clinic.access import primary_role
from clinic.navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "current_role": None}
    return {"nav_items": items_for(user, request.path), "current_role": primary_role(user)}
