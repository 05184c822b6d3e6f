"""{% foot_map severities %}: the foot diagram, coloured by severity or as a picker.

Geometry comes from patients.foot_map; this tag only decides colours and labels.
"""

from django import template

from patients import foot_map as geometry
from patients.models import foot_spot_label

register = template.Library()

# A sequential, colour-blind-safe scale (light yellow to deep red) for severities 0–10.
SEVERITY_COLOURS = (
    "#fff7d6",
    "#ffeda0",
    "#fed976",
    "#feb24c",
    "#fd8d3c",
    "#fc6a32",
    "#f03b20",
    "#e31a1c",
    "#c4001f",
    "#a50026",
    "#800026",
)
UNRECORDED = "#ffffff"


def severity_colour(severity: int | None) -> str:
    if severity is None:
        return UNRECORDED
    return SEVERITY_COLOURS[max(0, min(10, int(severity)))]


def text_colour(severity: int | None) -> str:
    return "#ffffff" if severity is not None and severity >= 6 else "#1b2a27"


@register.inclusion_tag("patients/_foot_map.html")
def foot_map(severities=None, *, interactive=False, caption="Foot diagram", map_id="foot-map"):
    severities = severities or {}
    drawings = []
    for drawing in geometry.DRAWINGS:
        regions = []
        for region in drawing.regions:
            severity = severities.get(region.spot)
            regions.append(
                {
                    "shape": region,
                    "label": foot_spot_label(region.spot),
                    "severity": severity,
                    "fill": UNRECORDED if interactive else severity_colour(severity),
                    "text": text_colour(severity),
                }
            )
        drawings.append({"drawing": drawing, "regions": regions})
    recorded = [
        (foot_spot_label(spot), severity)
        for spot in geometry.REGION_SHAPES
        if (severity := severities.get(spot)) is not None
    ]
    return {
        "drawings": drawings,
        "panels": geometry.PANEL_TITLES,
        "view_width": geometry.VIEW_WIDTH,
        "view_height": geometry.VIEW_HEIGHT,
        "interactive": interactive,
        "caption": caption,
        "map_id": map_id,
        "recorded": sorted(recorded, key=lambda item: -item[1]),
        "legend": [(value, colour) for value, colour in enumerate(SEVERITY_COLOURS)],
    }


@register.filter
def severity_fill(severity) -> str:
    return severity_colour(severity)
