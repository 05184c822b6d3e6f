import pytest
from django.template import Context, Template

from patients import foot_map
from patients.models import FOOT_SPOTS, FootRegion, Side
from patients.templatetags.foot_map import severity_colour
from tests.html import assert_valid_html


def render(severities=None, **options) -> str:
    template = Template("{% load foot_map %}{% foot_map severities interactive=interactive %}")
    return template.render(Context({"severities": severities or {}, "interactive": options.get("interactive", False)}))


def test_every_region_of_both_feet_is_drawn_exactly_once():
    assert sorted(foot_map.REGION_SHAPES) == sorted(FOOT_SPOTS)
    for spot, shape in foot_map.REGION_SHAPES.items():
        assert shape.path.startswith("M")
        assert shape.path.endswith("Z")
        assert f"{shape.foot.value}:{shape.region.value}" == spot


def test_sole_regions_are_on_the_sole_view_and_top_regions_on_the_top_view():
    for shape in foot_map.REGION_SHAPES.values():
        expected = foot_map.TOP if shape.region in (FootRegion.TOP, FootRegion.ANKLE) else foot_map.SOLE
        assert shape.view == expected


def test_each_foot_is_labelled_and_its_inner_side_faces_the_middle_of_its_panel():
    for drawing in foot_map.DRAWINGS:
        panel_left = 0 if drawing.view == foot_map.SOLE else foot_map.PANEL_WIDTH + foot_map.PANEL_GAP
        middle = panel_left + foot_map.PANEL_WIDTH / 2
        assert abs(drawing.inner_at[0] - middle) < abs(drawing.outer_at[0] - middle)
    assert {(d.view, d.foot) for d in foot_map.DRAWINGS} == {
        (view, foot) for view in (foot_map.SOLE, foot_map.TOP) for foot in (Side.LEFT, Side.RIGHT)
    }


def test_the_display_map_colours_regions_by_severity_and_says_so_in_words():
    html = render({"left:heel_medial": 8, "right:toes": 2})
    assert_valid_html(f"<!doctype html><html lang=en><title>t</title><body>{html}</body></html>")
    assert 'role="img"' in html
    assert f'fill="{severity_colour(8)}" data-spot="left:heel_medial"' in html
    assert "<title>Left heel, inner side: 8/10</title>" in html
    assert "Left heel, inner side 8 out of 10; Right toes 2 out of 10" in html
    assert "<title>Right arch: nothing recorded</title>" in html


def test_the_picker_marks_every_region_for_the_script_and_has_no_severity_text():
    html = render(interactive=True)
    assert html.count('data-spot="') == len(FOOT_SPOTS)
    assert 'role="group"' in html
    assert "out of 10" not in html


@pytest.mark.parametrize(("severity", "colour"), [(None, "#ffffff"), (0, "#fff7d6"), (10, "#800026"), (15, "#800026")])
def test_severity_colours_cover_the_scale_and_clamp(severity, colour):
    assert severity_colour(severity) == colour
