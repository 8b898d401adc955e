"""Charts: one plotext figure per widget, themed by the app, redrawn on resize and theme change.

Only the chart views import this module, so plotext and textual_plotext load when a chart is first shown,
not at startup. Views hand a ``draw(plt, ctx)`` function to a Chart; data arrives already aggregated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot
import plotext._utility as _plotext_utility

# plotext removes duplicate points with list(set(...)), whose order follows the process's string hash seed:
# the same chart came out with its axis labels one cell apart from one run to the next. An order-keeping
# version makes every figure a function of its data and size alone (snapshot tests rely on that).
_plotext_utility.no_duplicates = lambda data: list(dict.fromkeys(data))

from diplodash.tui.palette import DARK_PALETTE, LIGHT_PALETTE, SIDE_COLORS  # noqa: E402 (after the patch above)

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


LEGEND_LINES = 2  # a legend that does not fit one line takes a second (Chart > .legend in views.tcss)


def legend_text(items: list[tuple[str, object, str | None]], width: int | None = None) -> Text:
    """The legend: a coloured swatch (or the series' marker without colour) and the name of each series; an
    item with the marker "" is a note (no swatch). Within ``width`` cells, items go on a second line rather
    than being cut, and an item is never split between lines."""
    text = Text(no_wrap=True, overflow="ellipsis")
    line, lines = 0, 1
    for index, (name, color, marker) in enumerate(items):
        name = safe_label(name)
        size = len(name) + (0 if marker == "" else 2)
        if index:
            if width is not None and line + 3 + size > width and lines < LEGEND_LINES:
                text.append("\n")
                line, lines = 0, lines + 1
            else:
                text.append("   ")
                line += 3
        line += size
        swatch = marker or "■"
        if marker == "":
            text.append(name, style="dim")
            continue
        if color is None:
            text.append(swatch + " ")
        else:
            r, g, b = color if isinstance(color, tuple) else (128, 128, 128)
            text.append(swatch + " ", style=f"bold rgb({r},{g},{b})")
        text.append(name)
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
    """A plotext chart and its legend line. ``set_draw`` stores the drawing function and the data it draws
    (``source``); the figure is built in a thread worker (plotext takes tens to hundreds of milliseconds).

    A figure belongs to one drawing (new data), one size and one theme. A chart that cannot draw now (its view
    is hidden: no size) drops a figure of older data at once and draws when it is shown again, so that no old
    figure ever reappears, whatever changed while it was hidden (data, size, theme). ``shown`` is the ``source``
    of the figure on screen (None: no figure yet), ``building`` says a figure is under way.
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._draw: Draw | None = None
        self._legend: Callable[[ChartContext], list] | None = None
        self.groups: tuple[str, ...] = ()
        self.source: object = None  # what the current drawing function draws (the view's key and frame)
        self.shown: object = None  # the source of the figure on screen
        self.draws = 0  # figures built (tests look at it)
        self.building = False  # a figure is being built
        self._seq = 0  # one per drawing function
        self._drawn: tuple | None = None  # (seq, width, height, theme, mono) of the figure on screen
        self._asked: tuple | None = None  # the same of the figure being built

    def compose(self) -> ComposeResult:
        yield SafePlot()
        yield Static("", classes="legend", markup=False)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.redraw())

    def set_draw(
        self,
        draw: Draw,
        legend: Callable[[ChartContext], list] | None = None,
        groups: tuple[str, ...] = (),
        source: object = None,
    ) -> None:
        """``draw(plt, ctx)`` builds the figure; ``legend(ctx)`` lists (name, colour, marker) for the legend line;
        ``source`` names the data drawn (kept as ``shown`` once its figure is on screen)."""
        self._draw = draw
        self._legend = legend
        self.groups = tuple(groups)
        self.source = source
        self._seq += 1
        self.redraw()

    def on_resize(self) -> None:
        self.redraw()

    def on_show(self) -> None:
        self.redraw()

    def context(self, legend_lines: int = 1) -> ChartContext:
        """The figure's context when the legend takes ``legend_lines`` lines of the chart's height."""
        theme = self.app.current_theme
        height = max(self.size.height - legend_lines, 1)
        return ChartContext(self.size.width, height, bool(self.app.no_color), bool(theme.dark), self.groups)

    def layout_figure(self) -> tuple[ChartContext, Text, int]:
        """(context, legend, legend lines): the legend may take a second line, and what it says may depend on
        the figure's height ("+1 more in the table"): the first line count that agrees with itself is used,
        so that the split depends on the chart's size alone (never on the plot's, which it sets: no loop)."""
        width = max(self.size.width - 2, 1) if self.size.width else None
        for lines in (1, 0, LEGEND_LINES):
            context = self.context(lines)
            items = self._legend(context) if self._legend else []
            text = legend_text(items, width)
            needed = text.plain.count("\n") + 1 if items else 0
            if needed == lines:
                return context, text, lines
        context = self.context(LEGEND_LINES)
        items = self._legend(context) if self._legend else []
        return context, legend_text(items, width), LEGEND_LINES

    def _wanted(self, context: ChartContext, theme: str) -> tuple:
        return (self._seq, context.width, context.height, theme, context.mono)

    @property
    def stale(self) -> bool:
        """The figure on screen is not the one for the current drawing (or, when laid out, size and theme)."""
        if self._draw is None or not self.is_mounted:
            return False
        if self._drawn is None or self._drawn[0] != self._seq:
            return True
        if not self.size.width or not self.size.height:
            return False  # hidden: drawn again when shown
        context, _, _ = self.layout_figure()
        if context.width < 12 or context.height < 5:
            return False  # "too small" shows instead
        return self._wanted(context, self.query_one(SafePlot).theme_name()) != self._drawn

    @property
    def displayed(self) -> bool:
        """The chart and every container up to its screen are displayed (its view is the current one, and no
        style hides it), whether or not the layout has given it a size yet."""
        node = self
        while node is not None and not isinstance(node, Screen):
            if not node.display:
                return False
            node = node.parent
        return node is not None

    @property
    def pending(self) -> bool:
        """A figure is under way, or the chart is on screen with a figure that is not the current one."""
        return self.building or (self.stale and bool(self.size.width and self.size.height))

    def _forget(self, plot: SafePlot) -> None:
        """Drop the figure on screen and any figure under way: they are of older data."""
        self._asked = None
        self.building = False
        plot.figure = None
        self.shown = None
        self._drawn = None
        plot.refresh()

    def redraw(self) -> None:
        if not self.is_mounted or self._draw is None:
            return
        plot = self.query_one(SafePlot)
        context, text, lines = self.layout_figure()
        legend = self.query_one(".legend", Static)
        legend.update(text)
        legend.styles.height = max(lines, 1)
        legend.display = lines > 0
        old = (self._drawn is not None and self._drawn[0] != self._seq) or (self._asked is not None and self._asked[0] != self._seq)
        if not self.size.width or not self.size.height:
            # Hidden (or not laid out yet): nothing can be measured. A figure of older data goes now; the
            # figure is built on Show, at the size the chart has then.
            if old:
                self._forget(plot)
            return
        if context.width < 12 or context.height < 5:
            if old:
                self._forget(plot)
            plot.refresh()
            return
        theme = plot.theme_name()
        wanted = self._wanted(context, theme)
        if wanted == self._drawn:
            self._asked = None  # back to the figure on screen: a build under way for another size is moot
            self.building = False
            return
        if wanted == self._asked:
            return
        self._asked = wanted
        self.building = True
        draw, source = self._draw, self.source

        def build() -> None:
            figure = build_figure(draw, context, context.width, context.height, theme)
            self.app.call_from_thread(self._show_figure, wanted, source, figure)

        self.run_worker(build, thread=True, exclusive=True, group="draw", exit_on_error=False)

    def _show_figure(self, wanted: tuple, source: object, figure: Text) -> None:
        if wanted != self._asked or not self.is_mounted:
            return  # a newer drawing (new data, a new size, a new theme) superseded this one
        plot = self.query_one(SafePlot)
        plot.figure = figure
        self.shown = source
        self._drawn = wanted
        self._asked = None
        self.draws += 1
        self.building = False
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


def abbreviate(label: str, width: int) -> str:
    """A label in at most ``width`` cells that stays readable: leading words become initials ("Trump 1st term"
    → "T. 1st term", "Donald Trump" → "D. Trump"), then the middle gives way ("Trum…term")."""
    label = safe_label(label)
    if len(label) <= width:
        return label
    words = label.split(" ")
    candidate = label
    for index in range(len(words) - 1):
        if len(words[index]) > 2 and words[index][0].isalpha():
            words[index] = words[index][0] + "."
            candidate = " ".join(words)
            if len(candidate) <= width:
                return candidate
    if candidate != label and width >= 6:  # keep the initials, cut the last word's end: "T. transiti…"
        return candidate[: width - 1] + "…"
    return short(label, width)


def fit_labels(names: list[str], width: int) -> list[str]:
    """Axis labels for ``names`` in at most ``width`` cells each, distinct from each other (plotext drops a
    repeated tick label, and with it the bar's name): abbreviated, else numbered "1", "2"…"""
    width = max(width, 1)
    labels = [abbreviate(n, width) for n in names]
    if len(set(labels)) < len(labels):
        labels = [str(i + 1) for i in range(len(names))]
    return labels


def label_legend(
    names: list[str], labels: list[str], ctx: ChartContext, *, points: bool = False, coloured: bool = True
) -> list[tuple[str, object, str | None]]:
    """Legend items naming every shortened label in full. Where bars take their group's colour (``coloured``),
    the group's swatch and its full name ("1 Trump 1st term" for a numbered label); otherwise a note
    "T. 1st term = Trump 1st term"."""
    items = []
    for name, label in zip(names, labels):
        if label == safe_label(name):
            continue
        if coloured:
            text = f"{label} {name}" if label.isdigit() else str(name)
            items.append((text, ctx.group_color(name), ctx.group_marker(name, points=points)))
        else:
            items.append((f"{label} = {name}", None, ""))
    return items


def fits(count: int, room: int, each: int) -> int:
    """How many of ``count`` items of ``each`` cells fit in ``room`` cells (at least one)."""
    return max(1, min(count, room // max(each, 1)))


def more_text(hidden: int) -> str:
    return f"+{hidden} more in the table" if hidden > 0 else ""


def more_item(hidden: int) -> list[tuple[str, object, str | None]]:
    """The legend note for groups left out of a chart (first on the line, so that it is never cut off)."""
    return [(more_text(hidden), None, "")] if hidden > 0 else []


def draw_bars(
    plt,
    labels: list[str],
    series: list[list[float]],
    *,
    colors: list,
    markers: list | None = None,
    stacked: bool = True,
    horizontal: bool = False,
    width: float = 0.6,
    rows: int | None = None,
) -> None:
    """Bars from the zero line, one per non-zero value, at positions 1..n labelled ``labels``.

    plotext's own bar functions draw a zero-height bar as blanks on the zero line, over the bars drawn before:
    every series but the first lost its bottom row, and some bars a notch. Here plotext draws only the non-zero
    bars, one call each (a single bar's width is exact). ``stacked`` puts the series on top of each other (each
    drawn from zero up to its running total, the top one first); otherwise they stand side by side.

    Horizontal bars given the plot's ``rows`` are laid on whole rows: each label gets ``rows // n`` rows, its
    bar all of them but a gap row, and its tick label on the bar's top row (plotext's row of a value y is
    floor(0.5 + (rows - 1)(y - ymin)/(ymax - ymin)); with free limits a bar could land on its neighbour's row).
    """
    count = len(series)
    positions = list(range(1, len(labels) + 1))
    ylim = None
    if horizontal and rows and labels:
        per = max(rows // len(labels), 1)  # rows per label
        bar_rows = per if per == 1 else per - 1
        offset = (2 * per - bar_rows - 1) / (2 * per)
        ymin = 1 - offset
        ylim = (ymin, ymin + (rows - 1) / per)
        width = (bar_rows - 0.2) / per
    orientation = "horizontal" if horizontal else "vertical"
    markers = markers or [None] * count
    if stacked:
        totals = [0.0] * len(labels)
        running = []
        for values in series:
            totals = [t + float(v or 0) for t, v in zip(totals, values)]
            running.append(totals)
        for i in range(count - 1, -1, -1):
            for j, position in enumerate(positions):
                if series[i][j]:
                    plt.bar([position], [running[i][j]], color=colors[i], marker=markers[i], width=width,
                            orientation=orientation, minimum=0, reset_ticks=False)
    else:
        each = width / max(count, 1)
        offsets = [-0.5 + 0.5 / count + k / count for k in range(count)] if count else []
        for i in range(count):
            for j, position in enumerate(positions):
                if series[i][j]:
                    plt.bar([position + offsets[i] * width], [float(series[i][j])], color=colors[i], marker=markers[i],
                            width=each, orientation=orientation, minimum=0, reset_ticks=False)
    if horizontal:
        plt.yticks(positions, labels)
        plt.ylim(*(ylim or (0.5, len(labels) + 0.5)))
    else:
        plt.xticks(positions, labels)
        plt.xlim(0.5, len(labels) + 0.5)
