"""Static SVG figures of the plan monitoring report: progress against the targets and a
Gantt-like timeline of actions and milestones.

Like :mod:`._svg`, these are pure functions of texts already translated and numbers already
formatted, returning an inline ``<svg>`` element; sizes in CSS pixels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal
from xml.sax.saxutils import escape

from polisee.services.reports._svg import (
    _GRID,
    _HIGHLIGHT,
    _INK,
    _MUTED,
    _legend_layout,
    _n,
    _svg_open,
    text_width,
    truncate,
)

__all__ = [
    "STATUS_COLORS",
    "GanttMark",
    "GanttRow",
    "ProgressRow",
    "gantt_chart",
    "progress_chart",
    "year_ticks",
]

MarkStatus = Literal["done", "overdue", "due_soon", "upcoming"]
KpiStatus = Literal["achieved", "on_track", "behind", "no_data"]

#: Colours of KPI and milestone states (colour-blind safe, Okabe-Ito), shared by the legend.
STATUS_COLORS: dict[str, str] = {
    "achieved": "#009E73",
    "on_track": "#0072B2",
    "behind": "#D55E00",
    "no_data": "#9aa5b1",
    "done": "#009E73",
    "overdue": "#D55E00",
    "due_soon": "#E69F00",
    "upcoming": "#52606d",
}


@dataclass(frozen=True)
class ProgressRow:
    """A KPI's bar: label, the share of the way travelled (None: no value), the share a
    straight path would have reached (None: unknown), its status and the share as written."""

    label: str
    share: float | None
    expected: float | None
    status: KpiStatus
    text: str


def progress_chart(
    rows: Sequence[ProgressRow],
    *,
    title: str,
    legend: Sequence[tuple[KpiStatus, str]],
    expected_label: str,
    target_label: str,
    tick_format: Callable[[float], str],
    width: float = 660,
    row_height: float = 24,
) -> str:
    """Horizontal bars of the way travelled towards each KPI's target (0 = baseline,
    1 = target), coloured by status, with a black tick at the expected share and a dashed
    line at the target; shares are clipped to -0.5..1.5 and written at the bar's end.

    Parameters
    ----------
    rows : sequence of ProgressRow
        Top to bottom.
    title : str
        The accessible title.
    legend : sequence of (status, label)
        The statuses to explain, in order.
    expected_label, target_label : str
        Legend text of the expected-share tick, label of the target line.
    tick_format : callable
        Writes a share (0.5) as the reader does ("50 %").
    width, row_height : float
        Size in px.

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    size = 10.5
    label_room = min(max((text_width(r.label, size) for r in rows), default=0.0), width * 0.4) + 8
    value_room = max((text_width(r.text, size) for r in rows), default=0.0) + 10
    entries = [label for _, label in legend] + [expected_label]
    placed = _legend_layout(entries, 10, width - 6)
    top = 20.0 * (max(line for _, line in placed) + 1) + 18
    low = min([0.0, *(max(r.share, -0.5) for r in rows if r.share is not None)])
    high = max([1.0, *(min(r.share, 1.5) for r in rows if r.share is not None)])
    plot_left, plot_right = label_room, width - value_room
    plot_height = row_height * len(rows)
    height = top + plot_height + 24

    def x(value: float) -> float:
        return plot_left + (value - low) / (high - low) * (plot_right - plot_left)

    out = _svg_open(width, height, title)
    for (label, (lx, line)), key in zip(
        zip(entries, placed, strict=True), [*(k for k, _ in legend), ""], strict=True
    ):
        ly = 4 + 20 * line
        if key:
            out.append(
                f'<rect x="{_n(lx)}" y="{_n(ly)}" width="12" height="12" '
                f'fill="{STATUS_COLORS[key]}"/>'
            )
        else:
            out.append(f'<rect x="{_n(lx + 4)}" y="{_n(ly)}" width="3" height="12" fill="{_INK}"/>')
        out.append(
            f'<text x="{_n(lx + 17)}" y="{_n(ly + 10)}" font-size="10">{escape(label)}</text>'
        )
    ticks = [t / 4 for t in range(int(low * 4), int(high * 4) + 1)]
    for tick in ticks:
        out.append(
            f'<line x1="{_n(x(tick))}" y1="{_n(top)}" x2="{_n(x(tick))}" '
            f'y2="{_n(top + plot_height)}" stroke="{_GRID}" stroke-width="0.8"/>'
        )
        out.append(
            f'<text x="{_n(x(tick))}" y="{_n(top + plot_height + 14)}" text-anchor="middle" '
            f'fill="{_MUTED}" font-size="10">{escape(tick_format(tick))}</text>'
        )
    for i, row in enumerate(rows):
        y = top + i * row_height
        mid = y + row_height / 2 + size * 0.36
        out.append(
            f'<text x="{_n(plot_left - 6)}" y="{_n(mid)}" text-anchor="end" '
            f'font-size="{size:g}">{escape(truncate(row.label, label_room - 8, size))}</text>'
        )
        end = x(0.0)
        if row.share is not None:
            share = min(max(row.share, -0.5), 1.5)
            start, stop = sorted((x(0.0), x(share)))
            out.append(
                f'<rect x="{_n(start)}" y="{_n(y + 5)}" width="{_n(max(stop - start, 1.0))}" '
                f'height="{_n(row_height - 10)}" fill="{STATUS_COLORS[row.status]}"/>'
            )
            end = max(x(share), x(0.0))
        if row.expected is not None:
            ex = x(min(max(row.expected, low), high))
            out.append(
                f'<rect x="{_n(ex - 1.5)}" y="{_n(y + 2)}" width="3" '
                f'height="{_n(row_height - 4)}" fill="{_INK}"/>'
            )
        out.append(
            f'<text x="{_n(max(end, x(1.0)) + 5)}" y="{_n(mid)}" font-size="{size:g}" '
            f'fill="{STATUS_COLORS[row.status] if row.share is None else _INK}">'
            f"{escape(row.text)}</text>"
        )
    out.append(
        f'<line x1="{_n(x(0.0))}" y1="{_n(top)}" x2="{_n(x(0.0))}" y2="{_n(top + plot_height)}" '
        f'stroke="{_MUTED}" stroke-width="1"/>'
    )
    out.append(
        f'<line x1="{_n(x(1.0))}" y1="{_n(top - 6)}" x2="{_n(x(1.0))}" '
        f'y2="{_n(top + plot_height)}" stroke="{_HIGHLIGHT}" stroke-width="1.2" '
        f'stroke-dasharray="4 3"/>'
    )
    out.append(
        f'<text x="{_n(x(1.0))}" y="{_n(top - 9)}" text-anchor="middle" fill="{_HIGHLIGHT}" '
        f'font-size="10">{escape(target_label)}</text>'
    )
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class GanttMark:
    """A milestone on a timeline row: its day and status."""

    day: date
    status: MarkStatus


@dataclass(frozen=True)
class GanttRow:
    """An action on the timeline: its label, period, colour and milestones; ``late`` marks
    an action with an overdue milestone (its label is written in the warning colour)."""

    label: str
    start: date
    end: date
    color: str
    marks: Sequence[GanttMark] = field(default_factory=tuple)
    late: bool = False


def year_ticks(start: date, end: date) -> list[date]:
    """1 January of every year from ``start``'s to the one after ``end``.

    >>> [d.year for d in year_ticks(date(2025, 3, 1), date(2027, 2, 28))]
    [2025, 2026, 2027, 2028]
    """
    return [date(y, 1, 1) for y in range(start.year, end.year + 2)]


def gantt_chart(
    rows: Sequence[GanttRow],
    *,
    title: str,
    start: date,
    end: date,
    today: date,
    today_label: str,
    legend: Sequence[tuple[MarkStatus, str]],
    width: float = 660,
    row_height: float = 22,
) -> str:
    """A Gantt-like timeline: a bar per action over its period, milestones as diamonds
    coloured by status (overdue ones in the warning colour with a ring), a dashed line at
    ``today`` and the years along the top.

    Parameters
    ----------
    rows : sequence of GanttRow
        Top to bottom.
    title : str
        The accessible title.
    start, end : date
        The period shown (the plan's); bars and marks outside are clipped to it.
    today : date
        The day of the report, drawn as a dashed line when within the period.
    today_label : str
        The text at the top of that line.
    legend : sequence of (status, label)
        Milestone statuses to explain, in order.
    width, row_height : float
        Size in px.

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    if end <= start:
        raise ValueError(f"expected a period that ends after it starts, got {start} to {end}")
    size = 10.0
    label_room = min(max((text_width(r.label, size) for r in rows), default=0.0), width * 0.36) + 8
    # The diamonds and their labels run a little wider than the bars' swatches.
    placed = _legend_layout([label for _, label in legend], size, width - 40)
    legend_height = 20.0 * (max((line for _, line in placed), default=0) + 1)
    top = legend_height + 30
    plot_left, plot_right = label_room, width - 10
    plot_height = row_height * max(len(rows), 1)
    height = top + plot_height + 8
    days = (end - start).days

    def x(day: date) -> float:
        offset = min(max((day - start).days, 0), days)
        return plot_left + offset / days * (plot_right - plot_left)

    out = _svg_open(width, height, title)
    for (status, label), (lx, line) in zip(legend, placed, strict=True):
        ly = 4 + 20 * line
        out.append(_diamond(lx + 6, ly + 6, 6, status))
        out.append(f'<text x="{_n(lx + 17)}" y="{_n(ly + 10)}">{escape(label)}</text>')
    for tick in year_ticks(start, end):
        if not start <= tick <= end:
            continue
        out.append(
            f'<line x1="{_n(x(tick))}" y1="{_n(top - 4)}" x2="{_n(x(tick))}" '
            f'y2="{_n(top + plot_height)}" stroke="{_GRID}" stroke-width="0.8"/>'
        )
    for year in range(start.year, end.year + 1):
        first, last = max(date(year, 1, 1), start), min(date(year, 12, 31), end)
        if (last - first).days < 45:
            continue
        out.append(
            f'<text x="{_n((x(first) + x(last)) / 2)}" y="{_n(top - 8)}" text-anchor="middle" '
            f'fill="{_MUTED}" font-size="{size:g}">{year}</text>'
        )
    for i, row in enumerate(rows):
        y = top + i * row_height
        mid = y + row_height / 2
        if i % 2:
            out.append(
                f'<rect x="0" y="{_n(y)}" width="{_n(width)}" height="{_n(row_height)}" '
                f'fill="#f4f6f8"/>'
            )
        colour = _HIGHLIGHT if row.late else _INK
        out.append(
            f'<text x="{_n(plot_left - 6)}" y="{_n(mid + size * 0.36)}" text-anchor="end" '
            f'fill="{colour}">{escape(truncate(row.label, label_room - 8, size))}</text>'
        )
        out.append(
            f'<rect x="{_n(x(row.start))}" y="{_n(y + 6)}" '
            f'width="{_n(max(x(row.end) - x(row.start), 2.0))}" height="{_n(row_height - 12)}" '
            f'rx="2" fill="{row.color}" fill-opacity="0.75"/>'
        )
        for mark in row.marks:
            out.append(_diamond(x(mark.day), mid, 6, mark.status))
    if start <= today <= end:
        tx = x(today)
        out.append(
            f'<line x1="{_n(tx)}" y1="{_n(top - 2)}" x2="{_n(tx)}" y2="{_n(top + plot_height)}" '
            f'stroke="{_HIGHLIGHT}" stroke-width="1.2" stroke-dasharray="4 3"/>'
        )
        anchor = "end" if tx > plot_right - 40 else "start"
        out.append(
            f'<text x="{_n(tx + (-3 if anchor == "end" else 3))}" y="{_n(top - 20)}" '
            f'text-anchor="{anchor}" fill="{_HIGHLIGHT}" font-size="9">'
            f"{escape(today_label)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _diamond(cx: float, cy: float, r: float, status: MarkStatus) -> str:
    colour = STATUS_COLORS[status]
    points = (
        f"{_n(cx)},{_n(cy - r)} {_n(cx + r)},{_n(cy)} {_n(cx)},{_n(cy + r)} {_n(cx - r)},{_n(cy)}"
    )
    if status == "upcoming":
        return f'<polygon points="{points}" fill="#ffffff" stroke="{colour}" stroke-width="1.5"/>'
    ring = (
        f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r + 3)}" fill="none" stroke="{colour}" '
        f'stroke-width="1.2" data-overdue="1"/>'
        if status == "overdue"
        else ""
    )
    return f'{ring}<polygon points="{points}" fill="{colour}" stroke="#ffffff" stroke-width="0.8"/>'
