"""3 Initiators: who picked up the phone first; shares per group stacked, unknown always visible."""

from __future__ import annotations

import polars as pl

from diplodash.tui.charts import ChartContext, draw_bars, fit_labels, fits, label_legend, more_item, more_text
from diplodash.tui.state import ViewData
from diplodash.tui.views.base import group_order
from diplodash.tui.views.chartbase import ChartTableView

SIDES = ("leader", "counterpart", "unknown")


def plot_rows(ctx: ChartContext) -> int:
    """Rows inside the frame: the figure's height less the title, the frame's two lines and the x labels."""
    return max(ctx.height - 4, 1)


class InitiatorsView(ChartTableView):
    VIEW_ID = "initiators"
    SOURCES = ("initiators",)
    TITLE = "Initiators"

    def side_name(self, side: str) -> str:
        return self.data.side_labels.get(side, side) if side != "unknown" else "unknown"

    def render_table(self, data: ViewData) -> None:
        frame = data.table("initiators")
        disputed = int(frame.get_column("disputed").sum()) if frame.height else 0
        self.caption(
            f"who initiated each contact, as a share of the group's contacts · unknown includes {disputed} disputed"
            f" contact{'s' if disputed != 1 else ''} (sources disagree)"
        )
        names = {s: self.side_name(s) for s in SIDES}
        labelled = frame.with_columns(pl.col("initiator_side").replace_strict(names, default=pl.col("initiator_side")).alias("initiator_side"))
        self.table.set_frame(labelled, labels={"initiator_side": "initiator"})

    def bars(self, ctx: ChartContext) -> tuple[list[str], list[str], int]:
        """(groups drawn, their labels, groups left to the table): the table's order, one row each at least
        (the plot has the chart's height less title, frame and axis); labels stay distinct and readable."""
        groups = group_order(self.data.table("initiators"))
        shown = fits(len(groups), plot_rows(ctx), 1) if groups else 0
        hidden = len(groups) - shown
        groups = groups[:shown]
        return groups, fit_labels(groups, max(6, min(24, ctx.width // 5))), hidden

    def legend(self, name: str, ctx: ChartContext):
        markers = ("█", "▒", "░")
        groups, labels, hidden = self.bars(ctx)
        items = more_item(hidden)
        items += [(self.side_name(s), ctx.side_color(s), markers[i] if ctx.mono or s == "unknown" else None) for i, s in enumerate(SIDES)]
        return items + label_legend(groups, labels, ctx, coloured=False)

    def draw(self, name: str, plt, ctx: ChartContext) -> None:
        frame = self.data.table("initiators")
        groups, labels, hidden = self.bars(ctx)
        if not groups:
            plt.title("no contacts in this selection")
            return
        # plotext puts horizontal bars bottom-up; the first group goes on top
        groups, labels = list(reversed(groups)), list(reversed(labels))
        shares = {(g, s): v for g, s, v in frame.select("group", "initiator_side", "share").iter_rows()}
        series = [[round(100 * (shares.get((g, s)) or 0.0), 1) for g in groups] for s in SIDES]
        draw_bars(
            plt,
            labels,
            series,
            colors=[ctx.side_color(s) for s in SIDES],
            markers=["█", "▒", "░"] if ctx.mono else ["█", "█", "░"],
            horizontal=True,
            rows=plot_rows(ctx),
        )
        plt.xlim(0, 100)
        plt.xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
        plt.title("initiated by (share of contacts)" + (f" · {more_text(hidden)}" if hidden else ""))
