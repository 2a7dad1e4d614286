"""Static SVG charts for printed reports: bars, diverging stacked bars, lines, scatter, radar.

WeasyPrint runs no JavaScript, so the report cannot use the explorer's ECharts; these pure
functions draw the same readings as plain SVG. They take texts already translated and
numbers already formatted (the caller knows the language), and return an ``<svg>`` element
as a string that a template embeds inline. Sizes are in CSS pixels (96 per inch): a chart
680 px wide fills the text width of an A4 page with 2 cm margins.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

__all__ = [
    "FONT_FAMILY",
    "QUADRANT_COLORS",
    "Bar",
    "Component",
    "Point",
    "RadarSeries",
    "StackedRow",
    "bar_chart",
    "line_chart",
    "nice_ticks",
    "radar_chart",
    "scatter_chart",
    "shift_share_chart",
    "stacked_ticks",
    "text_width",
    "truncate",
]

FONT_FAMILY = "Noto Sans, DejaVu Sans, sans-serif"
_INK = "#1f2933"
_MUTED = "#52606d"
_GRID = "#d9dee3"
_BAR = "#1d5f8c"
_HIGHLIGHT = "#c2410c"
# Average advance of a character of Noto Sans / DejaVu Sans, as a share of the font size.
_CHAR_WIDTH = 0.56


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _plain(value: float) -> str:
    return f"{value:g}"


def _n(value: float) -> str:
    """A coordinate with one decimal and no trailing zeros ("12", "12.5")."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def text_width(text: str, size: float) -> float:
    """Estimated width in px of ``text`` at font ``size`` (no font metrics at hand).

    >>> text_width("abcd", 10)
    22.4
    """
    return round(len(text) * size * _CHAR_WIDTH, 1)


def truncate(text: str, width: float, size: float) -> str:
    """``text`` cut with an ellipsis so that it fits ``width`` px at font ``size``.

    >>> truncate("Manufacture of motor vehicles", 100, 10)
    'Manufacture of m…'
    >>> truncate("Short", 100, 10)
    'Short'
    """
    # The epsilon keeps a label that fits exactly (44.8 / 5.6 = 7.999...) whole.
    room = int(width / (size * _CHAR_WIDTH) + 1e-6)
    if len(text) <= room:
        return text
    return text[: max(room - 1, 1)].rstrip(" ,;") + "…"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``low``..``high`` (steps of 1, 2 or 5 times a power of 10).

    >>> nice_ticks(0, 5.06)
    [0.0, 2.0, 4.0, 6.0]
    >>> nice_ticks(-2400, 900, 4)
    [-3000.0, -2000.0, -1000.0, 0.0, 1000.0]
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"expected finite bounds, got {low}, {high}")
    if high < low:
        low, high = high, low
    if high == low:
        high = low + 1.0
    raw = (high - low) / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    n = round((last - first) / step)
    return [round(first + i * step, 10) + 0.0 for i in range(n + 1)]


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value, the value as the reader writes it, and a highlight."""

    label: str
    value: float
    text: str
    highlight: bool = False


def _svg_open(width: float, height: float, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" role="img" '
        f'font-family="{_attr(FONT_FAMILY)}" font-size="11" fill="{_INK}">',
        f"<title>{escape(title)}</title>",
    ]


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    axis_label: str = "",
    reference: float | None = None,
    reference_label: str = "",
    tick_format: Callable[[float], str] = _plain,
    width: float = 680,
    row_height: float = 22,
) -> str:
    """Horizontal bars, largest first as given, with the value written at each bar's end.

    Parameters
    ----------
    bars : sequence of Bar
        In the order to draw, top to bottom; values may be negative.
    title : str
        The accessible title (``<title>``); the visible caption is the document's.
    axis_label : str
        Written under the value axis.
    reference : float, optional
        A dashed vertical line at this value (1 for location quotients) ...
    reference_label : str
        ... with this text at its top.
    tick_format : callable, optional
        Writes a tick value as the reader does (plain ``{:g}`` by default).
    width, row_height : float
        Size in px; the height follows from the number of bars.

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    size = 11.0
    labels = [b.label for b in bars]
    label_room = min(max((text_width(t, size) for t in labels), default=0.0), width * 0.46) + 8
    value_room = max((text_width(b.text, size) for b in bars), default=0.0) + 10
    top = 24.0 if reference is not None and reference_label else 8.0
    plot_left, plot_right = label_room, width - value_room
    plot_height = row_height * len(bars)
    height = top + plot_height + (40 if axis_label else 24)
    values = [b.value for b in bars if math.isfinite(b.value)]
    if reference is not None:
        values.append(reference)
    ticks = nice_ticks(min([0.0, *values]), max([0.0, *values]), 5)
    low, high = ticks[0], ticks[-1]

    def x(value: float) -> float:
        return plot_left + (value - low) / (high - low) * (plot_right - plot_left)

    out = _svg_open(width, height, title)
    for tick in ticks:
        out.append(
            f'<line x1="{_n(x(tick))}" y1="{_n(top)}" x2="{_n(x(tick))}" '
            f'y2="{_n(top + plot_height)}" stroke="{_GRID}" stroke-width="0.8"/>'
        )
    for i, bar in enumerate(bars):
        y = top + i * row_height
        mid = y + row_height / 2 + size * 0.36
        out.append(
            f'<text x="{_n(plot_left - 6)}" y="{_n(mid)}" text-anchor="end">'
            f"{escape(truncate(bar.label, label_room - 8, size))}</text>"
        )
        if not math.isfinite(bar.value):
            continue
        start, end = sorted((x(0.0), x(bar.value)))
        colour = _HIGHLIGHT if bar.highlight else _BAR
        out.append(
            f'<rect x="{_n(start)}" y="{_n(y + 4)}" width="{_n(max(end - start, 0.8))}" '
            f'height="{_n(row_height - 8)}" fill="{colour}"/>'
        )
        out.append(
            f'<text x="{_n(max(x(bar.value), x(0.0)) + 4)}" y="{_n(mid)}">{escape(bar.text)}</text>'
        )
    out.append(
        f'<line x1="{_n(x(0.0))}" y1="{_n(top)}" x2="{_n(x(0.0))}" '
        f'y2="{_n(top + plot_height)}" stroke="{_MUTED}" stroke-width="1"/>'
    )
    if reference is not None:
        rx = x(reference)
        out.append(
            f'<line x1="{_n(rx)}" y1="{_n(top - 4)}" x2="{_n(rx)}" y2="{_n(top + plot_height)}" '
            f'stroke="{_HIGHLIGHT}" stroke-width="1.2" stroke-dasharray="4 3"/>'
        )
        if reference_label:
            out.append(
                f'<text x="{_n(rx + 4)}" y="{_n(top - 8)}" fill="{_HIGHLIGHT}" font-size="10">'
                f"{escape(reference_label)}</text>"
            )
    out.extend(
        _tick_labels(ticks, x, top + plot_height, axis_label, plot_left, plot_right, tick_format)
    )
    out.append("</svg>")
    return "".join(out)


def _tick_labels(
    ticks: Sequence[float],
    x: Callable[[float], float],
    baseline: float,
    axis_label: str,
    left: float,
    right: float,
    tick_format: Callable[[float], str],
) -> list[str]:
    out = []
    for tick in ticks:
        text = tick_format(tick)
        out.append(
            f'<text x="{_n(x(tick))}" y="{_n(baseline + 14)}" text-anchor="middle" '
            f'fill="{_MUTED}" font-size="10">{escape(text)}</text>'
        )
    if axis_label:
        out.append(
            f'<text x="{_n((left + right) / 2)}" y="{_n(baseline + 32)}" text-anchor="middle" '
            f'fill="{_MUTED}" font-size="10">{escape(axis_label)}</text>'
        )
    return out


@dataclass(frozen=True)
class Component:
    """One stacked part of a row: its key in :attr:`StackedRow.parts`, label and colour."""

    key: str
    label: str
    color: str


@dataclass(frozen=True)
class StackedRow:
    """A row of a diverging stacked chart: parts by component key, and the written total."""

    label: str
    parts: dict[str, float]
    total: float
    total_text: str
    extra: dict[str, str] = field(default_factory=dict)


def shift_share_chart(
    rows: Sequence[StackedRow],
    components: Sequence[Component],
    *,
    title: str,
    total_label: str,
    axis_label: str = "",
    tick_format: Callable[[float], str] = _plain,
    width: float = 680,
    row_height: float = 22,
) -> str:
    """Diverging stacked bars: positive parts to the right of zero, negative ones to the left,
    with a black mark at each row's total and the total written at the right.

    Parameters
    ----------
    rows : sequence of StackedRow
        Top to bottom.
    components : sequence of Component
        The parts, in stacking order, and the legend.
    title : str
        The accessible title.
    total_label : str
        Legend text of the total mark (e.g. "Change").
    axis_label : str
        Written under the value axis.
    tick_format : callable, optional
        Writes a tick value as the reader does (plain ``{:g}`` by default).
    width, row_height : float
        Size in px.

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    size = 11.0
    label_room = min(max((text_width(r.label, size) for r in rows), default=0.0), width * 0.4) + 8
    value_room = max((text_width(r.total_text, size) for r in rows), default=0.0) + 12
    entries = [(c.label, c.color) for c in components] + [(total_label, "")]
    legend = _legend_layout([label for label, _ in entries], size, width - 6)
    top = 20.0 * (max(line for _, line in legend) + 1) + 6
    plot_left, plot_right = label_room, width - value_room
    plot_height = row_height * len(rows)
    height = top + plot_height + (40 if axis_label else 24)
    ticks = stacked_ticks(rows, components)
    low, high = ticks[0], ticks[-1]

    def x(value: float) -> float:
        return plot_left + (value - low) / (high - low) * (plot_right - plot_left)

    out = _svg_open(width, height, title)
    for (label, colour), (lx, line) in zip(entries, legend, strict=True):
        ly = 4 + 20 * line
        if colour:
            out.append(f'<rect x="{_n(lx)}" y="{_n(ly)}" width="12" height="12" fill="{colour}"/>')
        else:  # the total's mark, as drawn on the rows
            out.append(f'<rect x="{_n(lx + 4)}" y="{_n(ly)}" width="3" height="12" fill="{_INK}"/>')
        out.append(f'<text x="{_n(lx + 17)}" y="{_n(ly + 10)}">{escape(label)}</text>')
    for tick in ticks:
        out.append(
            f'<line x1="{_n(x(tick))}" y1="{_n(top)}" x2="{_n(x(tick))}" '
            f'y2="{_n(top + plot_height)}" stroke="{_GRID}" stroke-width="0.8"/>'
        )
    for i, row in enumerate(rows):
        y = top + i * row_height
        mid = y + row_height / 2 + size * 0.36
        out.append(
            f'<text x="{_n(plot_left - 6)}" y="{_n(mid)}" text-anchor="end">'
            f"{escape(truncate(row.label, label_room - 8, size))}</text>"
        )
        positive, negative = 0.0, 0.0
        for component in components:
            value = row.parts.get(component.key, 0.0)
            if not math.isfinite(value) or value == 0:
                continue
            if value > 0:
                start, end = positive, positive + value
                positive = end
            else:
                start, end = negative + value, negative
                negative = start
            out.append(
                f'<rect x="{_n(x(start))}" y="{_n(y + 5)}" '
                f'width="{_n(max(x(end) - x(start), 0.6))}" height="{_n(row_height - 10)}" '
                f'fill="{component.color}"/>'
            )
        if math.isfinite(row.total):
            out.append(
                f'<rect x="{_n(x(row.total) - 1.5)}" y="{_n(y + 2)}" width="3" '
                f'height="{_n(row_height - 4)}" fill="{_INK}"/>'
            )
        out.append(
            f'<text x="{_n(width - 2)}" y="{_n(mid)}" text-anchor="end">'
            f"{escape(row.total_text)}</text>"
        )
    out.append(
        f'<line x1="{_n(x(0.0))}" y1="{_n(top)}" x2="{_n(x(0.0))}" '
        f'y2="{_n(top + plot_height)}" stroke="{_MUTED}" stroke-width="1"/>'
    )
    out.extend(
        _tick_labels(ticks, x, top + plot_height, axis_label, plot_left, plot_right, tick_format)
    )
    out.append("</svg>")
    return "".join(out)


def _legend_layout(labels: Sequence[str], size: float, width: float) -> list[tuple[float, int]]:
    """``(x, line)`` of each legend entry (a 12 px swatch and its label): right-aligned on
    one line when it fits, else wrapped onto as many lines as needed from the left.

    >>> _legend_layout(["ab", "cd"], 10, 200)
    [(125.6, 0), (171.8, 0)]
    >>> [line for _, line in _legend_layout(["a" * 30, "b" * 30], 10, 200)]
    [0, 1]
    """
    steps = [17 + text_width(label, size) + 18 for label in labels]
    if sum(steps) - 18 <= width:
        x = width - (sum(steps) - 18)
        placed = []
        for step in steps:
            placed.append((round(x, 1), 0))
            x += step
        return placed
    placed, x, line = [], 0.0, 0
    for step in steps:
        if x > 0 and x + step - 18 > width:
            x, line = 0.0, line + 1
        placed.append((round(x, 1), line))
        x += step
    return placed


def stacked_ticks(rows: Sequence[StackedRow], components: Sequence[Component]) -> list[float]:
    """The ticks :func:`shift_share_chart` draws for ``rows`` (to format their labels first)."""
    lows, highs = [0.0], [0.0]
    for row in rows:
        parts = [row.parts.get(c.key, 0.0) for c in components]
        parts = [p for p in parts if math.isfinite(p)]
        lows.append(sum(p for p in parts if p < 0))
        highs.append(sum(p for p in parts if p > 0))
        if math.isfinite(row.total):
            lows.append(row.total)
            highs.append(row.total)
    return nice_ticks(min(lows), max(highs), 5)


def line_chart(
    points: Sequence[tuple[float, float]],
    *,
    title: str,
    unit: str = "",
    mark: float | None = None,
    value_format: Callable[[float], str] = _plain,
    width: float = 320,
    height: float = 170,
) -> str:
    """A small line over years with dots, the ``unit`` above the value axis and the point at
    ``mark`` (the report's year) highlighted and labelled.

    Parameters
    ----------
    points : sequence of (x, y)
        Ordered by x (years); at least two.
    title : str
        The accessible title.
    unit : str
        Written above the value axis.
    mark : float, optional
        The x whose point is highlighted and written.
    value_format : callable
        Writes values (ticks and the marked point) as the reader does.
    width, height : float
        Size in px.

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    if len(points) < 2:
        raise ValueError(f"expected at least 2 points, got {len(points)}")
    size = 10.0
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    ticks = nice_ticks(min(ys), max(ys), 4)
    tick_texts = [value_format(t) for t in ticks]
    left = max(text_width(t, size) for t in tick_texts) + 8
    top, right, bottom = 22.0, 12.0, 22.0
    low, high = ticks[0], ticks[-1]

    def x(value: float) -> float:
        span = (xs[-1] - xs[0]) or 1.0
        return left + (value - xs[0]) / span * (width - left - right)

    def y(value: float) -> float:
        return top + (high - value) / (high - low) * (height - top - bottom)

    out = _svg_open(width, height, title)
    out.append(f'<text x="0" y="11" fill="{_MUTED}" font-size="{size:g}">{escape(unit)}</text>')
    for tick, text in zip(ticks, tick_texts, strict=True):
        out.append(
            f'<line x1="{_n(left)}" y1="{_n(y(tick))}" x2="{_n(width - right)}" '
            f'y2="{_n(y(tick))}" stroke="{_GRID}" stroke-width="0.8"/>'
        )
        out.append(
            f'<text x="{_n(left - 5)}" y="{_n(y(tick) + 3.5)}" text-anchor="end" '
            f'fill="{_MUTED}" font-size="{size:g}">{escape(text)}</text>'
        )
    every = 1 if len(xs) <= 8 else 2 if len(xs) <= 16 else 5
    for i, value in enumerate(xs):
        if i % every == 0:
            out.append(
                f'<text x="{_n(x(value))}" y="{_n(height - 6)}" text-anchor="middle" '
                f'fill="{_MUTED}" font-size="{size:g}">{value:g}</text>'
            )
    line = " ".join(f"{_n(x(a))},{_n(y(b))}" for a, b in points)
    out.append(f'<polyline points="{line}" fill="none" stroke="{_BAR}" stroke-width="2"/>')
    for a, b in points:
        marked = mark is not None and a == mark
        out.append(
            f'<circle cx="{_n(x(a))}" cy="{_n(y(b))}" r="{3.5 if marked else 2.2}" '
            f'fill="{_HIGHLIGHT if marked else _BAR}"/>'
        )
        if marked:
            text = value_format(b)
            anchor = "end" if x(a) > width * 0.6 else "start"
            dx = -6 if anchor == "end" else 6
            out.append(
                f'<text x="{_n(x(a) + dx)}" y="{_n(y(b) - 7)}" text-anchor="{anchor}" '
                f'fill="{_HIGHLIGHT}" font-size="{size:g}" font-weight="bold">{escape(text)}</text>'
            )
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class Point:
    """A dot of a scatter chart; ``size`` 0-1 scales its radius, ``label`` is written beside it."""

    x: float
    y: float
    label: str = ""
    size: float = 0.0


#: Quadrant colours of :func:`scatter_chart`: top right, top left, bottom right, bottom left.
QUADRANT_COLORS = ("#009E73", "#E69F00", "#0072B2", "#9aa5b1")


def _place_label(
    text: str,
    cx: float,
    cy: float,
    radius: float,
    size: float,
    taken: Sequence[tuple[float, float, float, float]],
) -> tuple[float, float, float, float]:
    """The box ``(x0, y0, x1, y1)`` for a dot's label: right of the dot, else left, above or
    below, whichever first overlaps no label placed before (else right, overlapping)."""
    w, h = text_width(text, size), size + 2
    candidates = [
        (cx + radius + 2, cy - h / 2),
        (cx - radius - 2 - w, cy - h / 2),
        (cx - w / 2, cy - radius - 1 - h),
        (cx - w / 2, cy + radius + 1),
    ]
    for x0, y0 in candidates:
        box = (x0, y0, x0 + w, y0 + h)
        if not any(
            box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken
        ):
            return box
    x0, y0 = candidates[0]
    return (x0, y0, x0 + w, y0 + h)


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def scatter_chart(
    points: Sequence[Point],
    *,
    title: str,
    x_label: str,
    y_label: str,
    quadrant_labels: Sequence[str],
    x_format: Callable[[float], str] = _plain,
    y_format: Callable[[float], str] = _plain,
    width: float = 660,
    height: float = 320,
) -> str:
    """Dots split into quadrants by the medians of x and y, coloured by quadrant, with the
    quadrants named in the plot's corners (Balland et al. 2019's feasibility-complexity plot).

    Parameters
    ----------
    points : sequence of Point
        Finite coordinates; at least one.
    title, x_label, y_label : str
        The accessible title and the axis names.
    quadrant_labels : sequence of 4 str
        Top right, top left, bottom right, bottom left.
    x_format, y_format : callable
        Write tick values as the reader does.
    width, height : float
        Size in px.

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    if not points:
        raise ValueError("expected at least one point")
    if len(quadrant_labels) != 4:
        raise ValueError(f"expected 4 quadrant labels, got {len(quadrant_labels)}")
    size = 10.0
    xs, ys = [p.x for p in points], [p.y for p in points]
    x_ticks, y_ticks = nice_ticks(min(xs), max(xs), 5), nice_ticks(min(ys), max(ys), 4)
    y_texts = [y_format(t) for t in y_ticks]
    left = max(text_width(t, size) for t in y_texts) + 22
    top, right, bottom = 8.0, 10.0, 40.0

    def x(value: float) -> float:
        return left + (value - x_ticks[0]) / (x_ticks[-1] - x_ticks[0]) * (width - left - right)

    def y(value: float) -> float:
        return top + (y_ticks[-1] - value) / (y_ticks[-1] - y_ticks[0]) * (height - top - bottom)

    x_mid, y_mid = _median(xs), _median(ys)
    out = _svg_open(width, height, title)
    for tick in x_ticks:
        out.append(
            f'<line x1="{_n(x(tick))}" y1="{_n(top)}" x2="{_n(x(tick))}" '
            f'y2="{_n(height - bottom)}" stroke="{_GRID}" stroke-width="0.8"/>'
        )
        out.append(
            f'<text x="{_n(x(tick))}" y="{_n(height - bottom + 13)}" text-anchor="middle" '
            f'fill="{_MUTED}" font-size="{size:g}">{escape(x_format(tick))}</text>'
        )
    for tick, text in zip(y_ticks, y_texts, strict=True):
        out.append(
            f'<line x1="{_n(left)}" y1="{_n(y(tick))}" x2="{_n(width - right)}" '
            f'y2="{_n(y(tick))}" stroke="{_GRID}" stroke-width="0.8"/>'
        )
        out.append(
            f'<text x="{_n(left - 5)}" y="{_n(y(tick) + 3.5)}" text-anchor="end" '
            f'fill="{_MUTED}" font-size="{size:g}">{escape(text)}</text>'
        )
    out.append(
        f'<text x="{_n((left + width - right) / 2)}" y="{_n(height - 6)}" text-anchor="middle" '
        f'fill="{_MUTED}" font-size="{size:g}">{escape(x_label)}</text>'
    )
    cy = (top + height - bottom) / 2
    out.append(
        f'<text x="10" y="{_n(cy)}" text-anchor="middle" fill="{_MUTED}" font-size="{size:g}" '
        f'transform="rotate(-90 10 {_n(cy)})">{escape(y_label)}</text>'
    )
    for x1, y1, x2, y2 in (
        (x(x_mid), top, x(x_mid), height - bottom),
        (left, y(y_mid), width - right, y(y_mid)),
    ):
        out.append(
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{_MUTED}" '
            f'stroke-width="1" stroke-dasharray="4 3"/>'
        )

    def radius(point: Point) -> float:
        return 3.0 + 7.0 * math.sqrt(min(max(point.size, 0.0), 1.0))

    for point in sorted(points, key=lambda p: -p.size):
        quadrant = (
            (0 if point.x >= x_mid else 1) if point.y >= y_mid else (2 if point.x >= x_mid else 3)
        )
        out.append(
            f'<circle cx="{_n(x(point.x))}" cy="{_n(y(point.y))}" r="{_n(radius(point))}" '
            f'fill="{QUADRANT_COLORS[quadrant]}" fill-opacity="0.8" stroke="#ffffff" '
            f'stroke-width="0.8"/>'
        )
    halo = 'stroke="#ffffff" stroke-width="3" stroke-linejoin="round"'
    taken: list[tuple[float, float, float, float]] = []
    for point in points:
        if not point.label:
            continue
        box = _place_label(point.label, x(point.x), y(point.y), radius(point), 9.0, taken)
        taken.append(box)
        for stroke in (halo, ""):
            out.append(
                f'<text x="{_n(box[0])}" y="{_n(box[3] - 2)}" font-size="9" {stroke}>'
                f"{escape(point.label)}</text>"
            )
    corners = (
        (width - right - 4, top + 12, "end"),
        (left + 4, top + 12, "start"),
        (width - right - 4, height - bottom - 6, "end"),
        (left + 4, height - bottom - 6, "start"),
    )
    for (cx, cy2, anchor), label, colour in zip(
        corners, quadrant_labels, QUADRANT_COLORS, strict=True
    ):
        for stroke in (halo, ""):
            out.append(
                f'<text x="{_n(cx)}" y="{_n(cy2)}" text-anchor="{anchor}" fill="{colour}" '
                f'font-size="{size:g}" font-weight="bold" {stroke}>{escape(label)}</text>'
            )
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class RadarSeries:
    """One polygon of a radar chart: its legend label, a value per axis (None: unknown,
    drawn at the centre without a dot), colour, and whether its outline is dashed."""

    label: str
    values: Sequence[float | None]
    color: str
    dashed: bool = False


def radar_point(
    index: int, count: int, value: float, max_value: float, cx: float, cy: float, radius: float
) -> tuple[float, float]:
    """Where ``value`` on axis ``index`` of ``count`` lies; axis 0 points straight up and the
    axes go clockwise.

    >>> radar_point(0, 4, 5, 5, 100, 100, 50)
    (100.0, 50.0)
    >>> radar_point(1, 4, 2.5, 5, 100, 100, 50)
    (125.0, 100.0)
    """
    angle = 2 * math.pi * index / count
    r = radius * max(0.0, min(value, max_value)) / max_value
    return (round(cx + r * math.sin(angle), 6), round(cy - r * math.cos(angle), 6))


def radar_chart(
    axes: Sequence[str],
    series: Sequence[RadarSeries],
    *,
    title: str,
    max_value: float,
    ring_format: Callable[[float], str] = _plain,
    width: float = 660,
    height: float = 330,
) -> str:
    """A radar (spider) chart: one axis per theme from 0 at the centre to ``max_value`` at
    the rim, a ring at every whole step, and one closed polygon per series with a dot at
    each known value; the legend is written at the top left.

    Parameters
    ----------
    axes : sequence of str
        Axis names, clockwise from the top; at least three.
    series : sequence of RadarSeries
        Drawn in order (the first on the bottom); each with a value per axis.
    title : str
        The accessible title.
    max_value : float
        The top of the scale (5 for a 0-5 self-assessment).
    ring_format : callable
        Writes the ring values as the reader does.
    width, height : float
        Size in px.

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    if len(axes) < 3:
        raise ValueError(f"expected at least 3 axes, got {len(axes)}")
    if max_value <= 0:
        raise ValueError(f"expected a positive max_value, got {max_value}")
    for s in series:
        if len(s.values) != len(axes):
            raise ValueError(
                f"expected {len(axes)} values in series {s.label!r}, got {len(s.values)}"
            )
    size = 10.0
    legend_room = max((text_width(s.label, size) for s in series), default=0.0) + 30
    label_room = min(max(text_width(a, size) for a in axes), width * 0.22) + 8
    cx = legend_room + (width - legend_room) / 2
    cy = height / 2 + 4
    radius = max(min((width - legend_room) / 2 - label_room - 6, height / 2 - 26), 20.0)
    n = len(axes)
    out = _svg_open(width, height, title)
    steps = max(math.floor(max_value), 1)
    for step in range(1, steps + 1):
        value = max_value * step / steps
        ring = " ".join(
            f"{_n(x)},{_n(y)}"
            for x, y in (radar_point(i, n, value, max_value, cx, cy, radius) for i in range(n))
        )
        out.append(f'<polygon points="{ring}" fill="none" stroke="{_GRID}" stroke-width="0.8"/>')
        _x, ry = radar_point(0, n, value, max_value, cx, cy, radius)
        out.append(
            f'<text x="{_n(cx + 3)}" y="{_n(ry + 9)}" fill="{_MUTED}" font-size="8">'
            f"{escape(ring_format(value))}</text>"
        )
    for i, axis in enumerate(axes):
        x, y = radar_point(i, n, max_value, max_value, cx, cy, radius)
        out.append(
            f'<line x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(x)}" y2="{_n(y)}" stroke="{_GRID}" '
            f'stroke-width="0.8"/>'
        )
        lx, ly = radar_point(i, n, max_value * 1.07, max_value * 1.07, cx, cy, radius * 1.07)
        anchor = "middle" if abs(lx - cx) < 4 else ("start" if lx > cx else "end")
        dy = -3 if ly < cy - 4 else (size if ly > cy + 4 else size * 0.36)
        out.append(
            f'<text x="{_n(lx)}" y="{_n(ly + dy)}" text-anchor="{anchor}" font-size="{size:g}">'
            f"{escape(truncate(axis, label_room, size))}</text>"
        )
    for s in series:
        points = [
            radar_point(i, n, v if v is not None else 0.0, max_value, cx, cy, radius)
            for i, v in enumerate(s.values)
        ]
        dash = ' stroke-dasharray="5 3"' if s.dashed else ""
        fill = f'fill="{s.color}" fill-opacity="0.12"' if not s.dashed else 'fill="none"'
        out.append(
            f'<polygon points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in points)}" {fill} '
            f'stroke="{s.color}" stroke-width="2"{dash}/>'
        )
        for (x, y), v in zip(points, s.values, strict=True):
            if v is not None:
                out.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2.6" fill="{s.color}"/>')
    for k, s in enumerate(series):
        ly = 10 + 18 * k
        dash = ' stroke-dasharray="5 3"' if s.dashed else ""
        out.append(
            f'<line x1="2" y1="{_n(ly + 5)}" x2="20" y2="{_n(ly + 5)}" stroke="{s.color}" '
            f'stroke-width="2.5"{dash}/>'
        )
        out.append(f'<text x="25" y="{_n(ly + 9)}" font-size="{size:g}">{escape(s.label)}</text>')
    out.append("</svg>")
    return "".join(out)
