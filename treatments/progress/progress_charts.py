"""Charts the progress pages draw on the server: plain SVG, no JavaScript.

A pain chart puts each signed session on the x axis (its number, with the date
under some of them) and pain on the 0–10 VAS on the y axis. It draws one line
per series (before and after needling), the patient's baseline, a shaded band
for the scores that count as meaningful relief under the rule in force, and a
labelled vertical marker at the session where relief was first reached.

Every series differs by colour *and* by line pattern and marker shape, so the
chart reads in greyscale. Each SVG is `role="img"` with a <title>, and points
screen readers at the data table beside it (`aria-describedby`), which holds
every number the chart shows. All text is escaped here; the markup returned is
safe to insert as it is. The drawing is in viewBox units, so it scales with its
container; the sizes below are chosen to stay legible from 700 px wide.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from treatments.progress.plan_progress import PlanProgress

# The drawing area, in viewBox units.
WIDTH, HEIGHT = 720, 330
LEFT, RIGHT = 60, WIDTH - 92  # room for the y labels on the left, the line labels on the right
TOP, BOTTOM = 58, HEIGHT - 58  # room for the legend above, the session numbers and dates below
EDGE_PAD = 18  # keeps the first and last sessions off the axes
FONT_SIZE = 13
VAS_MAX = 10
GRIDLINES = (0, 2, 4, 6, 8, 10)
# At most this many session numbers and dates under the axis; more would overlap.
MAX_NUMBER_LABELS, MAX_DATE_LABELS = 20, 8

INK = "#14302c"
MUTED = "#4d6661"
GRID = "#dfe7e5"
BASELINE_COLOUR = "#4d5a56"
BAND_FILL = "#2e7d32"
BAND_EDGE = "#2e7d32"


@dataclass(frozen=True)
class Style:
    colour: str
    dash: str  # an SVG stroke-dasharray; "" draws a solid line
    marker: str  # circle, square, diamond or triangle
    filled: bool


FIRST_STEP_BEFORE = Style("#1f6f66", "", "circle", True)
FIRST_STEP_AFTER = Style("#9a4a00", "7 4", "square", False)
AVERAGE_BEFORE = Style("#3b4aa8", "", "diamond", True)
AVERAGE_AFTER = Style("#a0317a", "2 3", "triangle", False)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[Decimal | None]
    style: Style


@dataclass(frozen=True)
class Tick:
    number: int
    day: date


@dataclass(frozen=True)
class Chart:
    heading: str
    svg: SafeString


def _n(value: float) -> str:
    """A coordinate, short: 12.0 as '12', 12.345 as '12.3'."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _score(value: Decimal | float) -> str:
    return f"{Decimal(value):.1f}"


def _day(day: date) -> str:
    return f"{day:%b} {day.day}"


def _y(value: Decimal | float) -> float:
    return BOTTOM - (float(value) / VAS_MAX) * (BOTTOM - TOP)


def _x_positions(count: int) -> list[float]:
    if count == 1:
        return [(LEFT + RIGHT) / 2]
    span = RIGHT - LEFT - 2 * EDGE_PAD
    return [LEFT + EDGE_PAD + index * span / (count - 1) for index in range(count)]


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    # Close enough for a sans-serif face; used only to lay out the legend and avoid collisions.
    return len(text) * size * 0.56


def _marker(shape: str, x: float, y: float, style: Style, size: float = 5) -> str:
    fill = style.colour if style.filled else "#fff"
    common = f'fill="{fill}" stroke="{style.colour}" stroke-width="2"'
    if shape == "circle":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(size)}" {common}/>'
    if shape == "square":
        side = size * 1.7
        return f'<rect x="{_n(x - side / 2)}" y="{_n(y - side / 2)}" width="{_n(side)}" height="{_n(side)}" {common}/>'
    if shape == "diamond":
        d = size * 1.35
        points = f"{_n(x)},{_n(y - d)} {_n(x + d)},{_n(y)} {_n(x)},{_n(y + d)} {_n(x - d)},{_n(y)}"
        return f'<polygon points="{points}" {common}/>'
    d = size * 1.3  # triangle
    points = f"{_n(x)},{_n(y - d)} {_n(x + d)},{_n(y + d * 0.8)} {_n(x - d)},{_n(y + d * 0.8)}"
    return f'<polygon points="{points}" {common}/>'


def _segments(xs: Sequence[float], values: Sequence[Decimal | None]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive recorded values: a missing score leaves a gap in the line."""
    runs, current = [], []
    for x, value in zip(xs, values, strict=True):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((x, _y(value)))
    if current:
        runs.append(current)
    return runs


def _series(xs: Sequence[float], series: Series) -> list[str]:
    style = series.style
    # Smaller markers when sessions crowd together, so the line between them still shows.
    size = 5 if len(xs) <= 16 else 3.5
    dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
    parts = [f'<g class="chart-series" data-series="{escape(series.label)}">']
    for run in _segments(xs, series.values):
        if len(run) > 1:
            points = " ".join(f"{_n(x)},{_n(y)}" for x, y in run)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{style.colour}" stroke-width="2.5"'
                f' stroke-linejoin="round"{dash}/>'
            )
    for x, value in zip(xs, series.values, strict=True):
        if value is not None:
            parts.append(_marker(style.marker, x, _y(value), style, size=size))
    parts.append("</g>")
    return parts


def _legend(series: Sequence[Series], *, baseline: bool, band: bool) -> list[str]:
    entries: list[tuple[str, str]] = []
    for item in series:
        style = item.style
        dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
        line = f'<line x1="0" y1="0" x2="28" y2="0" stroke="{style.colour}" stroke-width="2.5"{dash}/>'
        entries.append((line + _marker(style.marker, 14, 0, style, size=4.5), item.label))
    if baseline:
        entries.append(
            (
                f'<line x1="0" y1="0" x2="28" y2="0" stroke="{BASELINE_COLOUR}" stroke-width="2"'
                ' stroke-dasharray="9 3 2 3"/>',
                "Baseline",
            )
        )
    if band:
        entries.append(
            (
                f'<rect x="0" y="-7" width="28" height="14" fill="{BAND_FILL}" fill-opacity="0.14"'
                f' stroke="{BAND_EDGE}" stroke-opacity="0.7" stroke-dasharray="3 2"/>',
                "Meaningful relief",
            )
        )
    parts = ['<g class="chart-legend">']
    x, y = LEFT, 18
    for sample, label in entries:
        width = 36 + _text_width(label) + 22
        if x + width > WIDTH and x > LEFT:
            x, y = LEFT, y + 22
        parts.append(f'<g transform="translate({_n(x)} {_n(y)})">{sample}')
        parts.append(f'<text x="36" y="0" dominant-baseline="central" fill="{INK}">{escape(label)}</text></g>')
        x += width
    parts.append("</g>")
    return parts


def _axes(ticks: Sequence[Tick], xs: Sequence[float], *, y_label: str, x_label: str) -> list[str]:
    parts = ['<g class="chart-axes">']
    for value in GRIDLINES:
        y = _y(value)
        parts.append(f'<line x1="{LEFT}" y1="{_n(y)}" x2="{RIGHT}" y2="{_n(y)}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(
            f'<text x="{LEFT - 10}" y="{_n(y)}" text-anchor="end" dominant-baseline="central" fill="{MUTED}">'
            f"{value}</text>"
        )
    parts.append(f'<line x1="{LEFT}" y1="{BOTTOM}" x2="{RIGHT}" y2="{BOTTOM}" stroke="{MUTED}" stroke-width="1.5"/>')
    middle = (TOP + BOTTOM) / 2
    parts.append(
        f'<text x="16" y="{_n(middle)}" text-anchor="middle" fill="{MUTED}" transform="rotate(-90 16 {_n(middle)})">'
        f"{escape(y_label)}</text>"
    )
    number_step = math.ceil(len(ticks) / MAX_NUMBER_LABELS) if ticks else 1
    date_step = math.ceil(len(ticks) / MAX_DATE_LABELS) if ticks else 1
    for index, (tick, x) in enumerate(zip(ticks, xs, strict=True)):
        parts.append(f'<line x1="{_n(x)}" y1="{BOTTOM}" x2="{_n(x)}" y2="{BOTTOM + 5}" stroke="{MUTED}"/>')
        if index % number_step == 0:
            parts.append(f'<text x="{_n(x)}" y="{BOTTOM + 19}" text-anchor="middle" fill="{INK}">{tick.number}</text>')
        if index % date_step == 0:
            parts.append(
                f'<text x="{_n(x)}" y="{BOTTOM + 35}" text-anchor="middle" fill="{MUTED}" font-size="{FONT_SIZE - 1}">'
                f"{escape(_day(tick.day))}</text>"
            )
    parts.append(
        f'<text x="{_n((LEFT + RIGHT) / 2)}" y="{HEIGHT - 4}" text-anchor="middle" fill="{MUTED}">'
        f"{escape(x_label)}</text>"
    )
    parts.append("</g>")
    return parts


def _right_label(y: float, text: str, colour: str) -> str:
    return (
        f'<text x="{RIGHT + 8}" y="{_n(y)}" dominant-baseline="central" fill="{colour}" font-size="{FONT_SIZE - 1}">'
        f"{escape(text)}</text>"
    )


def _band_and_baseline(baseline: Decimal | None, relief_line: Decimal | None) -> list[str]:
    parts = []
    baseline_y = _y(baseline) if baseline is not None else None
    if relief_line is not None:
        top = _y(min(relief_line, VAS_MAX))
        parts.append(
            f'<rect class="relief-band" x="{LEFT}" y="{_n(top)}" width="{RIGHT - LEFT}" height="{_n(BOTTOM - top)}"'
            f' fill="{BAND_FILL}" fill-opacity="0.09"/>'
        )
        parts.append(
            f'<line x1="{LEFT}" y1="{_n(top)}" x2="{RIGHT}" y2="{_n(top)}" stroke="{BAND_EDGE}" stroke-opacity="0.7"'
            ' stroke-width="1.5" stroke-dasharray="3 2"/>'
        )
        label_y = top
        # Keep the band's label clear of the baseline's when the two lines are close.
        if baseline_y is not None and abs(label_y - baseline_y) < 16:
            label_y = baseline_y + 16
        parts.append(_right_label(label_y, f"Relief ≤ {_score(relief_line)}", "#1e5b22"))
    if baseline is not None:
        parts.append(
            f'<line class="baseline" x1="{LEFT}" y1="{_n(baseline_y)}" x2="{RIGHT}" y2="{_n(baseline_y)}"'
            f' stroke="{BASELINE_COLOUR}" stroke-width="2" stroke-dasharray="9 3 2 3"/>'
        )
        parts.append(_right_label(baseline_y, f"Baseline {_score(baseline)}", BASELINE_COLOUR))
    return parts


def _relief_marker(x: float, label: str) -> list[str]:
    near_right = x > RIGHT - _text_width(label) - 12
    anchor, text_x = ("end", x - 7) if near_right else ("start", x + 7)
    return [
        f'<g class="relief-marker"><line x1="{_n(x)}" y1="{TOP - 6}" x2="{_n(x)}" y2="{BOTTOM}" stroke="{INK}"'
        ' stroke-width="1.5" stroke-dasharray="5 3"/>',
        f'<text x="{_n(text_x)}" y="{TOP + 8}" text-anchor="{anchor}" fill="{INK}" font-weight="600"'
        f' stroke="#fff" stroke-width="4" paint-order="stroke">{escape(label)}</text></g>',
    ]


def line_chart(
    *,
    chart_id: str,
    title: str,
    ticks: Sequence[Tick],
    series: Sequence[Series],
    table_id: str,
    baseline: Decimal | None = None,
    relief_line: Decimal | None = None,
    relief_index: int | None = None,
    y_label: str = "Pain (0–10)",
    x_label: str = "Session number and date",
) -> SafeString:
    """A 0–10 line chart over sessions. `relief_index` is the 0-based place of the relief marker in `ticks`."""
    for item in series:
        if len(item.values) != len(ticks):
            raise ValueError(f"{item.label!r} has {len(item.values)} values for {len(ticks)} sessions")
    xs = _x_positions(len(ticks)) if ticks else []
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pain-chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' role="img" aria-labelledby="{escape(chart_id)}-title" aria-describedby="{escape(table_id)}"'
        f' font-size="{FONT_SIZE}" font-family="system-ui, -apple-system, \'Segoe UI\', Roboto, sans-serif">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    parts += _legend(series, baseline=baseline is not None, band=relief_line is not None)
    parts += _axes(ticks, xs, y_label=y_label, x_label=x_label)
    parts += _band_and_baseline(baseline, relief_line)
    if relief_index is not None and 0 <= relief_index < len(ticks):
        parts += _relief_marker(xs[relief_index], f"Relief · session {ticks[relief_index].number}")
    for item in series:
        parts += _series(xs, item)
    if not ticks:
        parts.append(
            f'<text x="{_n((LEFT + RIGHT) / 2)}" y="{_n((TOP + BOTTOM) / 2)}" text-anchor="middle" fill="{MUTED}">'
            "No signed sessions yet</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


def progress_charts(progress: PlanProgress, *, id_prefix: str, table_id: str) -> list[Chart]:
    """The two charts of a plan: first-step pain and average pain, each before and after needling."""
    scores = progress.scores
    ticks = [Tick(score.number, score.day) for score in scores]
    relief_index = progress.relief.number - 1 if progress.relief else None
    span = f", sessions 1 to {len(scores)}" if len(scores) > 1 else (", session 1" if scores else "")
    relief = (
        f"; meaningful relief reached at session {progress.relief.number}" if progress.relief else "; no relief yet"
    )
    return [
        Chart(
            "First-step pain",
            line_chart(
                chart_id=f"{id_prefix}-first-step",
                title=f"First-step pain before and after each session{span}{relief}",
                ticks=ticks,
                series=[
                    Series("Before needling", [s.first_step_before for s in scores], FIRST_STEP_BEFORE),
                    Series("After needling", [s.first_step_after for s in scores], FIRST_STEP_AFTER),
                ],
                table_id=table_id,
                baseline=progress.baseline_first_step,
                relief_line=progress.first_step_relief_line,
                relief_index=relief_index,
            ),
        ),
        Chart(
            "Average pain over the last week",
            line_chart(
                chart_id=f"{id_prefix}-average",
                title=f"Average pain before and after each session{span}{relief}",
                ticks=ticks,
                series=[
                    Series("Before needling", [s.average_before for s in scores], AVERAGE_BEFORE),
                    Series("After needling", [s.average_after for s in scores], AVERAGE_AFTER),
                ],
                table_id=table_id,
                baseline=progress.baseline_average,
                relief_line=progress.average_relief_line,
                relief_index=relief_index,
            ),
        ),
    ]


# --- sparklines --------------------------------------------------------------------------

SPARK_WIDTH, SPARK_HEIGHT = 260, 72
SPARK_LEFT, SPARK_RIGHT, SPARK_TOP, SPARK_BOTTOM = 26, SPARK_WIDTH - 10, 8, SPARK_HEIGHT - 20


def sparkline(
    *, chart_id: str, title: str, points: Sequence[tuple[date, int]], start: date, end: date, table_id: str
) -> SafeString:
    """A small trend of one symptom's severity (0–10) placed by date between `start` and `end`."""
    days = max((end - start).days, 1)

    def x(day: date) -> float:
        if start == end:
            return (SPARK_LEFT + SPARK_RIGHT) / 2
        return SPARK_LEFT + (day - start).days / days * (SPARK_RIGHT - SPARK_LEFT)

    def y(value: int) -> float:
        return SPARK_BOTTOM - value / VAS_MAX * (SPARK_BOTTOM - SPARK_TOP)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline-svg" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}"'
        f' role="img" aria-labelledby="{escape(chart_id)}-title" aria-describedby="{escape(table_id)}"'
        ' font-size="11" font-family="system-ui, -apple-system, \'Segoe UI\', Roboto, sans-serif">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for value in (0, 10):
        parts.append(
            f'<line x1="{SPARK_LEFT}" y1="{_n(y(value))}" x2="{SPARK_RIGHT}" y2="{_n(y(value))}" stroke="{GRID}"/>'
        )
        parts.append(
            f'<text x="{SPARK_LEFT - 5}" y="{_n(y(value))}" text-anchor="end" dominant-baseline="central"'
            f' fill="{MUTED}">{value}</text>'
        )
    parts.append(f'<text x="{SPARK_LEFT}" y="{SPARK_HEIGHT - 4}" fill="{MUTED}">{escape(_day(start))}</text>')
    parts.append(
        f'<text x="{SPARK_RIGHT}" y="{SPARK_HEIGHT - 4}" text-anchor="end" fill="{MUTED}">{escape(_day(end))}</text>'
    )
    placed = [(x(day), y(value)) for day, value in points]
    if len(placed) > 1:
        line = " ".join(f"{_n(px)},{_n(py)}" for px, py in placed)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{INK}" stroke-width="2"/>')
    for px, py in placed:
        parts.append(f'<circle cx="{_n(px)}" cy="{_n(py)}" r="3" fill="{INK}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped
