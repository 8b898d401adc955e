"""Charts: one plotext figure per widget, themed by the app, redrawn on resize and theme change.

Only the chart views import this module, so plotext and textual_plotext load when a chart is first shown,
not at startup. Views hand a ``draw(plt, ctx)`` function to a Chart; data arrives already aggregated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot
import plotext._utility as _plotext_utility

# plotext removes duplicate points with list(set(...)), whose order follows the process's string hash seed:
# the same chart came out with its axis labels one cell apart from one run to the next. An order-keeping
# version makes every figure a function of its data and size alone (snapshot tests rely on that).
_plotext_utility.no_duplicates = lambda data: list(dict.fromkeys(data))

from tui.palette import DARK_PALETTE, LIGHT_PALETTE, SIDE_COLORS

# Markers that tell series apart without colour (NO_COLOR).
MONO_MARKERS = ("█", "▒", "░", "▓", "▞", "▚", "•", "+")
POINT_MARKERS = ("●", "◆", "▲", "■", "x", "+", "o", "*")


@dataclass(frozen=True)
class ChartContext:
    width: int
    height: int
    mono: bool
    dark: bool
    groups: tuple[str, ...] = ()  # every group of the data, in the order that fixes its colour

    @property
    def palette(self) -> tuple:
        return DARK_PALETTE if self.dark else LIGHT_PALETTE

    @property
    def muted(self):
        return None if self.mono else ((150, 150, 150) if self.dark else (110, 110, 110))

    def color(self, index: int):
        return None if self.mono else self.palette[index % len(self.palette)]

    def group_color(self, group: str):
        index = self.groups.index(group) if group in self.groups else len(self.groups)
        return self.color(index)

    def group_marker(self, group: str, *, points: bool = False) -> str | None:
        index = self.groups.index(group) if group in self.groups else len(self.groups)
        return self.marker(index, points=points)

    def side_color(self, side: str):
        return None if self.mono else SIDE_COLORS[self.dark].get(side, self.muted)

    def marker(self, index: int, *, points: bool = False) -> str | None:
        if points:
            return POINT_MARKERS[index % len(POINT_MARKERS)]
        return MONO_MARKERS[index % len(MONO_MARKERS)] if self.mono else None


def legend_text(items: list[tuple[str, object, str | None]], width: int | None = None) -> Text:
    """A legend line: a coloured swatch (or the series' marker without colour) and the name of each series."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for index, (name, color, marker) in enumerate(items):
        if index:
            text.append("   ")
        swatch = marker or "■"
        if color is None:
            text.append(swatch + " ")
        else:
            r, g, b = color if isinstance(color, tuple) else (128, 128, 128)
            text.append(swatch + " ", style=f"bold rgb({r},{g},{b})")
        text.append(safe_label(name))
    return text


Draw = Callable[[object, ChartContext], None]


class SafePlot(PlotextPlot):
    """A PlotextPlot that shows a figure built elsewhere (a thread worker), or a short message."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.figure: Text | None = None

    def render(self):
        if self.size.width < 12 or self.size.height < 5:
            return Text("(too small for a chart)", style="dim")
        return self.figure if self.figure is not None else Text("")

    def theme_name(self) -> str:
        return "clear" if self.app.no_color else self._get_plotext_theme_name(self.app.theme)


def build_figure(draw: Draw, context: ChartContext, width: int, height: int, theme: str) -> Text:
    """Run ``draw`` on a fresh plotext figure of its own and return what it builds (runs in a thread)."""
    from textual_plotext.plot import Plot

    plt = Plot()
    plt.plotsize(width, height)
    plt._set_size(width, height)
    try:
        draw(plt, context)
        plt.theme(theme)
        return Text.from_ansi(plt.build())
    except Exception as exc:  # plotext raises on degenerate sizes and data; a drawing bug must not crash the app
        return Text(f"(chart unavailable: {type(exc).__name__}: {exc})"[:200], style="dim")


class Chart(Widget):
    """A plotext chart and its legend line. ``set_draw`` stores the drawing function; the figure is built
    in a thread worker (plotext takes tens to hundreds of milliseconds) and redrawn on resize and theme change.
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._draw: Draw | None = None
        self._legend: Callable[[ChartContext], list] | None = None
        self.groups: tuple[str, ...] = ()
        self._drawn_size = (0, 0)
        self.draws = 0  # figures built (tests look at it)
        self.pending = False  # a figure is being built
        self._seq = 0

    def compose(self) -> ComposeResult:
        yield SafePlot()
        yield Static("", classes="legend", markup=False)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.redraw())

    def set_draw(self, draw: Draw, legend: Callable[[ChartContext], list] | None = None, groups: tuple[str, ...] = ()) -> None:
        """``draw(plt, ctx)`` builds the figure; ``legend(ctx)`` lists (name, colour, marker) for the legend line."""
        self._draw = draw
        self._legend = legend
        self.groups = tuple(groups)
        self.redraw()

    def on_resize(self) -> None:
        size = (self.size.width, self.size.height)
        if size != self._drawn_size:
            self._drawn_size = size
            self.redraw()

    def context(self) -> ChartContext:
        theme = self.app.current_theme
        plot = self.query_one(SafePlot)
        height = plot.size.height or max(self.size.height - 1, 1)
        return ChartContext(plot.size.width or self.size.width, height, bool(self.app.no_color), bool(theme.dark), self.groups)

    def redraw(self) -> None:
        if not self.is_mounted or self._draw is None:
            return
        plot = self.query_one(SafePlot)
        context = self.context()
        legend = self.query_one(".legend", Static)
        items = self._legend(context) if self._legend else []
        legend.update(legend_text(items))
        legend.display = bool(items)
        if context.width < 12 or context.height < 5:
            plot.refresh()
            return
        self.pending = True
        self._seq += 1
        seq, draw, theme = self._seq, self._draw, plot.theme_name()

        def build() -> None:
            figure = build_figure(draw, context, context.width, context.height, theme)
            self.app.call_from_thread(self._show_figure, seq, figure)

        self.run_worker(build, thread=True, exclusive=True, group="draw", exit_on_error=False)

    def _show_figure(self, seq: int, figure: Text) -> None:
        if seq != self._seq or not self.is_mounted:
            return  # a newer drawing (new data, a new size) superseded this one
        plot = self.query_one(SafePlot)
        plot.figure = figure
        self.draws += 1
        self.pending = False
        plot.refresh()


def short(label: str, width: int) -> str:
    """Shorten a label for an axis: keep the start and the end."""
    label = str(label)
    if len(label) <= width:
        return label
    if width <= 3:
        return label[:width]
    head = (width - 1) // 2 + (width - 1) % 2
    return label[:head] + "…" + label[len(label) - (width - 1 - head):]


def safe_label(text: str) -> str:
    """Chart labels go through plotext's text output: strip control characters outright."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(text))
