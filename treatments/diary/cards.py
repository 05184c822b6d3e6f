"""The day sheet's appointment cards, each worked out once in Python for `_appointment_card.html`.

A busy day sheet has 150 cards. Left to the template, every card reversed five
URLs, converted three times to local time, looked up three choice labels, masked
a fresh CSRF token for each of its forms and localized every number it printed:
about a millisecond a card, four fifths of the page. Here a card is a plain dict
(the fastest thing for a template to read) of ready strings; the URLs come from
one pattern per action, the CSRF field is made once per page, and `card_html` writes the
card's markup directly (the template engine cost a third of a millisecond a card even then).
The inline cancel form, shown on one card at a time, stays a template: _appointment_cancel_form.html.
"""

from datetime import datetime
from urllib.parse import quote

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from clinic.access import Role, primary_role
from treatments.models import Appointment

# A number no appointment has, reversed once and replaced: a fraction of the cost of reverse() per card.
_PLACEHOLDER = 987654321
_ACTIONS = {
    "detail": "treatments:appointment",
    "cancel": "treatments:appointment_cancel",
    "check_in": "treatments:appointment_check_in",
    "no_show": "treatments:appointment_no_show",
    "session": "treatments:session_start",
}
# The fields card() reads (with the practitioner's, for the day sheet's column headings), for QuerySet.only().
CARD_FIELDS = (
    *("status", "kind", "starts_at", "ends_at", "checked_in_at", "cancelled_by", "cancel_reason", "late_cancellation"),
    *("patient__given_name", "patient__family_name", "patient__preferred_name", "patient__mrn"),
    *("practitioner__username", "practitioner__first_name", "practitioner__last_name"),
    *("practitioner__professional_title", "location__name", "plan__sessions_planned"),
)
_STATUS_LABELS = dict(Appointment.Status.choices)
_KIND_LABELS = dict(Appointment.Kind.choices)
_CANCELLED_BY_LABELS = dict(Appointment.CancelledBy.choices)


class CardMaker:
    """Makes the cards of one page: what is the same for every card is worked out once, here."""

    def __init__(self, request: HttpRequest, *, next_url: str, now: datetime | None = None):
        self.now = now or timezone.now()
        self.next_url = next_url
        self.next_query = f"?next={quote(next_url, safe='/')}"
        self.next_url_escaped, self.next_query_escaped = escape(self.next_url), escape(self.next_query)
        # The same field {% csrf_token %} writes; one token serves every form of the page.
        self.csrf_input = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))
        # Who opens a session from a checked-in card: the role the navigation shows (clinic.context_processors).
        self.opens_sessions = primary_role(request.user) == Role.PRACTITIONER
        self._url_parts = {}
        for key, name in _ACTIONS.items():
            head, tail = escape(reverse(name, args=[_PLACEHOLDER])).split(str(_PLACEHOLDER))
            self._url_parts[key] = (head, tail)

    def _url(self, key: str, pk: int) -> str:
        head, tail = self._url_parts[key]
        return f"{head}{pk}{tail}"

    def card(self, appointment: Appointment) -> dict:
        """Everything the card shows, as escaped text; `appointment` needs with_schedule_details()."""
        pk = appointment.pk
        starts, ends = timezone.localtime(appointment.starts_at), timezone.localtime(appointment.ends_at)
        actions = appointment.allowed_actions(self.now)
        patient = appointment.patient
        status = appointment.status
        session = ""
        if appointment.plan_id:
            session = (
                f"Session {appointment.session_number} of {appointment.plan.sessions_planned}"
                if appointment.session_number
                else "Plan session, not counted"
            )
        cancelled_by = _CANCELLED_BY_LABELS.get(appointment.cancelled_by, appointment.cancelled_by).lower()
        return {
            "pk": str(pk),
            "status": escape(status),
            "status_label": escape(_STATUS_LABELS.get(status, status)),
            "kind_label": escape(_KIND_LABELS.get(appointment.kind, appointment.kind)),
            "starts_iso": starts.isoformat(),
            "starts": f"{starts:%H:%M}",
            "ends": f"{ends:%H:%M}",
            "patient_name": escape(patient.display_name),
            "mrn": escape(patient.mrn),
            "session": session,
            "cancelled": status == Appointment.Status.CANCELLED,
            "cancelled_by": escape(cancelled_by),
            "cancel_reason": escape(appointment.cancel_reason),
            "late_cancellation": appointment.late_cancellation,
            "checked_in": status == Appointment.Status.CHECKED_IN,
            "arrived": f"{timezone.localtime(appointment.checked_in_at):%H:%M}" if appointment.checked_in_at else "",
            "completed": status == Appointment.Status.COMPLETED,
            "can_check_in": actions.check_in,
            "can_no_show": actions.no_show,
            "can_cancel": actions.cancel,
            "has_actions": actions.check_in or actions.no_show or actions.cancel,
            "detail_url": self._url("detail", pk),
            "cancel_url": self._url("cancel", pk),
            "check_in_url": self._url("check_in", pk),
            "no_show_url": self._url("no_show", pk),
            "session_url": self._url("session", pk),
        }

    def html(self, appointment: Appointment) -> SafeString:
        return self.card_html(self.card(appointment))

    def card_html(
        self, card: dict, *, notice: str = "", notice_ok: bool = True, cancel_form_html: str = ""
    ) -> SafeString:
        """One card's <article>: every action a real form or link (works without JavaScript); htmx swaps the
        whole card for the server's updated copy. `cancel_form_html` replaces the buttons with the cancel form.

        Plain f-strings, for speed: every text in `card` is escaped already (card()); the URLs hold only
        path characters and digits, and the `next` address is escaped here once per page.
        """
        pk, name = card["pk"], card["patient_name"]
        target = f"#appointment-{pk}"
        shown_name = f"<s>{name}</s>" if card["cancelled"] else name
        parts = [
            f'<article class="appt-card appt-{card["status"]}" id="appointment-{pk}" tabindex="-1" '
            f'aria-labelledby="appointment-{pk}-title" data-testid="appointment-card">'
            f'<div class="appt-top"><p class="appt-time"><time datetime="{card["starts_iso"]}">{card["starts"]}</time>'
            f'–{card["ends"]}</p><span class="status-badge status-{card["status"]}" data-testid="status">'
            f"{card['status_label']}</span></div>"
            f'<p class="appt-patient" id="appointment-{pk}-title"><a href="{card["detail_url"]}">{shown_name}</a></p>'
            f'<p class="appt-meta"><span class="mrn">MRN {card["mrn"]}</span> · {card["kind_label"]}</p>'
        ]
        if card["session"]:
            parts.append(f'<p class="appt-session">{card["session"]}</p>')
        if card["cancelled"]:
            reason = f": {card['cancel_reason']}" if card["cancel_reason"] else ""
            parts.append(f'<p class="appt-note">Cancelled by the {card["cancelled_by"]}{reason}</p>')
            if card["late_cancellation"]:
                parts.append('<p class="appt-flag"><span class="flag-late">Late cancellation</span></p>')
        elif card["checked_in"] and card["arrived"]:
            parts.append(f'<p class="appt-note">Arrived {card["arrived"]}</p>')
        if card["completed"]:
            parts.append('<p class="appt-note" data-testid="session-recorded">Session recorded</p>')
        if notice:
            kind, role = ("is-ok", "status") if notice_ok else ("is-error", "alert")
            parts.append(format_html('<p class="appt-notice {}" role="{}">{}</p>', kind, role, notice))
        if cancel_form_html:
            parts.append(cancel_form_html)
        elif card["has_actions"]:
            parts.append('<div class="appt-actions">')
            for action, label, style, hidden in (
                ("check_in", "Check in", "btn-primary", f" {name}"),
                ("no_show", "No-show", "btn-outline-secondary", f": {name}"),
            ):
                if card[f"can_{action}"]:
                    url = card[f"{action}_url"]
                    parts.append(
                        f'<form method="post" action="{url}" hx-post="{url}" hx-target="{target}" hx-swap="outerHTML">'
                        f'{self.csrf_input}<input type="hidden" name="next" value="{self.next_url_escaped}">'
                        f'<button type="submit" class="btn btn-sm {style}">{label}'
                        f'<span class="visually-hidden">{hidden}</span></button></form>'
                    )
            if card["can_cancel"]:
                url = f"{card['cancel_url']}{self.next_query_escaped}"
                parts.append(
                    f'<a class="btn btn-sm btn-outline-danger" href="{url}" hx-get="{url}" hx-target="{target}" '
                    f'hx-swap="outerHTML">Cancel<span class="visually-hidden"> {name}\'s appointment</span></a>'
                )
            parts.append("</div>")
        if card["checked_in"] and self.opens_sessions:
            parts.append(
                f'<div class="appt-actions"><a class="btn btn-sm btn-primary" href="{card["session_url"]}">Open session'
                f'<span class="visually-hidden"> for {name}</span></a></div>'
            )
        parts.append("</article>")
        return mark_safe("".join(parts))  # noqa: S308 (every text escaped in card(), the rest is ours)

    def context(self) -> dict:
        """What the cancel form's template needs from the page."""
        return {"next_url": self.next_url, "next_query": self.next_query}
