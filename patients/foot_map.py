"""Geometry of the foot diagram: every region of both feet, in one place.

The diagram shows two panels side by side in one SVG:

* **Soles**, as the practitioner sees them facing a patient lying on their
  back: the patient's right foot is on the viewer's left, big toes towards
  the middle (the anatomical "plantar view", toes up).
* **Tops of the feet**, as the patient sees them looking down: left foot on
  the left, big toes towards the middle (the "dorsal view").

So in both panels the inner (medial) side of each foot faces the middle of
the panel and the outer side faces the edge; the drawing labels both, so
nobody has to remember the convention.

Only the right foot is drawn by hand, in a local box `FOOT_WIDTH` by
`FOOT_HEIGHT`; the left foot is its mirror image. Outlines are smooth
Catmull-Rom curves through a few anchor points, turned into cubic Béziers.
Regions share anchors, so neighbouring regions meet exactly, with no gaps
or overlaps. Everything here is computed once, at import.
"""

import math
from dataclasses import dataclass

from patients.models import FootRegion, Side

Point = tuple[float, float]

FOOT_WIDTH = 110
FOOT_HEIGHT = 270
# Where each foot's local box sits in the diagram, and the diagram's size.
FOOT_TOP = 66
PANEL_WIDTH = 300
PANEL_GAP = 20
VIEW_WIDTH = 2 * PANEL_WIDTH + PANEL_GAP
VIEW_HEIGHT = FOOT_TOP + FOOT_HEIGHT + 32
_FOOT_MARGIN = 20  # from the panel edge to the outer side of each foot

SOLE = "sole"
TOP = "top"
VIEWS = {SOLE: "Soles", TOP: "Tops of the feet"}
VIEW_HINTS = {SOLE: "as you face the patient's soles", TOP: "as the patient looks down at them"}
REGIONS_BY_VIEW = {
    SOLE: (
        FootRegion.TOES,
        FootRegion.BALL,
        FootRegion.ARCH,
        FootRegion.HEEL_MEDIAL,
        FootRegion.HEEL_CENTRAL,
        FootRegion.HEEL_LATERAL,
    ),
    TOP: (FootRegion.TOP, FootRegion.ANKLE),
}


# ---------------------------------------------------------------------------
# Curves
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cubic:
    start: Point
    control1: Point
    control2: Point
    end: Point

    def reversed(self) -> "Cubic":
        return Cubic(self.end, self.control2, self.control1, self.start)


def _catmull_rom(points: list[Point], *, closed: bool) -> list[Cubic]:
    """Smooth curve through every point (uniform Catmull-Rom, as Béziers)."""
    count = len(points)
    segments = []
    last = count if closed else count - 1
    for index in range(last):
        p0 = points[(index - 1) % count] if closed or index > 0 else points[0]
        p1 = points[index]
        p2 = points[(index + 1) % count]
        p3 = points[(index + 2) % count] if closed or index + 2 < count else points[-1]
        control1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        control2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        segments.append(Cubic(p1, control1, control2, p2))
    return segments


def _ellipse(centre: Point, rx: float, ry: float, degrees: float = 0) -> list[Cubic]:
    """An ellipse as four quarter arcs, clockwise from its top: top, right, bottom, left."""
    kappa = 0.5523  # control-point distance that makes a quarter circle
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)

    def at(x: float, y: float) -> Point:
        return (centre[0] + x * cos - y * sin, centre[1] + x * sin + y * cos)

    top, right, bottom, left = (0, -ry), (rx, 0), (0, ry), (-rx, 0)
    quarters = [
        (top, (kappa * rx, -ry), (rx, -kappa * ry), right),
        (right, (rx, kappa * ry), (kappa * rx, ry), bottom),
        (bottom, (-kappa * rx, ry), (-rx, kappa * ry), left),
        (left, (-rx, -kappa * ry), (-kappa * rx, -ry), top),
    ]
    return [Cubic(at(*a), at(*b), at(*c), at(*d)) for a, b, c, d in quarters]


class _Outline:
    """A closed smooth curve through named anchors; regions borrow stretches of it."""

    def __init__(self, anchors: list[tuple[str, Point]]):
        self.names = [name for name, _ in anchors]
        self.segments = _catmull_rom([point for _, point in anchors], closed=True)

    def point(self, name: str) -> Point:
        return self.segments[self.names.index(name)].start

    def stretch(self, start: str, end: str) -> list[Cubic]:
        """The curve from one named anchor to another, going forwards (clockwise)."""
        first, last = self.names.index(start), self.names.index(end)
        count = len(self.segments)
        steps = (last - first) % count or count
        return [self.segments[(first + step) % count] for step in range(steps)]


def _chain(*points: Point) -> list[Cubic]:
    return _catmull_rom(list(points), closed=False)


def _back(segments: list[Cubic]) -> list[Cubic]:
    return [segment.reversed() for segment in reversed(segments)]


def _line(start: Point, end: Point) -> list[Cubic]:
    return [Cubic(start, start, end, end)]


# A shape is a list of closed loops, each a list of Béziers end to end.
Shape = list[list[Cubic]]


# ---------------------------------------------------------------------------
# The right foot, in its local box (x 0–110, y 0–270, toes at the top)
# ---------------------------------------------------------------------------

# Toe pads as (centre, rx, ry, tilt in degrees), big toe first. On the sole of
# the right foot the big toe is on the right (the inner side faces the middle).
_SOLE_TOES = (
    ((87.0, 39.0), 14.0, 21.5, -4),
    ((63.0, 45.0), 8.6, 18.5, -2),
    ((45.5, 50.5), 8.0, 17.0, 5),
    ((30.0, 57.5), 7.4, 14.0, 12),
    ((16.5, 64.0), 6.4, 10.0, 26),
)

_SOLE = _Outline(
    [
        ("ball_top_inner", (99.0, 63.0)),
        ("", (105.0, 84.0)),
        ("ball_arch_inner", (102.0, 120.0)),
        ("", (93.5, 146.0)),
        ("", (86.0, 169.0)),
        ("arch_heel_inner", (85.5, 194.0)),
        ("", (88.0, 222.0)),
        ("", (80.0, 251.0)),
        ("heel_bottom", (52.0, 266.0)),
        ("", (26.0, 256.0)),
        ("", (16.0, 228.0)),
        ("arch_heel_outer", (16.5, 195.0)),
        ("", (12.5, 161.0)),
        ("ball_arch_outer", (7.0, 129.0)),
        ("", (4.0, 101.0)),
        ("ball_top_outer", (8.5, 76.0)),
        ("", (28.0, 71.5)),
        ("", (55.0, 68.0)),
        ("", (80.0, 64.5)),
    ]
)
_HEEL_PAD = _ellipse((52.0, 229.0), 12.5, 20.0)  # top, right, bottom, left quarters
_HEEL_SPLIT = (52.0, 198.0)  # where the heel's centre line meets the arch


def _sole_regions() -> dict[FootRegion, Shape]:
    o = _SOLE
    ball_arch = _chain(o.point("ball_arch_inner"), (55.0, 128.5), o.point("ball_arch_outer"))
    arch_heel_inner = _chain(o.point("arch_heel_inner"), (70.0, 197.5), _HEEL_SPLIT)
    arch_heel_outer = _chain(_HEEL_SPLIT, (34.0, 198.0), o.point("arch_heel_outer"))
    pad_top, pad_right, pad_bottom, pad_left = _HEEL_PAD
    pad_top_point, pad_bottom_point = pad_top.start, pad_bottom.start
    heel_bottom = o.point("heel_bottom")
    return {
        FootRegion.TOES: [_ellipse(centre, rx, ry, tilt) for centre, rx, ry, tilt in _SOLE_TOES],
        FootRegion.BALL: [
            o.stretch("ball_top_inner", "ball_arch_inner") + ball_arch + o.stretch("ball_arch_outer", "ball_top_inner")
        ],
        FootRegion.ARCH: [
            o.stretch("ball_arch_inner", "arch_heel_inner")
            + arch_heel_inner
            + arch_heel_outer
            + o.stretch("arch_heel_outer", "ball_arch_outer")
            + _back(ball_arch)
        ],
        FootRegion.HEEL_MEDIAL: [
            o.stretch("arch_heel_inner", "heel_bottom")
            + _line(heel_bottom, pad_bottom_point)
            + _back([pad_top, pad_right])
            + _line(pad_top_point, _HEEL_SPLIT)
            + _back(arch_heel_inner)
        ],
        FootRegion.HEEL_CENTRAL: [list(_HEEL_PAD)],
        FootRegion.HEEL_LATERAL: [
            _line(_HEEL_SPLIT, pad_top_point)
            + _back([pad_bottom, pad_left])
            + _line(pad_bottom_point, heel_bottom)
            + o.stretch("heel_bottom", "arch_heel_outer")
            + _back(arch_heel_outer)
        ],
    }


_SOLE_LABEL_AT = {
    FootRegion.TOES: (87.5, 38.0),
    FootRegion.BALL: (56.0, 98.0),
    FootRegion.ARCH: (48.0, 162.0),
    FootRegion.HEEL_MEDIAL: (76.0, 229.0),
    FootRegion.HEEL_CENTRAL: (52.0, 230.0),
    FootRegion.HEEL_LATERAL: (28.0, 229.0),
}

# From above, the right foot's big toe is on the left.
_TOP_TOES = tuple(((FOOT_WIDTH - x, y + 4.0), rx, ry * 0.95, -tilt) for (x, y), rx, ry, tilt in _SOLE_TOES)

_TOP = _Outline(
    [
        ("top_toe_inner", (11.0, 64.0)),
        ("", (30.0, 63.0)),
        ("", (55.0, 66.0)),
        ("", (80.0, 70.0)),
        ("top_toe_outer", (101.0, 78.0)),
        ("", (104.0, 104.0)),
        ("", (96.0, 140.0)),
        ("", (86.0, 172.0)),
        ("top_ankle_outer", (82.0, 194.0)),
        ("", (90.0, 222.0)),
        ("leg_outer", (81.0, 246.0)),
        ("ankle_bottom", (52.0, 251.0)),
        ("leg_inner", (23.5, 246.0)),
        ("", (15.0, 214.0)),
        ("top_ankle_inner", (22.0, 192.0)),
        ("", (17.0, 160.0)),
        ("", (8.5, 124.0)),
        ("", (5.0, 92.0)),
    ]
)


def _top_regions() -> dict[FootRegion, Shape]:
    o = _TOP
    crease = _chain(o.point("top_ankle_outer"), (52.0, 184.0), o.point("top_ankle_inner"))
    return {
        FootRegion.TOP: [
            o.stretch("top_toe_inner", "top_ankle_outer") + crease + o.stretch("top_ankle_inner", "top_toe_inner")
        ],
        FootRegion.ANKLE: [o.stretch("top_ankle_outer", "top_ankle_inner") + _back(crease)],
    }


_TOP_LABEL_AT = {FootRegion.TOP: (55.0, 128.0), FootRegion.ANKLE: (52.0, 223.0)}


def _top_context() -> Shape:
    """Toes and nails drawn for orientation on the top view: not something to choose."""
    loops = []
    for (x, y), rx, ry, tilt in _TOP_TOES:
        loops.append(_ellipse((x, y), rx, ry, tilt))
    return loops


def _top_nails() -> Shape:
    loops = []
    for (x, y), rx, ry, tilt in _TOP_TOES:
        # The nail sits near the tip, following the toe's tilt.
        angle = math.radians(tilt)
        shift = ry * 0.42
        centre = (x + shift * math.sin(angle), y - shift * math.cos(angle))
        loops.append(_ellipse(centre, rx * 0.58, ry * 0.3, tilt))
    return loops


def _ankle_bones() -> Shape:
    """The two ankle knobs (malleoli): the inner one sits higher than the outer."""
    return [_ellipse((23.5, 213.0), 4.5, 7.5, -8), _ellipse((83.0, 223.0), 4.0, 7.0, 8)]


_SHIN_INNER = _chain((23.5, 246.0), (25.0, 258.0), (27.0, 272.0))
_SHIN_OUTER = _chain((81.0, 246.0), (79.5, 258.0), (77.5, 272.0))


def _shin_edges() -> Shape:
    """The shin going on below the ankle: two open strokes, so the foot reads as a foot."""
    return [_SHIN_INNER, _SHIN_OUTER]


# ---------------------------------------------------------------------------
# Placing both feet in the diagram
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where one foot's local box goes, and whether it is mirrored."""

    x: float
    mirrored: bool

    def apply(self, point: Point) -> Point:
        x, y = point
        return (self.x + (FOOT_WIDTH - x if self.mirrored else x), FOOT_TOP + y)

    def inner_is_right(self, view: str) -> bool:
        """Whether the foot's inner side is on the right of its box, as drawn."""
        native_inner_right = view == SOLE
        return native_inner_right != self.mirrored


def panel_left(view: str) -> float:
    return 0 if view == SOLE else PANEL_WIDTH + PANEL_GAP


def view_box(views: tuple[str, ...] = (SOLE, TOP)) -> str:
    """The SVG viewBox showing the given panels (both, or just one of them)."""
    left = min(panel_left(view) for view in views)
    right = max(panel_left(view) for view in views) + PANEL_WIDTH
    return f"{_fmt(left)} 0 {_fmt(right - left)} {VIEW_HEIGHT}"


def _placement(view: str, foot: Side) -> Placement:
    panel_x = panel_left(view)
    left_box = panel_x + _FOOT_MARGIN
    right_box = panel_x + PANEL_WIDTH - _FOOT_MARGIN - FOOT_WIDTH
    if view == SOLE:
        # Facing the soles: the patient's right foot is on the viewer's left. Only the right
        # foot is drawn by hand, so the left sole is its mirror image.
        return Placement(left_box, False) if foot == Side.RIGHT else Placement(right_box, True)
    # From above: left on the left. The hand-drawn right top has its big toe on the left,
    # so the left top (mirrored) has it on the right, both facing the middle.
    return Placement(left_box, True) if foot == Side.LEFT else Placement(right_box, False)


def _fmt(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _path_data(shape: Shape, placement: Placement, *, closed: bool = True) -> str:
    parts = []
    for loop in shape:
        start = placement.apply(loop[0].start)
        parts.append(f"M{_fmt(start[0])} {_fmt(start[1])}")
        for segment in loop:
            if segment.control1 == segment.start and segment.control2 == segment.end:
                end = placement.apply(segment.end)
                parts.append(f"L{_fmt(end[0])} {_fmt(end[1])}")
                continue
            points = [placement.apply(p) for p in (segment.control1, segment.control2, segment.end)]
            parts.append("C" + " ".join(f"{_fmt(x)} {_fmt(y)}" for x, y in points))
        if closed:
            parts.append("Z")
    return "".join(parts)


@dataclass(frozen=True)
class RegionShape:
    spot: str  # e.g. "left:heel_medial", one of patients.models.FOOT_SPOTS
    foot: Side
    region: FootRegion
    view: str
    path: str  # SVG path data in diagram coordinates
    label_at: Point  # where a severity number or tick is written


@dataclass(frozen=True)
class FootDrawing:
    """One foot in one view: its regions plus what is drawn only for orientation."""

    foot: Side
    view: str
    outline: str
    context: str  # toes seen from above: drawn behind the regions, not a region of their own
    context_spot: str  # ...but they are the same toes as on the sole, so they show (and pick) that spot
    detail: str  # toenails, drawn over the toes
    landmarks: str  # ankle knobs: faint lines over the regions, so clicks pass through
    leg: str  # open strokes for the shin below the ankle (top view only)
    regions: tuple[RegionShape, ...]
    name_at: Point  # where "Left"/"Right" is written
    inner_at: Point
    outer_at: Point


def _drawing(view: str, foot: Side) -> FootDrawing:
    placement = _placement(view, foot)
    if view == SOLE:
        shapes, label_at, outline = _sole_regions(), _SOLE_LABEL_AT, _SOLE
        context, detail, landmarks = [], [], []
        outline_loops = [outline.segments, *(_ellipse(c, rx, ry, tilt) for c, rx, ry, tilt in _SOLE_TOES)]
    else:
        shapes, label_at, outline = _top_regions(), _TOP_LABEL_AT, _TOP
        context, detail, landmarks = _top_context(), _top_nails(), _ankle_bones()
        # Open at the back: the shin carries on below the ankle.
        outline_loops = [outline.stretch("leg_inner", "leg_outer")]
    regions = tuple(
        RegionShape(
            spot=f"{foot.value}:{region.value}",
            foot=foot,
            region=region,
            view=view,
            path=_path_data(shapes[region], placement),
            label_at=tuple(round(v, 1) for v in placement.apply(label_at[region])),
        )
        for region in REGIONS_BY_VIEW[view]
    )
    inner_right = placement.inner_is_right(view)
    bottom = FOOT_TOP + FOOT_HEIGHT + 24
    left_edge, right_edge = placement.x + 4, placement.x + FOOT_WIDTH - 4
    return FootDrawing(
        foot=foot,
        view=view,
        outline=_path_data(outline_loops, placement, closed=view == SOLE),
        leg=_path_data(_shin_edges(), placement, closed=False) if view == TOP else "",
        context=_path_data(context, placement) if context else "",
        context_spot=f"{foot.value}:{FootRegion.TOES.value}" if context else "",
        detail=_path_data(detail, placement) if detail else "",
        landmarks=_path_data(landmarks, placement) if landmarks else "",
        regions=regions,
        name_at=(placement.x + FOOT_WIDTH / 2, FOOT_TOP - 12),
        inner_at=(right_edge if inner_right else left_edge, bottom),
        outer_at=(left_edge if inner_right else right_edge, bottom),
    )


def _all_drawings() -> tuple[FootDrawing, ...]:
    order = {SOLE: (Side.RIGHT, Side.LEFT), TOP: (Side.LEFT, Side.RIGHT)}
    return tuple(_drawing(view, foot) for view in (SOLE, TOP) for foot in order[view])


DRAWINGS: tuple[FootDrawing, ...] = _all_drawings()
REGION_SHAPES: dict[str, RegionShape] = {region.spot: region for d in DRAWINGS for region in d.regions}
PANEL_TITLES = {view: (VIEWS[view], VIEW_HINTS[view], panel_left(view) + PANEL_WIDTH / 2) for view in (SOLE, TOP)}


# ---------------------------------------------------------------------------
# Severity colours
# ---------------------------------------------------------------------------

# 0–10, light to dark: ColorBrewer's YlOrRd, stretched to eleven steps. A single
# sequential ramp changes lightness all the way, so it reads in greyscale and for
# every common colour-vision deficiency; the number is written on each region too.
SEVERITY_COLOURS = (
    "#ffffcc",
    "#fff1a9",
    "#fee187",
    "#fec965",
    "#feab49",
    "#fd8d3c",
    "#fc5b2e",
    "#ed2f22",
    "#d41020",
    "#b10026",
    "#800026",
)
NOT_RECORDED_COLOUR = "#e6ecea"
# From this severity on the fill is dark enough to need white numbers (contrast 4.5:1 or more).
WHITE_TEXT_FROM = 8


def severity_colour(severity: int | None) -> str:
    if severity is None:
        return NOT_RECORDED_COLOUR
    return SEVERITY_COLOURS[max(0, min(10, int(severity)))]


def severity_text_colour(severity: int | None) -> str:
    return "#ffffff" if severity is not None and severity >= WHITE_TEXT_FROM else "#000000"
