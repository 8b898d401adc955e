"""2 Calls per year: bars by year, one bar per group, and the table."""

from __future__ import annotations

from tui.bindings import VIEW_BINDINGS
from tui.charts import ChartContext
from tui.state import ViewData
from tui.views.chartbase import ChartTableView

MEASURES = ("calls", "contacts", "meetings")
MEASURE_TEXT = {"calls": "calls (phone, video, multi-party)", "contacts": "contacts of any format", "meetings": "meetings in person"}


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
        self.caption(f"{MEASURE_TEXT[self.measure]} per year, by {data.by} · {total:,} in all · m: calls / contacts / meetings")
        self.table.set_frame(frame)

    def series(self) -> tuple[list[int], list[str], list[list[int]]]:
        frame = self.data.table("calls_per_year")
        present = set(frame.get_column("group").to_list())
        groups = [g for g in self.data.groups if g in present] + sorted(present - set(self.data.groups))
        years = sorted(set(frame.get_column("year").to_list()))
        values = {(g, y): v for g, y, v in frame.select("group", "year", self.measure).iter_rows()}
        return years, groups, [[values.get((g, y), 0) or 0 for y in years] for g in groups]

    def legend(self, name: str, ctx: ChartContext):
        _, groups, _ = self.series()
        return [(g, ctx.group_color(g), ctx.group_marker(g)) for g in groups]

    def draw(self, name: str, plt, ctx: ChartContext) -> None:
        years, groups, series = self.series()
        if not groups:
            plt.title("no contacts in this selection")
            return
        colors = [ctx.group_color(g) for g in groups]
        markers = [ctx.group_marker(g) for g in groups] if ctx.mono else None
        labels = [str(y) for y in years]
        # When no year has two groups (grouping by period), one full-width bar per year reads better than
        # side-by-side slivers; stacking gives exactly that. Otherwise the groups stand side by side.
        overlap = any(sum(1 for s in series if s[i]) > 1 for i in range(len(years)))
        if overlap and len(groups) > 1:
            plt.multiple_bar(labels, series, color=colors, marker=markers)
        else:
            plt.stacked_bar(labels, series, color=colors, marker=markers, width=0.6)
        top = max((sum(s[i] for s in series) if not overlap else max(s[i] for s in series)) for i in range(len(years)))
        ticks = nice_ticks(top, ctx.height)
        plt.ylim(0, ticks[-1])
        plt.yticks(ticks)
        plt.title(f"{self.measure} per year")
