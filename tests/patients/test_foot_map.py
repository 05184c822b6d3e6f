"""The foot diagram: geometry for every place on both feet, and the SVG the tag draws from it."""

import re

import html5lib
import pytest
from django.template import Context, Template

from patients import foot_map
from patients.models import FOOT_SPOTS, FootRegion, Side, foot_spot_label
from tests.html import assert_valid_html

PATH_NUMBERS = re.compile(r"-?\d+(?:\.\d+)?")


def render(source: str, **context) -> str:
    return Template("{% load foot_map %}" + source).render(Context(context))


def parse(markup: str):
    return html5lib.parse(markup, namespaceHTMLElements=False)


def local_name(element) -> str:
    # html5lib keeps SVG elements in the SVG namespace.
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def elements(tree, name: str):
    return [element for element in tree.iter() if local_name(element) == name]


def svg_paths(tree, **attrs):
    found = []
    for element in elements(tree, "path"):
        if all(element.get(key) == value for key, value in attrs.items()):
            found.append(element)
    return found


def bounds(path: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in PATH_NUMBERS.findall(path)]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


# --- geometry -------------------------------------------------------------------------


def test_every_region_of_both_feet_has_exactly_one_shape():
    assert sorted(foot_map.REGION_SHAPES) == sorted(FOOT_SPOTS)
    for foot in (Side.LEFT, Side.RIGHT):
        for region in FootRegion:
            shape = foot_map.REGION_SHAPES[f"{foot}:{region}"]
            assert shape.foot == foot
            assert shape.region == region
            assert shape.path.startswith("M")
            assert shape.path.endswith("Z")


def test_sole_regions_are_on_the_sole_view_and_the_top_and_ankle_on_the_top_view():
    for shape in foot_map.REGION_SHAPES.values():
        on_top = shape.region in (FootRegion.TOP, FootRegion.ANKLE)
        assert shape.view == (foot_map.TOP if on_top else foot_map.SOLE)


def test_each_shape_stays_inside_the_diagram_and_inside_its_own_foots_box():
    for drawing in foot_map.DRAWINGS:
        outline_box = bounds(drawing.outline)
        for region in drawing.regions:
            left, top, right, bottom = bounds(region.path)
            assert left >= 0 and right <= foot_map.VIEW_WIDTH
            assert top >= 0 and bottom <= foot_map.VIEW_HEIGHT
            if region.region != FootRegion.TOES:  # the toes are drawn beside the sole's outline
                assert outline_box[0] - 0.5 <= left and right <= outline_box[2] + 0.5


def test_the_soles_are_seen_as_facing_the_patient_and_the_tops_as_the_patient_looks_down():
    centres = {(d.view, d.foot): (bounds(d.outline)[0] + bounds(d.outline)[2]) / 2 for d in foot_map.DRAWINGS}
    # Facing the soles, the patient's right foot is on the viewer's left; from above, on the right.
    assert centres[(foot_map.SOLE, Side.RIGHT)] < centres[(foot_map.SOLE, Side.LEFT)]
    assert centres[(foot_map.TOP, Side.LEFT)] < centres[(foot_map.TOP, Side.RIGHT)]


def test_the_inner_side_of_every_foot_faces_the_middle_of_its_panel():
    for drawing in foot_map.DRAWINGS:
        middle = foot_map.panel_left(drawing.view) + foot_map.PANEL_WIDTH / 2
        assert abs(drawing.inner_at[0] - middle) < abs(drawing.outer_at[0] - middle)
        # The big toe (widest toe) and the inner heel sit on the inner side too.
        heel = {r.region: r for r in drawing.regions}
        if drawing.view == foot_map.SOLE:
            inner_heel = bounds(heel[FootRegion.HEEL_MEDIAL].path)
            outer_heel = bounds(heel[FootRegion.HEEL_LATERAL].path)
            inner_centre, outer_centre = (inner_heel[0] + inner_heel[2]) / 2, (outer_heel[0] + outer_heel[2]) / 2
            assert abs(inner_centre - middle) < abs(outer_centre - middle)


def test_the_left_foot_is_the_mirror_image_of_the_right():
    for view in (foot_map.SOLE, foot_map.TOP):
        for region in foot_map.REGIONS_BY_VIEW[view]:
            left = bounds(foot_map.REGION_SHAPES[f"left:{region}"].path)
            right = bounds(foot_map.REGION_SHAPES[f"right:{region}"].path)
            assert left[2] - left[0] == pytest.approx(right[2] - right[0], abs=0.25)
            assert (left[1], left[3]) == (right[1], right[3])


def test_the_toes_are_five_separate_shapes():
    for foot in (Side.LEFT, Side.RIGHT):
        assert foot_map.REGION_SHAPES[f"{foot}:toes"].path.count("M") == 5


# --- display mode -------------------------------------------------------------------------


def test_display_mode_colours_each_place_by_severity_and_says_so_in_words():
    html = render("{% foot_map severities %}", severities={"left:heel_medial": 7, "right:toes": 0})
    assert_valid_html(f"<!doctype html><title>t</title>{html}")
    tree = parse(html)
    svg = elements(tree, "svg")[0]
    assert svg.get("role") == "img"
    assert "Left heel, inner side 7 out of 10" in svg.get("aria-label")
    region = svg_paths(tree, **{"data-spot": "left:heel_medial"})[0]
    assert region.get("fill") == foot_map.SEVERITY_COLOURS[7]
    assert elements(region, "title")[0].text == "Left heel, inner side: 7/10"
    untouched = svg_paths(tree, **{"data-spot": "left:arch"})[0]
    assert untouched.get("fill") == foot_map.NOT_RECORDED_COLOUR
    assert elements(untouched, "title")[0].text == "Left arch: not recorded"
    # The text list for screen readers.
    items = [li.text for li in tree.iter("li")]
    assert items == ["Left heel, inner side: 7/10", "Right toes: 0/10"]
    # No control in display mode.
    assert "tabindex" not in html and 'role="checkbox"' not in html


def test_display_mode_labels_each_foot_and_its_inner_and_outer_side():
    tree = parse(render("{% foot_map severities %}", severities={}))
    texts = [el.text for el in elements(tree, "text")]
    assert texts.count("Left") == 2 and texts.count("Right") == 2
    assert texts.count("inner") == 4 and texts.count("outer") == 4
    assert "Soles" in texts and "Tops of the feet" in texts


def test_a_soles_only_map_draws_just_the_sole_regions():
    tree = parse(render("{% foot_map severities views='sole' %}", severities={"left:arch": 4}))
    spots = {path.get("data-spot") for path in svg_paths(tree) if path.get("data-spot")}
    assert spots == {spot for spot in FOOT_SPOTS if not spot.endswith((":top", ":ankle"))}


def test_unknown_spots_and_out_of_range_values_do_not_break_the_drawing():
    html = render("{% foot_map severities %}", severities={"middle:heel": 5, "left:arch": 14})
    assert "middle:heel" not in html
    tree = parse(html)
    assert svg_paths(tree, **{"data-spot": "left:arch"})[0].get("fill") == foot_map.SEVERITY_COLOURS[10]


def test_the_colour_scale_runs_from_light_to_dark():
    def luminance(colour: str) -> float:
        red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    values = [luminance(colour) for colour in foot_map.SEVERITY_COLOURS]
    assert values == sorted(values, reverse=True)
    assert len(set(foot_map.SEVERITY_COLOURS)) == 11


def test_the_legend_shows_every_step_and_not_recorded():
    html = render("{% foot_map_legend %}")
    assert_valid_html(f"<!doctype html><title>t</title>{html}")
    tree = parse(html)
    assert [li.text for li in tree.iter("li")] == [str(n) for n in range(11)]
    assert "Not recorded" in html


# --- interactive mode ---------------------------------------------------------------------


def test_interactive_mode_has_one_focusable_checkbox_per_place():
    html = render("{% foot_map chosen interactive=True %}", chosen=["left:heel_medial", "right:arch"])
    assert_valid_html(f"<!doctype html><title>t</title>{html}")
    tree = parse(html)
    controls = [path for path in svg_paths(tree) if path.get("role") == "checkbox"]
    assert sorted(path.get("data-spot") for path in controls) == sorted(FOOT_SPOTS)
    for control in controls:
        spot = control.get("data-spot")
        assert control.get("tabindex") == "0"
        assert control.get("aria-label") == foot_spot_label(spot)
        expected = "true" if spot in ("left:heel_medial", "right:arch") else "false"
        assert control.get("aria-checked") == expected


def test_the_interactive_diagram_stays_hidden_until_its_script_runs():
    tree = parse(render("{% foot_map None interactive=True %}"))
    figure = next(tree.iter("figure"))
    assert figure.get("hidden") is not None
    assert figure.get("data-foot-map") is not None
    assert elements(tree, "svg")[0].get("role") == "group"


@pytest.mark.parametrize("interactive", [True, False])
def test_two_diagrams_on_one_page_share_no_ids(interactive):
    html = render(
        "{% foot_map a interactive=interactive %}{% foot_map b interactive=interactive %}",
        a={},
        b={},
        interactive=interactive,
    )
    assert " id=" not in html


def test_the_toes_on_the_top_view_show_the_same_severity_as_the_sole_toes_but_are_not_a_second_control():
    display = parse(render("{% foot_map severities %}", severities={"right:toes": 6}))
    toes_from_above = svg_paths(display, **{"data-alias-of": "right:toes"})[0]
    # A class, not a style attribute (the CSP forbids those): foot_map.css fills it with SEVERITY_COLOURS[6].
    assert "severity-fill-6" in toes_from_above.get("class").split()
    assert toes_from_above.get("style") is None
    assert "severity-fill" not in svg_paths(display, **{"data-alias-of": "left:toes"})[0].get("class")

    picker = parse(render("{% foot_map chosen interactive=True %}", chosen=["right:toes"]))
    alias = svg_paths(picker, **{"data-alias-of": "right:toes"})[0]
    assert "is-selected" in alias.get("class")
    assert alias.get("role") is None and alias.get("tabindex") is None
