"""The navigation bar: which links each role sees.

Each entry names the roles that may use the page behind it; the same roles are
enforced on the view itself (clinic.access), so hiding a link is never the
only protection.
"""

from dataclasses import dataclass

from django.urls import reverse

from clinic.access import ALL_ROLES, CLINICAL_ROLES, Role, roles_of


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset
    # URL prefix that marks the item as the current page.
    section: str = ""


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Home", "home", ALL_ROLES),
    NavItem("Patients", "patients:list", ALL_ROLES, section="/patients/"),
    NavItem("Day sheet", "treatments:day", ALL_ROLES, section="/treatments/day/"),
    NavItem("Week", "treatments:week", ALL_ROLES, section="/treatments/week/"),
    NavItem(
        "My schedule", "treatments:my_schedule", frozenset({Role.PRACTITIONER}), section="/treatments/my-schedule/"
    ),
    NavItem("Outcomes", "treatments:outcomes", CLINICAL_ROLES, section="/treatments/outcomes/"),
    NavItem("Staff", "staff_list", frozenset({Role.CLINIC_ADMIN}), section="/staff/"),
    # The Django admin, for the clinic's set-up only: staff accounts are managed on the Staff page.
    NavItem("Settings", "admin:index", frozenset({Role.CLINIC_ADMIN}), section="/admin/"),
)


def items_for(user, current_path: str = "") -> list[dict]:
    held = roles_of(user)
    items = []
    for item in NAV_ITEMS:
        if not (held & item.roles):
            continue
        url = reverse(item.url_name)
        active = current_path == url if not item.section else current_path.startswith(item.section)
        items.append({"label": item.label, "url": url, "active": active})
    return items
