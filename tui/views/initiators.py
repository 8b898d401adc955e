"""3 Initiators: who picked up the phone first; shares per group stacked, unknown always visible."""

from __future__ import annotations

import polars as pl

from tui.charts import ChartContext, safe_label, short
from tui.state import ViewData
from tui.views.chartbase import ChartTableView

SIDES = ("leader", "counterpart", "unknown")


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

    def legend(self, name: str, ctx: ChartContext):
        markers = ("█", "▒", "░")
        return [(self.side_name(s), ctx.side_color(s), markers[i] if ctx.mono or s == "unknown" else None) for i, s in enumerate(SIDES)]

    def draw(self, name: str, plt, ctx: ChartContext) -> None:
        frame = self.data.table("initiators")
        present = set(frame.get_column("group").to_list())
        groups = [g for g in self.data.groups if g in present] + sorted(present - set(self.data.groups))
        if not groups:
            plt.title("no contacts in this selection")
            return
        groups = list(reversed(groups))  # plotext stacks horizontal bars bottom-up; the first group goes on top
        shares = {(g, s): v for g, s, v in frame.select("group", "initiator_side", "share").iter_rows()}
        series = [[round(100 * (shares.get((g, s)) or 0.0), 1) for g in groups] for s in SIDES]
        width = max(6, min(24, ctx.width // 5))
        plt.stacked_bar(
            [safe_label(short(g, width)) for g in groups],
            series,
            color=[ctx.side_color(s) for s in SIDES],
            marker=["█", "▒", "░"] if ctx.mono else ["█", "█", "░"],
            orientation="horizontal",
            width=0.6 if len(groups) * 2 <= ctx.height else 0.9,
        )
        plt.xlim(0, 100)
        plt.xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
        plt.title("initiated by (share of contacts)")
