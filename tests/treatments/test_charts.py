"""The server-drawn pain charts: valid markup, every point where it belongs, text escaped."""

import datetime as dt
from decimal import Decimal

import html5lib
import pytest

from tests.html import assert_valid_html
from treatments.models import ReliefRule
from treatments.progress import progress_charts as charts
from treatments.progress.plan_progress import PlanProgress, SessionScore

D = Decimal
MONDAY = dt.date(2026, 3, 2)


def parse(markup: str):
    return html5lib.parse(markup, namespaceHTMLElements=False)


def local_name(element) -> str:
    # html5lib keeps SVG elements in the SVG namespace.
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def elements(tree, name: str, **attrs):
    return [
        element
        for element in tree.iter()
        if local_name(element) == name and all(element.get(key) == value for key, value in attrs.items())
    ]


def in_document(svg: str) -> str:
    return f"<!doctype html><html lang='en'><head><title>t</title></head><body><figure>{svg}</figure></body></html>"


def ticks(count: int) -> list[charts.Tick]:
    return [charts.Tick(number, MONDAY + dt.timedelta(days=3 * number)) for number in range(1, count + 1)]


def falling(count: int, start: float = 8.0) -> list[Decimal]:
    return [D(str(round(max(start - 0.5 * index, 0), 1))) for index in range(count)]


def chart(count: int, **changes) -> str:
    arguments = {
        "chart_id": "c1",
        "title": "First-step pain",
        "ticks": ticks(count),
        "series": [
            charts.Series("Before needling", falling(count), charts.FIRST_STEP_BEFORE),
            charts.Series("After needling", falling(count, 6.0), charts.FIRST_STEP_AFTER),
        ],
        "table_id": "scores",
        "baseline": D("8.0"),
        "relief_line": D("6.1"),
        "relief_index": None,
    }
    arguments.update(changes)
    return str(charts.line_chart(**arguments))


def series_group(tree, label: str):
    (group,) = elements(tree, "g", **{"data-series": label})
    return group


def markers(group) -> list:
    return [child for child in group if local_name(child) in ("circle", "rect", "polygon")]


def marker_x(element) -> float:
    if local_name(element) == "circle":
        return float(element.get("cx"))
    if local_name(element) == "rect":
        return float(element.get("x")) + float(element.get("width")) / 2
    return float(element.get("points").split()[0].split(",")[0])


# --- markup ------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 6, 30])
def test_the_chart_is_valid_html_at_every_size(count):
    assert_valid_html(in_document(chart(count, relief_index=count - 1 if count else None)))


def test_the_chart_is_an_image_named_by_its_title_and_described_by_the_table():
    tree = parse(chart(6))
    (svg,) = elements(tree, "svg")
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title"
    assert svg.get("aria-describedby") == "scores"
    assert svg.get("viewBox") == f"0 0 {charts.WIDTH} {charts.HEIGHT}"
    (title,) = elements(tree, "title")
    assert title.get("id") == "c1-title"
    assert title.text == "First-step pain"


def test_every_text_is_escaped():
    markup = chart(
        3,
        title='Pain <script>alert("x")</script>',
        series=[charts.Series("<b>before</b> & after", falling(3), charts.FIRST_STEP_BEFORE)],
    )
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    assert "<b>" not in markup
    assert "&lt;b&gt;before&lt;/b&gt; &amp; after" in markup
    assert_valid_html(in_document(markup))


def test_a_mismatched_series_is_refused():
    with pytest.raises(ValueError, match="2 values for 3 sessions"):
        chart(3, series=[charts.Series("Before", [D(5), D(4)], charts.FIRST_STEP_BEFORE)])


# --- geometry ----------------------------------------------------------------------------


def test_each_series_has_one_marker_per_session_and_one_line():
    tree = parse(chart(6))
    for label in ("Before needling", "After needling"):
        group = series_group(tree, label)
        assert len(markers(group)) == 6
        assert len(elements(group, "polyline")) == 1
        assert len(elements(group, "polyline")[0].get("points").split()) == 6


def test_series_differ_by_marker_and_line_pattern_not_only_by_colour():
    tree = parse(chart(4))
    before, after = series_group(tree, "Before needling"), series_group(tree, "After needling")
    assert {local_name(m) for m in markers(before)} == {"circle"}
    assert {local_name(m) for m in markers(after)} == {"rect"}
    assert elements(before, "polyline")[0].get("stroke-dasharray") is None
    assert elements(after, "polyline")[0].get("stroke-dasharray") == "7 4"
    styles = [charts.FIRST_STEP_BEFORE, charts.FIRST_STEP_AFTER, charts.AVERAGE_BEFORE, charts.AVERAGE_AFTER]
    assert len({(s.marker, s.dash, s.filled) for s in styles}) == 4
    assert len({s.colour for s in styles}) == 4


def test_scores_sit_at_their_height_on_the_0_to_10_scale():
    tree = parse(chart(2, series=[charts.Series("Before", [D("10"), D("0")], charts.FIRST_STEP_BEFORE)]))
    top, bottom = markers(series_group(tree, "Before"))
    assert float(top.get("cy")) == charts.TOP
    assert float(bottom.get("cy")) == charts.BOTTOM


def test_gridlines_are_drawn_at_every_two_points():
    tree = parse(chart(3))
    labels = [text.text for text in elements(tree, "text", **{"text-anchor": "end"})]
    assert labels[:6] == ["0", "2", "4", "6", "8", "10"]


def test_a_missing_score_leaves_a_gap_in_the_line():
    values = [D("8"), D("7"), None, D("5"), D("4")]
    tree = parse(chart(5, series=[charts.Series("Before", values, charts.FIRST_STEP_BEFORE)]))
    group = series_group(tree, "Before")
    lines = elements(group, "polyline")
    assert [len(line.get("points").split()) for line in lines] == [2, 2]
    assert len(markers(group)) == 4


def test_a_single_session_is_a_marker_in_the_middle_without_a_line():
    tree = parse(chart(1))
    group = series_group(tree, "Before needling")
    assert elements(group, "polyline") == []
    (marker,) = markers(group)
    assert marker_x(marker) == (charts.LEFT + charts.RIGHT) / 2


def test_no_sessions_draws_the_frame_and_says_so():
    markup = chart(0)
    tree = parse(markup)
    assert "No signed sessions yet" in markup
    assert markers(series_group(tree, "Before needling")) == []
    assert elements(tree, "line", **{"class": "baseline"})


def test_the_relief_marker_stands_at_the_session_where_relief_was_reached():
    tree = parse(chart(6, relief_index=3))
    (group,) = elements(tree, "g", **{"class": "relief-marker"})
    (line,) = elements(group, "line")
    fourth = markers(series_group(tree, "Before needling"))[3]
    assert float(line.get("x1")) == pytest.approx(marker_x(fourth), abs=0.1)
    assert "".join(group.itertext()) == "Relief · session 4"


def test_no_relief_marker_without_relief():
    assert not elements(parse(chart(6)), "g", **{"class": "relief-marker"})


def test_the_band_runs_from_the_relief_line_down_to_zero_and_the_baseline_is_drawn():
    tree = parse(chart(6, baseline=D("7.5"), relief_line=D("5.6")))
    (band,) = elements(tree, "rect", **{"class": "relief-band"})
    top = charts.BOTTOM - 5.6 / 10 * (charts.BOTTOM - charts.TOP)
    assert float(band.get("y")) == pytest.approx(top, abs=0.1)
    assert float(band.get("y")) + float(band.get("height")) == pytest.approx(charts.BOTTOM, abs=0.1)
    (baseline,) = elements(tree, "line", **{"class": "baseline"})
    assert float(baseline.get("y1")) == pytest.approx(charts.BOTTOM - 0.75 * (charts.BOTTOM - charts.TOP), abs=0.1)
    text = "".join(tree.itertext())
    assert "Baseline 7.5" in text
    assert "Relief ≤ 5.6" in text


def test_without_a_relief_line_there_is_no_band():
    assert not elements(parse(chart(6, relief_line=None)), "rect", **{"class": "relief-band"})


def test_thirty_sessions_label_every_session_number_but_only_some_dates():
    markup = chart(30)
    tree = parse(markup)
    texts = [t.text for t in elements(tree, "text", **{"text-anchor": "middle"})]
    numbers = [t for t in texts if t and t.isdigit()]
    assert numbers == [str(n) for n in range(1, 31, 2)]
    dates = [t for t in texts if t and t[:3] in {"Mar", "Apr", "May"}]
    assert 4 <= len(dates) <= charts.MAX_DATE_LABELS


# --- a plan's two charts -----------------------------------------------------------------


def progress_with(scores: list[tuple[str, str]], *, rule: ReliefRule | None = None) -> PlanProgress:
    progress = PlanProgress(None, rule or ReliefRule(), D("7.5"), D("6.0"), "intake")
    for number, (first_step, average) in enumerate(scores, start=1):
        progress.scores.append(
            SessionScore(
                number=number,
                session_id=number,
                day=MONDAY + dt.timedelta(days=7 * (number - 1)),
                first_step_before=D(first_step),
                first_step_after=D(first_step) - 1,
                average_before=D(average),
                average_after=D(average) - 1,
                meets_relief=D("7.5") - D(first_step) >= D("1.9"),
            )
        )
    return progress


def test_a_plan_gets_a_first_step_and_an_average_chart_with_the_relief_marker_on_both():
    progress = progress_with([("7.5", "6.0"), ("7.0", "5.8"), ("6.2", "5.0"), ("5.4", "4.6"), ("4.8", "4.0")])
    first_step, average = charts.progress_charts(progress, id_prefix="p", table_id="t")
    assert first_step.heading == "First-step pain"
    assert average.heading == "Average pain over the last week"
    for item in (first_step, average):
        assert "Relief · session 4" in item.svg
        assert 'aria-describedby="t"' in item.svg
        assert_valid_html(in_document(item.svg))
    assert "meaningful relief reached at session 4" in first_step.svg
    # First-step relief at 7.5 − 1.9; average at min(6.0 − 2, 6.0 × 70%).
    assert "Relief ≤ 5.6" in first_step.svg
    assert "Relief ≤ 4.0" in average.svg


def test_average_relief_line_takes_the_stricter_of_points_and_percent():
    rule = ReliefRule(average_drop_percent=50, average_drop_points=D("2.0"))
    progress = progress_with([("7.0", "6.0")], rule=rule)
    assert progress.average_relief_line == D("3.0")
    assert progress.first_step_relief_line == D("5.6")


# --- sparklines --------------------------------------------------------------------------


def test_a_sparkline_places_each_day_along_the_period():
    points = [(MONDAY, 6), (MONDAY + dt.timedelta(days=10), 4), (MONDAY + dt.timedelta(days=20), 2)]
    svg = str(
        charts.sparkline(
            chart_id="s",
            title="Numbness & <co>",
            points=points,
            start=MONDAY,
            end=MONDAY + dt.timedelta(days=20),
            table_id="trend",
        )
    )
    assert_valid_html(in_document(svg))
    tree = parse(svg)
    dots = elements(tree, "circle")
    assert [float(dot.get("cx")) for dot in dots] == [
        charts.SPARK_LEFT,
        (charts.SPARK_LEFT + charts.SPARK_RIGHT) / 2,
        charts.SPARK_RIGHT,
    ]
    assert "Numbness &amp; &lt;co&gt;" in svg
    assert 'aria-describedby="trend"' in svg


def test_a_sparkline_of_one_day_is_one_dot():
    svg = str(charts.sparkline(chart_id="s", title="t", points=[(MONDAY, 3)], start=MONDAY, end=MONDAY, table_id="x"))
    tree = parse(svg)
    assert len(elements(tree, "circle")) == 1
    assert not elements(tree, "polyline")
