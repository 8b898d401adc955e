"""6 Coverage: the totals sources claim against the contacts the table enumerates in the same scope."""

from __future__ import annotations

import polars as pl

from diplodash.tui.charts import ChartContext, draw_bars
from diplodash.tui.state import ViewData
from diplodash.tui.views.calls import nice_ticks
from diplodash.tui.views.chartbase import ChartTableView


class CoverageView(ChartTableView):
    VIEW_ID = "coverage"
    SOURCES = ("coverage",)
    TITLE = "Coverage"

    def render_table(self, data: ViewData) -> None:
        frame = data.table("coverage")
        claimed = int(frame.get_column("claimed").sum()) if frame.height else 0
        enumerated = int(frame.get_column("enumerated").sum()) if frame.height else 0
        self.caption(
            f"{frame.height} reported total{'s' if frame.height != 1 else ''}: claimed {claimed:,}, enumerated {enumerated:,}"
            " · bars numbered as the # column · a claim keeps its own dates and formats; only counterpart and status filters apply"
        )
        numbered = frame.with_row_index("#", offset=1)
        self.table.set_frame(numbered, formats={"formats": lambda v: v or "all formats"})

    def legend(self, name: str, ctx: ChartContext):
        return [("claimed by the source", ctx.color(1), ctx.marker(0)), ("enumerated in the table", ctx.color(0), ctx.marker(1))]

    def draw(self, name: str, plt, ctx: ChartContext) -> None:
        frame = self.data.table("coverage")
        if frame.is_empty():
            plt.title("no reported totals for this selection")
            return
        claimed = [int(v or 0) for v in frame.get_column("claimed").to_list()]
        enumerated = [int(v or 0) for v in frame.get_column("enumerated").to_list()]
        labels = [str(i + 1) for i in range(frame.height)]
        draw_bars(
            plt,
            labels,
            [claimed, enumerated],
            colors=[ctx.color(1), ctx.color(0)],
            markers=[ctx.marker(0), ctx.marker(1)] if ctx.mono else None,
            stacked=False,
            width=0.8,
        )
        ticks = nice_ticks(max(claimed + enumerated + [1]), ctx.height)
        plt.ylim(0, ticks[-1])
        plt.yticks(ticks)
        gaps = frame.filter(pl.col("gap") > 0).height
        plt.title(f"claimed vs enumerated per claim ({gaps} with contacts missing from the table)")
