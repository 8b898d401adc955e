"""2 Calls per year: bars by year, one bar per group, and the table."""

from __future__ import annotations

from diplodash.tui.bindings import VIEW_BINDINGS
from diplodash.tui.charts import ChartContext, draw_bars, fits, more_item, more_text
from diplodash.tui.state import ViewData
from diplodash.tui.views.base import group_order
from diplodash.tui.views.chartbase import ChartTableView

MEASURES = ("calls", "multi_party_calls", "meetings", "contacts")
MEASURE_TEXT = {
    "calls": "calls (phone, video)",
    "multi_party_calls": "multi-party calls",
    "meetings": "meetings in person",
    "contacts": "contacts of any format",
}


def nice_ticks(top: float, rows: int) -> list[int]:
    """Whole-number ticks from 0 to at least ``top``, evenly spaced on a chart ``rows`` lines high.

    The plot area is about ``rows - 4`` lines (title, frame, x labels); at most one tick every other line,
    so that a short chart gets 0 and the top (and a middle tick when it lands on a line), never bunched.
    """
    top = max(int(top), 1)
    lines = max(rows - 4, 2)
    intervals = max((lines - 1) // 2, 1)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000):
        if -(-top // step) <= intervals:
            break
    else:
        step = -(-top // intervals)
    return list(range(0, step * -(-top // step) + 1, step))


class CallsView(ChartTableView):
    VIEW_ID = "calls"
    SOURCES = ("calls_per_year",)
    TITLE = "Calls per year"
    BINDINGS = VIEW_BINDINGS["calls"]

    measure = "calls"

    def action_cycle_measure(self) -> None:
        self.measure = MEASURES[(MEASURES.index(self.measure) + 1) % len(MEASURES)]
        self.redraw_data()

    def render_table(self, data: ViewData) -> None:
        frame = data.table("calls_per_year")
        total = int(frame.get_column(self.measure).sum()) if frame.height else 0
        self.caption(f"{MEASURE_TEXT[self.measure]} per year by {data.by} · {total:,} in all · as of {data.as_of} · m: measure")
        self.table.set_frame(frame)

    def series(self, ctx: ChartContext | None = None) -> tuple[list[int], list[str], list[list[int]], int]:
        """(years, groups drawn, values per group and year, groups left out). Groups keep the table's order;
        side by side, a group needs a column in every year: the ones that do not fit are left to the table."""
        frame = self.data.table("calls_per_year")
        groups = group_order(frame)
        years = sorted(set(frame.get_column("year").to_list()))
        values = {(g, y): v for g, y, v in frame.select("group", "year", self.measure).iter_rows()}
        series = [[values.get((g, y), 0) or 0 for y in years] for g in groups]
        hidden = 0
        if ctx is not None and self.overlap(series, len(years)) and years:
            room = max(ctx.width - 8, 1) // len(years)  # columns per year, the y axis aside
            shown = fits(len(groups), room, 1)
            hidden = len(groups) - shown
            groups, series = groups[:shown], series[:shown]
        return years, groups, series, hidden

    @staticmethod
    def overlap(series: list[list[int]], years: int) -> bool:
        """Does some year have two groups? (Not when grouping by period: one full-width bar per year.)"""
        return len(series) > 1 and any(sum(1 for s in series if s[i]) > 1 for i in range(years))

    def legend(self, name: str, ctx: ChartContext):
        _, groups, _, hidden = self.series(ctx)
        return more_item(hidden) + [(g, ctx.group_color(g), ctx.group_marker(g)) for g in groups]

    def draw(self, name: str, plt, ctx: ChartContext) -> None:
        years, groups, series, hidden = self.series(ctx)
        if not groups:
            plt.title("no contacts in this selection")
            return
        colors = [ctx.group_color(g) for g in groups]
        markers = [ctx.group_marker(g) for g in groups] if ctx.mono else None
        labels = [str(y) for y in years]
        # When no year has two groups (grouping by period), one full-width bar per year reads better than
        # side-by-side slivers; stacking gives exactly that. Otherwise the groups stand side by side.
        overlap = self.overlap(series, len(years))
        draw_bars(plt, labels, series, colors=colors, markers=markers, stacked=not overlap, width=0.8 if overlap else 0.6)
        top = max((sum(s[i] for s in series) if not overlap else max(s[i] for s in series)) for i in range(len(years)))
        ticks = nice_ticks(top, ctx.height)
        plt.ylim(0, ticks[-1])
        plt.yticks(ticks)
        plt.title(f"{self.measure} per year" + (f" · {more_text(hidden)}" if hidden else ""))
