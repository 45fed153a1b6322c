"""Charts for the insights pages, drawn on the server as SVG: bars for categories, a line for time.

Pure: numbers and words in, markup out; no database, no request, no script, no inline style (the
CSP refuses it), nothing fetched from elsewhere. Each chart names itself (<title>) and says in words
what it shows (<desc>); the page puts the table beside it, and the table is the truth. Dark ink on
white, thick marks and large type, so it reads on a tablet in sunlight and in black and white: the
previous period is drawn hollow (bars) or dashed (line), never told apart by colour alone.

Every piece of text is escaped here; the caller may mark the result safe.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from django.utils.translation import gettext as _

INK = "#0b0c0e"
BAR = "#0b3d66"
PREVIOUS = "#5c3b00"
GRID = "#8a929c"
WIDTH = 720
FONT = 15
ROW = 34  # one category: its bar, its previous bar and the gap
MAX_LINE_LABELS = 8  # the x axis names at most this many points
CHAR_WIDTH = 9.5  # about one character of the axis type, for spacing its labels


@dataclass(frozen=True)
class Point:
    """One value to draw: its shown label and its number (None: no value for this label)."""

    label: str
    value: float | None
    previous: float | None = None


def plain_number(value: float | None) -> str:
    """Whole numbers as they are, others to one decimal; no value as a dash."""
    if value is None:
        return "–"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value` (the top of an axis); 1 for nothing."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power + 1e-9:
            return step * power
    return 10 * power  # pragma: no cover (the loop always ends at 10)


def _values(points: Sequence[Point]) -> list[float]:
    return [v for p in points for v in (p.value, p.previous) if v is not None]


def describe(points: Sequence[Point], *, fmt: Callable[[float | None], str] = plain_number) -> str:
    """The text alternative: how many values, the highest and the lowest, in words."""
    shown = [p for p in points if p.value is not None]
    if not shown:
        return _("No values for this period.")
    high = max(shown, key=lambda p: p.value)
    low = min(shown, key=lambda p: p.value)
    if len(shown) == 1:
        return _("One value: %(label)s, %(value)s.") % {"label": high.label, "value": fmt(high.value)}
    return _("%(count)s values. Highest: %(high_label)s, %(high)s. Lowest: %(low_label)s, %(low)s.") % {
        "count": len(shown),
        "high_label": high.label,
        "high": fmt(high.value),
        "low_label": low.label,
        "low": fmt(low.value),
    }


def _svg(*, chart_id: str, title: str, description: str, height: int, body: list[str]) -> str:
    cid = escape(chart_id)
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'font-family="system-ui, sans-serif" font-size="{FONT}">'
        f'<title id="{cid}-title">{escape(title)}</title><desc id="{cid}-desc">{escape(description)}</desc>'
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"></rect>' + "".join(body) + "</svg>"
    )


def _legend(y: int, *, previous: bool, line: bool) -> list[str]:
    """This period and, when drawn, the previous one: a key of shapes, so colour is not needed."""
    if not previous:
        return []
    this_mark = (
        f'<line x1="8" y1="{y - 5}" x2="32" y2="{y - 5}" stroke="{BAR}" stroke-width="4"></line>'
        if line
        else f'<rect x="8" y="{y - 13}" width="24" height="14" fill="{BAR}"></rect>'
    )
    then_mark = (
        f'<line x1="228" y1="{y - 5}" x2="252" y2="{y - 5}" stroke="{PREVIOUS}" stroke-width="3" '
        f'stroke-dasharray="6 4"></line>'
        if line
        else f'<rect x="229" y="{y - 12}" width="22" height="12" fill="#ffffff" stroke="{PREVIOUS}" '
        f'stroke-width="2"></rect>'
    )
    return [
        '<g class="chart-key">',
        this_mark,
        f'<text x="40" y="{y}" fill="{INK}">{escape(_("This period"))}</text>',
        then_mark,
        f'<text x="260" y="{y}" fill="{INK}">{escape(_("Previous period"))}</text>',
        "</g>",
    ]


def bar_chart(
    points: Sequence[Point],
    *,
    chart_id: str,
    title: str,
    description: str | None = None,
    fmt: Callable[[float | None], str] = plain_number,
) -> str:
    """Horizontal bars, one row per point, the value written at the end of each bar.

    A point with a `previous` value gets a second, hollow bar under its own (the same length scale).
    """
    with_previous = any(p.previous is not None for p in points)
    top = max(_values(points), default=0) or 1
    label_width = min(max((len(p.label) for p in points), default=4) * 9 + 12, WIDTH * 2 // 5)
    value_room = 90
    span = WIDTH - label_width - value_room
    legend_room = 28 if with_previous else 0
    height = max(len(points), 1) * ROW + 12 + legend_room
    body = _legend(20, previous=with_previous, line=False)
    if not points or not _values(points):
        body.append(f'<text x="8" y="{legend_room + 26}" fill="{INK}">{escape(_("No values for this period."))}</text>')
    for index, point in enumerate(points):
        y = legend_room + 6 + index * ROW
        label = escape(point.label)
        body.append(f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" fill="{INK}">{label}</text>')
        current_height = 18 if with_previous else 24
        if point.value is not None:
            width = round(span * point.value / top, 1)
            body.append(
                f'<rect x="{label_width}" y="{y}" width="{width}" height="{current_height}" fill="{BAR}"></rect>'
            )
        value_x = label_width + (span * (point.value or 0) / top) + 6
        shown = escape(fmt(point.value))
        body.append(f'<text x="{round(value_x, 1)}" y="{y + 16}" fill="{INK}" font-weight="700">{shown}</text>')
        if with_previous and point.previous is not None:
            width = round(span * point.previous / top, 1)
            body.append(
                f'<rect x="{label_width}" y="{y + 21}" width="{width}" height="9" fill="#ffffff" '
                f'stroke="{PREVIOUS}" stroke-width="2"></rect>'
            )
    return _svg(
        chart_id=chart_id,
        title=title,
        description=description if description is not None else describe(points, fmt=fmt),
        height=height,
        body=body,
    )


def _segments(coords: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Runs of drawn points: a missing value breaks the line rather than pretending a zero."""
    runs: list[list[tuple[float, float]]] = [[]]
    for coord in coords:
        if coord is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(coord)
    return [run for run in runs if run]


def axis_labels(labels: Sequence[str], *, width: float) -> set[int]:
    """Which points the x axis names: evenly spaced, never closer than a label's width, at most
    MAX_LINE_LABELS, always the first and the last."""
    count = len(labels)
    if count < 2:
        return set(range(count))
    room = max(len(label) for label in labels) * CHAR_WIDTH + 16
    step = width / (count - 1)
    gap = max(1, math.ceil(room / step))  # the fewest points between two names
    every = max(gap, math.ceil((count - 1) / (MAX_LINE_LABELS - 1)))
    named = set(range(0, count, every))
    last = max(named)
    if last != count - 1:
        if count - 1 - last < gap and last != 0:
            named.discard(last)
        named.add(count - 1)
    return named


def _path(run: list[tuple[float, float]], *, stroke: str, width: int, dashed: bool) -> str:
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    return f'<polyline points="{points}" fill="none" stroke="{stroke}" stroke-width="{width}"{dash}></polyline>'


def line_chart(
    points: Sequence[Point],
    *,
    chart_id: str,
    title: str,
    description: str | None = None,
    fmt: Callable[[float | None], str] = plain_number,
) -> str:
    """A line through the points in order (weeks, months), on a y axis from zero.

    Each point is marked and, when there are few enough, its value is written above it; otherwise
    the highest and the last are. `previous` values (the same position in the previous period) are
    drawn as a dashed line.
    """
    with_previous = any(p.previous is not None for p in points)
    left, right, bottom = 64, 24, 40
    top_margin = 40 if with_previous else 16
    height = 300
    plot_height = height - top_margin - bottom
    plot_width = WIDTH - left - right
    tick = nice_ceiling(max(_values(points), default=0) / 4)  # about four steps of a round size
    steps = max(1, math.ceil(max(_values(points), default=0) / tick - 1e-9))
    ceiling = tick * steps
    body = _legend(20, previous=with_previous, line=True)

    def y_of(value: float) -> float:
        return top_margin + plot_height - plot_height * value / ceiling

    for step in range(steps + 1):
        value = tick * step
        y = y_of(value)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}"></line>')
        body.append(f'<text x="{left - 8}" y="{y + 5:.1f}" text-anchor="end" fill="{INK}">{escape(fmt(value))}</text>')
    if not _values(points):
        body.append(
            f'<text x="{left + 8}" y="{top_margin + plot_height / 2:.1f}" fill="{INK}">'
            f"{escape(_('No values for this period.'))}</text>"
        )
    count = len(points)

    # The first and last points sit in from the ends by half a label, so their names fit.
    half = min(max((len(p.label) for p in points), default=0) * CHAR_WIDTH / 2, plot_width / 4)
    inset = max(0.0, half - right + 4)

    def x_of(index: int) -> float:
        if count == 1:
            return left + plot_width / 2
        return left + inset + (plot_width - 2 * inset) * index / (count - 1)

    current = [(x_of(i), y_of(p.value)) if p.value is not None else None for i, p in enumerate(points)]
    previous = [(x_of(i), y_of(p.previous)) if p.previous is not None else None for i, p in enumerate(points)]
    if with_previous:
        body.extend(_path(run, stroke=PREVIOUS, width=3, dashed=True) for run in _segments(previous))
    body.extend(_path(run, stroke=BAR, width=4, dashed=False) for run in _segments(current))
    named = axis_labels([p.label for p in points], width=plot_width - 2 * inset)
    shown = [p.value for p in points if p.value is not None]
    highest = max(shown, default=None)
    last_index = max((i for i, p in enumerate(points) if p.value is not None), default=None)
    for index, point in enumerate(points):
        x = x_of(index)
        if index in named:
            body.append(
                f'<text x="{x:.1f}" y="{height - 14}" text-anchor="middle" fill="{INK}">{escape(point.label)}</text>'
            )
        if point.value is None:
            continue
        y = y_of(point.value)
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{BAR}"></circle>')
        if count <= 12 or point.value == highest or index == last_index:
            body.append(
                f'<text x="{x:.1f}" y="{y - 10:.1f}" text-anchor="middle" fill="{INK}" font-weight="700">'
                f"{escape(fmt(point.value))}</text>"
            )
    return _svg(
        chart_id=chart_id,
        title=title,
        description=description if description is not None else describe(points, fmt=fmt),
        height=height,
        body=body,
    )
