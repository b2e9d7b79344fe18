"""Geometry of the bar charts on the statistics page, drawn as SVG by a template. Pure Python.

Each bar has its label on a line above it, so that long labels fit on a phone. For
right-to-left pages the drawing is mirrored: bars grow from the right edge.
"""

from dataclasses import dataclass

WIDTH = 400
ROW_HEIGHT = 40  # a label line and a bar
LABEL_BASELINE = 15
BAR_TOP = 20
BAR_HEIGHT = 14
VALUE_GAP = 6
VALUE_ROOM = 48  # for the count written after the longest bar
PADDING = 4


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    label_x: float
    label_y: float
    bar_x: float
    bar_y: float
    bar_width: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bar_height: int
    bars: list[Bar]
    total: int


def bar_chart(rows, *, rtl: bool = False) -> BarChart:
    """Lay out (label, value) rows as horizontal bars scaled to the largest value."""
    rows = list(rows)
    largest = max((value for _label, value in rows), default=0)
    room = WIDTH - 2 * PADDING - VALUE_ROOM
    bars = [
        _bar(index, label, value, largest, room, rtl) for index, (label, value) in enumerate(rows)
    ]
    return BarChart(
        width=WIDTH,
        height=max(len(rows), 1) * ROW_HEIGHT + PADDING,
        bar_height=BAR_HEIGHT,
        bars=bars,
        total=sum(value for _label, value in rows),
    )


def _bar(index, label, value, largest, room, rtl) -> Bar:
    top = PADDING + index * ROW_HEIGHT
    width = room * value / largest if largest else 0
    # Measured from the start edge (left in ltr, right in rtl), then mirrored if need be.
    bar_start, value_start = PADDING, PADDING + width + VALUE_GAP
    return Bar(
        label=label,
        value=value,
        label_x=_mirror(PADDING, rtl),
        label_y=top + LABEL_BASELINE,
        bar_x=_mirror(bar_start + width, rtl) if rtl else bar_start,
        bar_y=top + BAR_TOP,
        bar_width=round(width, 2),
        value_x=_mirror(value_start, rtl),
        value_y=top + BAR_TOP + BAR_HEIGHT - 2,
    )


def _mirror(x: float, rtl: bool) -> float:
    return round(WIDTH - x, 2) if rtl else round(x, 2)
