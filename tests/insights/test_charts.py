"""The insights pages' SVG charts (apps/insights/charts.py): pure functions, read back as XML."""

import itertools
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from apps.insights.charts import Point, axis_labels, bar_chart, describe, line_chart, nice_ceiling, plain_number

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 (our own markup, parsed to check it)


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]


def bars(root: ET.Element) -> list[dict]:
    """The drawn bars (the white background excepted)."""
    return [r.attrib for r in root.findall("svg:rect", NS) if r.get("fill") != "#ffffff"]


def hollow(root: ET.Element) -> list[dict]:
    """The previous period's bars (the key's marks sit in their own group)."""
    return [r.attrib for r in root.findall("svg:rect", NS) if r.get("stroke")]


CALLS = [Point("988", 30), Point("911", 15), Point("211", None), Point("311", 0)]


def test_a_bar_chart_names_itself_and_says_what_it_shows():
    root = parse(bar_chart(CALLS, chart_id="calls", title="Calls by source"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "calls-title calls-desc"
    assert root.find("svg:title", NS).text == "Calls by source"
    assert root.find("svg:desc", NS).text == "3 values. Highest: 988, 30. Lowest: 311, 0."


def test_bars_are_as_long_as_their_values_and_a_missing_value_draws_none():
    root = parse(bar_chart(CALLS, chart_id="c", title="t"))
    widths = [float(b["width"]) for b in bars(root)]
    assert len(widths) == 3  # 211 has no value: no bar, a dash
    assert widths[0] == pytest.approx(2 * widths[1])
    assert widths[2] == 0
    assert texts(root) == ["988", "30", "911", "15", "211", "–", "311", "0"]


def test_the_previous_period_is_a_hollow_bar_on_the_same_scale_with_a_key():
    points = [Point("North", 10, previous=20), Point("South", 5, previous=None)]
    root = parse(bar_chart(points, chart_id="c", title="t"))
    drawn = [float(b["width"]) for b in bars(root) if not b.get("stroke")]
    outlined = [float(b["width"]) for b in hollow(root)]
    assert outlined[0] == pytest.approx(2 * drawn[0])  # 20 against 10
    assert len(outlined) == 1  # South has no previous value
    key = root.find("svg:g", NS)
    assert [t.text for t in key.findall("svg:text", NS)] == ["This period", "Previous period"]


def test_labels_are_escaped_so_no_markup_gets_through():
    root = parse(bar_chart([Point("<script>x</script> & co", 1)], chart_id='a"b', title="<b>"))
    assert "<script>x</script> & co" in texts(root)
    assert root.find("svg:title", NS).text == "<b>"
    assert not list(root.iter("script"))
    assert root.find("svg:title", NS).get("id") == 'a"b-title'


def test_no_values_says_so_in_the_chart_and_in_words():
    for chart in (bar_chart, line_chart):
        root = parse(chart([Point("2026-01", None)], chart_id="c", title="t"))
        assert root.find("svg:desc", NS).text == "No values for this period."
        assert "No values for this period." in texts(root)


def test_a_line_breaks_at_a_missing_value_rather_than_drawing_a_zero():
    points = [Point("W1", 4), Point("W2", 8), Point("W3", None), Point("W4", 2), Point("W5", 6)]
    root = parse(line_chart(points, chart_id="c", title="Calls by week"))
    lines = [p.get("points").split() for p in root.iter("{http://www.w3.org/2000/svg}polyline")]
    assert [len(line) for line in lines] == [2, 2]
    assert len(list(root.iter("{http://www.w3.org/2000/svg}circle"))) == 4
    # The axis runs 0, 2, 4, 6, 8 (round steps up to the highest value): 4 sits halfway up.
    y_w1 = float(lines[0][0].split(",")[1])
    grid = list(root.iter("{http://www.w3.org/2000/svg}line"))
    assert len(grid) == 5
    zero, top = float(grid[0].get("y1")), float(grid[-1].get("y1"))
    assert (zero - y_w1) / (zero - top) == pytest.approx(0.5)
    assert [t for t in texts(root) if t in {"0", "2", "4", "6", "8"}][:5] == ["0", "2", "4", "6", "8"]


def test_the_y_axis_counts_in_round_steps():
    def ticks(top):
        root = parse(line_chart([Point("a", top)], chart_id="c", title="t"))
        return [t.text for t in root.findall("svg:text", NS)][: len(root.findall("svg:line", NS))]

    assert ticks(24) == ["0", "10", "20", "30"]
    assert ticks(100) == ["0", "25", "50", "75", "100"]
    assert ticks(3) == ["0", "1", "2", "3"]


def test_a_line_with_the_previous_period_is_dashed_and_keyed():
    points = [Point("M1", 4, previous=3), Point("M2", 8, previous=5)]
    root = parse(line_chart(points, chart_id="c", title="t"))
    dashed = [p for p in root.iter("{http://www.w3.org/2000/svg}polyline") if p.get("stroke-dasharray")]
    assert len(dashed) == 1
    assert "Previous period" in texts(root)


def test_a_long_series_names_a_few_points_on_its_axis_and_writes_the_highest_and_last():
    points = [Point(f"W{i:02d}", i % 7) for i in range(52)]
    words = texts(parse(line_chart(points, chart_id="c", title="t")))
    axis = [w for w in words if w.startswith("W")]
    assert 6 <= len(axis) <= 8 and axis[0] == "W00" and axis[-1] == "W51"
    assert words.count("6") >= 1 and "2" in words  # 51 % 7 == 2, the last value


def test_the_axis_names_as_many_points_as_fit_and_always_the_first_and_last():
    short = [f"W{i:02d}" for i in range(52)]
    named = axis_labels(short, width=632)
    assert {0, 51} <= named and len(named) <= 8
    steps = sorted(named)
    assert all(b - a >= 4 for a, b in itertools.pairwise(steps))  # never crowded together
    long = [f"Week of 10/{i}/2026" for i in range(6)]
    assert axis_labels(long, width=540) == {0, 2, 5}  # 108 px apart: a name needs two steps
    assert axis_labels(["only"], width=632) == {0}


def test_numbers_and_axes():
    assert [plain_number(v) for v in (3, 3.0, 2.25, None)] == ["3", "3", "2.2", "–"]
    assert [nice_ceiling(v) for v in (0, 7, 10, 11, 23, 240, 0.3)] == [1, 10, 10, 20, 25, 250, 0.5]


def test_the_words_are_spanish_in_spanish():
    with translation.override("es"):
        assert describe([]) == "No hay valores para este periodo."
        words = texts(parse(bar_chart([Point("a", 1, previous=2)], chart_id="c", title="t")))
    assert "Periodo anterior" in words
