"""Server-drawn SVG charts for the outcomes page: mean pain by session, the spread of change, adverse events."""

import math

from django.utils.html import format_html, format_html_join

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 44
# Colour-blind-safe (Okabe–Ito) colours, each with its own dash pattern so the lines differ without colour too.
SERIES_STYLES = [("#0072B2", ""), ("#D55E00", "6 4"), ("#009E73", "2 3")]


def _n(value: float) -> str:
    return f"{value:.1f}"


def _x(value: float, low: float, high: float) -> float:
    span = (high - low) or 1
    return LEFT + (value - low) / span * (WIDTH - LEFT - RIGHT)


def _y(value: float, high: float = 10) -> float:
    return TOP + (1 - value / high) * (HEIGHT - TOP - BOTTOM)


def mean_pain_chart(series: dict[str, list[tuple[int, float, int]]], labels: dict[str, str], *, described_by: str):
    """Lines of mean first-step pain by session number, one per approach, with n under each point."""
    sessions = [number for points in series.values() for number, _, _ in points] or [1]
    low, high = min(sessions), max(*sessions, min(sessions) + 1)
    parts = [_axes(low, high, x_label="Session number")]
    for index, (approach, points) in enumerate(sorted(series.items())):
        colour, dash = SERIES_STYLES[index % len(SERIES_STYLES)]
        coordinates = " ".join(f"{_n(_x(n, low, high))},{_n(_y(mean))}" for n, mean, _ in points)
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5" stroke-dasharray="{}"/>',
                coordinates,
                colour,
                dash,
            )
        )
        for n, mean, count in points:
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="4" fill="{}">'
                    "<title>{}, session {}: {} (n={})</title></circle>"
                    '<text x="{}" y="{}" class="chart-n" text-anchor="middle">{}</text>',
                    _n(_x(n, low, high)),
                    _n(_y(mean)),
                    colour,
                    labels.get(approach, approach),
                    n,
                    _n(mean),
                    count,
                    _n(_x(n, low, high)),
                    _n(_y(mean) - 8 - 10 * index),
                    count,
                )
            )
    return _svg(parts, "Mean first-step pain by session number, by approach", described_by)


def change_histogram(buckets: list[tuple[int, int]], *, described_by: str):
    """Bars: how many plans fell by 0–1, 1–2, … points (negative buckets: pain rose)."""
    if not buckets:
        buckets = [(0, 0)]
    low, high = min(b for b, _ in buckets), max(b for b, _ in buckets) + 1
    tallest = max(count for _, count in buckets) or 1
    bar = (WIDTH - LEFT - RIGHT) / max(high - low, 1)
    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" class="chart-axis"/>', LEFT, _n(_y(0)), WIDTH - RIGHT, _n(_y(0))
        )
    ]
    for bucket, count in buckets:
        x = LEFT + (bucket - low) * bar
        top = TOP + (1 - count / tallest) * (HEIGHT - TOP - BOTTOM)
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#1f6f66">'
                "<title>{} to {} points: {} plan(s)</title></rect>"
                '<text x="{}" y="{}" text-anchor="middle" class="chart-n">{}</text>'
                '<text x="{}" y="{}" text-anchor="middle" class="chart-tick">{}</text>',
                _n(x + 2),
                _n(top),
                _n(bar - 4),
                _n(_y(0) - top),
                bucket,
                bucket + 1,
                count,
                _n(x + bar / 2),
                _n(top - 4),
                count,
                _n(x + bar / 2),
                HEIGHT - BOTTOM + 16,
                bucket,
            )
        )
    parts.append(
        format_html(
            '<text x="{}" y="{}" text-anchor="middle" class="chart-label">Fall in first-step pain (points)</text>',
            (WIDTH + LEFT) / 2,
            HEIGHT - 6,
        )
    )
    return _svg(parts, "How much first-step pain fell per plan", described_by)


def _axes(low: float, high: float, *, x_label: str):
    ticks = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="chart-grid"/>'
        '<text x="{}" y="{}" text-anchor="end" class="chart-tick">{}</text>',
        ((LEFT, _n(_y(v)), WIDTH - RIGHT, _n(_y(v)), LEFT - 6, _n(_y(v) + 4), v) for v in range(0, 11, 2)),
    )
    x_ticks = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" class="chart-tick">{}</text>',
        ((_n(_x(n, low, high)), HEIGHT - BOTTOM + 16, n) for n in range(int(low), int(high) + 1)),
    )
    return format_html(
        '{}{}<text x="{}" y="{}" text-anchor="middle" class="chart-label">{}</text>'
        '<text x="14" y="{}" text-anchor="middle" class="chart-label" transform="rotate(-90 14 {})">VAS 0–10</text>',
        ticks,
        x_ticks,
        (WIDTH + LEFT) / 2,
        HEIGHT - 6,
        x_label,
        HEIGHT / 2,
        HEIGHT / 2,
    )


def _svg(parts, title: str, described_by: str, *, height: int = HEIGHT):
    return format_html(
        '<svg class="outcome-chart" viewBox="0 0 {} {}" role="img" aria-label="{}" aria-describedby="{}" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        WIDTH,
        height,
        title,
        described_by,
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def adverse_event_chart(comparisons, *, described_by: str):
    """Minor-event shares of sessions and patients: the clinic's with its interval, the published one as a diamond.

    `comparisons` are treatments.progress.adverse_events.ReferenceComparison; only the percentage ones are drawn
    (a serious rate per 10,000 would sit invisibly at zero on the same axis; the table beside it gives it).
    """
    rows = [c for c in comparisons if c.per == 100]
    height, row_height, label_width = 60 + 44 * len(rows), 44, 210
    values = [v for c in rows for v in (*(c.clinic_interval or ()), c.clinic_share, c.published_share) if v is not None]
    # The axis runs to the next whole step above the largest value, so the whisker and the diamond are both inside.
    largest = max(values, default=0.1)
    step = 0.05 if largest <= 0.3 else 0.1 if largest <= 0.6 else 0.2
    top = max(step, math.ceil(round(largest / step, 6)) * step)
    span = WIDTH - label_width - RIGHT - 12

    def x(share: float) -> str:
        return _n(label_width + share / top * span)

    parts = []
    ticks = [index * step for index in range(round(top / step) + 1)]
    for tick in ticks:
        parts.append(
            format_html(
                '<line x1="{}" y1="16" x2="{}" y2="{}" class="chart-grid"/>'
                '<text x="{}" y="{}" text-anchor="middle" class="chart-tick">{}%</text>',
                x(tick), x(tick), height - 36, x(tick), height - 20, f"{tick * 100:.0f}",
            )
        )  # fmt: skip
    for index, comparison in enumerate(rows):
        y = 16 + row_height * index + row_height / 2
        parts.append(format_html('<text x="8" y="{}" class="chart-label">{}</text>', _n(y + 4), comparison.label))
        if comparison.clinic_interval:
            low, high = comparison.clinic_interval
            parts.append(
                format_html(
                    '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#0072B2" stroke-width="3"/>',
                    x(low), _n(y), x(high), _n(y),
                )
            )  # fmt: skip
        if comparison.clinic_share is not None:
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="6" fill="#0072B2"><title>This clinic: {} ({} to {})</title></circle>',
                    x(comparison.clinic_share), _n(y), comparison.shown_clinic, comparison.shown_low,
                    comparison.shown_high,
                )
            )  # fmt: skip
        if comparison.published_share is not None:
            px = label_width + comparison.published_share / top * span
            parts.append(
                format_html(
                    '<path d="M{} {} l7 7 l-7 7 l-7 -7 z" fill="#D55E00"><title>Published: {}</title></path>',
                    _n(px), _n(y - 7), comparison.shown_published,
                )
            )  # fmt: skip
    parts.append(
        format_html(
            '<text x="{}" y="{}" text-anchor="middle" class="chart-label">'
            "Share with a minor event: ● this clinic, with its 95% interval; ◆ published</text>",
            WIDTH / 2,
            height - 4,
        )
    )
    title = "Minor adverse events: the clinic's shares beside the published ones"
    return _svg(parts, title, described_by, height=height)
