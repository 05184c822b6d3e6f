"""`{% foot_map %}`: the foot diagram, drawn as inline SVG from patients.foot_map.

Display mode colours each region by severity:

    {% load foot_map %}{% foot_map section.latest_map caption="Latest" %}

where the map is a dict of spot ("left:heel_medial") to severity 0–10; spots
missing from it are drawn as "not recorded". `views="sole"` draws the soles
only (the section does that when nothing was recorded on the tops of the feet).

Interactive mode (the symptom form) makes each region a checkbox control that
ticks the real checkbox of the same value in the form's `spots` list
(foot_map.js does the wiring, and reveals the diagram; without the script the
list alone is shown):

    {% foot_map form.spots.value interactive=True %}

where the value is the spots chosen so far. `{% foot_map_legend %}` draws the
colour key once for all the display-mode diagrams on a page.
"""

from collections.abc import Iterable, Mapping

from django import template

from patients import foot_map as geometry
from patients.models import FOOT_SPOTS, foot_spot_label

register = template.Library()


def _views(views: str | Iterable[str] | None) -> tuple[str, ...]:
    if not views:
        return (geometry.SOLE, geometry.TOP)
    wanted = views.split(",") if isinstance(views, str) else list(views)
    chosen = tuple(view for view in (geometry.SOLE, geometry.TOP) if view in wanted)
    return chosen or (geometry.SOLE, geometry.TOP)


def _region(region: geometry.RegionShape, severity: int | None, checked: bool, interactive: bool) -> dict:
    label = foot_spot_label(region.spot)
    if interactive:
        title = label
    elif severity is None:
        title = f"{label}: not recorded"
    else:
        title = f"{label}: {severity}/10"
    return {
        "spot": region.spot,
        "path": region.path,
        "label": label,
        "title": title,
        "x": region.label_at[0],
        "y": region.label_at[1],
        "severity": severity,
        "fill": geometry.severity_colour(severity),
        "text_colour": geometry.severity_text_colour(severity),
        "checked": checked,
    }


def _drawing(drawing: geometry.FootDrawing, severities: Mapping[str, int], chosen: set, interactive: bool) -> dict:
    inner_first = drawing.inner_at[0] < drawing.outer_at[0]
    return {
        "foot": drawing.foot.label,
        "outline": drawing.outline,
        "context": drawing.context,
        "context_spot": drawing.context_spot,
        "context_fill": geometry.severity_colour(severities[drawing.context_spot])
        if drawing.context_spot in severities
        else "",
        # The colour comes from a `severity-fill-N` class (foot_map.css): CSP forbids style attributes.
        "context_severity": severities.get(drawing.context_spot),
        "context_checked": drawing.context_spot in chosen,
        "detail": drawing.detail,
        "landmarks": drawing.landmarks,
        "leg": drawing.leg,
        "name_at": drawing.name_at,
        "inner_at": drawing.inner_at,
        "inner_anchor": "start" if inner_first else "end",
        "outer_at": drawing.outer_at,
        "outer_anchor": "end" if inner_first else "start",
        "regions": [
            _region(region, severities.get(region.spot), region.spot in chosen, interactive)
            for region in drawing.regions
        ],
    }


@register.inclusion_tag("patients/_foot_map.html")
def foot_map(
    spots: Mapping[str, int] | Iterable[str] | None,
    interactive: bool = False,
    caption: str = "",
    views: str | Iterable[str] | None = None,
    field: str = "spots",
) -> dict:
    if interactive:
        chosen = set(spots.keys() if isinstance(spots, Mapping) else (spots or ()))
        severities: dict[str, int] = {}
        shown = (geometry.SOLE, geometry.TOP)
    else:
        chosen = set()
        severities = {spot: value for spot, value in dict(spots or {}).items() if spot in geometry.REGION_SHAPES}
        shown = _views(views)
    recorded = [(foot_spot_label(spot), severities[spot]) for spot in FOOT_SPOTS if spot in severities]
    summary = "; ".join(f"{label} {value} out of 10" for label, value in recorded) or "nothing recorded"
    return {
        "legend_only": False,
        "interactive": interactive,
        "caption": caption,
        "field": field,
        "view_box": geometry.view_box(shown),
        "panels": [geometry.PANEL_TITLES[view] for view in shown],
        "drawings": [_drawing(d, severities, chosen, interactive) for d in geometry.DRAWINGS if d.view in shown],
        "divider_x": geometry.PANEL_WIDTH + geometry.PANEL_GAP / 2,
        "divider_bottom": geometry.VIEW_HEIGHT - 10,
        "recorded": recorded,
        "aria_label": f"Foot diagram{f', {caption}' if caption else ''}: {summary}.",
    }


@register.inclusion_tag("patients/_foot_map.html")
def foot_map_legend() -> dict:
    """The colour key shared by the display-mode diagrams on a page (same template, legend part only)."""
    return {
        "legend_only": True,
        "steps": [
            {"value": value, "fill": colour, "text_colour": geometry.severity_text_colour(value)}
            for value, colour in enumerate(geometry.SEVERITY_COLOURS)
        ],
        "not_recorded": geometry.NOT_RECORDED_COLOUR,
    }


@register.filter
def severity_fill(severity) -> str:
    """Background colour for a severity chip, matching the diagram."""
    return geometry.severity_colour(severity)


@register.filter
def severity_ink(severity) -> str:
    """Text colour that reads on `severity_fill`."""
    return geometry.severity_text_colour(severity)
