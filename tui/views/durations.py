"""4 Durations: every contact's length (a dot), the spread where sources disagree (a vertical line from the
shortest to the longest figure) and each group's median (a horizontal line), with the durations table.
"""

from __future__ import annotations

import polars as pl

from diplodash.tui import format as fmt
from diplodash.tui.charts import ChartContext, fit_labels
from diplodash.tui.state import ViewData
from diplodash.tui.views.base import group_order
from diplodash.tui.views.chartbase import ChartTableView


def minute_ticks(top: float, rows: int) -> tuple[list[float], list[str]]:
    """Ticks at whole hours or half hours (or minutes for short calls), labelled 30m, 1h, 1h30."""
    for step in (5, 10, 15, 30, 60, 120, 240, 480, 1440):
        if top / step <= max(rows // 2, 2):
            break
    ticks = [float(t) for t in range(0, int(top) + step, step)]
    return ticks, [_tick_label(t) for t in ticks]


def _tick_label(minutes: float) -> str:
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h" if not rest else f"{hours}h{rest:02d}"


MAX_SPREAD_LINES = 60  # per group; above it the spread shows as its two ends


class DurationsView(ChartTableView):
    VIEW_ID = "durations"
    SOURCES = ("durations", "duration_points")
    TITLE = "Durations"

    def render_table(self, data: ViewData) -> None:
        frame = data.table("durations")
        points = data.duration_points
        spread = points.filter(pl.col("high") > pl.col("low")).height if points.height else 0
        aggregated = points.height and int(points.get_column("n").max() or 1) > 1
        what = "medians per month, quarter or year (too many contacts to draw one by one)" if aggregated else "each contact with a known length"
        self.caption(
            f"dots: {what} · │ min–max where sources disagree ({spread}) · ── group median · table basis: default figure or one side's own"
        )
        sides = data.side_labels
        names = {s: sides.get(s, s) for s in sides} | {"default": "default"}
        labelled = frame.with_columns(pl.col("basis").replace_strict(names, default=pl.col("basis")).alias("basis"))
        self.table.set_frame(labelled, nulls={c: "unknown" for c in ("min", "median", "mean", "max", "total")})

    def medians(self) -> dict[str, float | None]:
        table = self.data.table("durations").filter(pl.col("basis") == "default")
        return dict(table.select("group", "median").iter_rows())

    def groups(self) -> list[str]:
        """The groups with a point, in the points' order (duration_points keeps the table's group order)."""
        points = self.data.duration_points
        return group_order(points) if points.height else []

    def legend(self, name: str, ctx: ChartContext):
        """Every group with its median; a shortened axis label is named too ("1 Trump 1st term")."""
        medians = self.medians()
        groups = self.groups()
        labels = fit_labels(groups, max(3, (ctx.width - 6) // max(len(groups), 1) - 2))
        return [
            (f"{label + ' ' if label.isdigit() and label != g else ''}{g} (median {fmt.minutes(medians.get(g))})", ctx.group_color(g), ctx.group_marker(g, points=True))
            for g, label in zip(groups, labels)
        ]

    def draw(self, name: str, plt, ctx: ChartContext) -> None:
        points = self.data.duration_points
        if points.is_empty():
            plt.title("no contact in this selection has a known duration")
            return
        groups = self.groups()
        medians = self.medians()
        names = fit_labels(groups, max(3, (ctx.width - 6) // max(len(groups), 1) - 2))
        ticks, labels = [], []
        for group, name in zip(groups, names):
            part = points.filter(pl.col("group") == group)
            xs = part.get_column("x").to_list()
            ys = part.get_column("minutes").to_list()
            color = ctx.group_color(group)
            spread = part.filter(pl.col("high") > pl.col("low")).select("x", "low", "high")
            if spread.height <= MAX_SPREAD_LINES:
                for x, low, high in spread.iter_rows():
                    plt.plot([x, x], [low, high], color=color, marker="│" if not ctx.mono else "|")
            elif spread.height:  # one series per end: plotext slows down with a series per point
                plt.scatter(spread.get_column("x").to_list(), spread.get_column("low").to_list(), color=color, marker="╷" if not ctx.mono else "v")
                plt.scatter(spread.get_column("x").to_list(), spread.get_column("high").to_list(), color=color, marker="╵" if not ctx.mono else "^")
            median = medians.get(group)
            if median is not None and xs:
                plt.plot([min(xs) - 0.4, max(xs) + 0.4], [median, median], color=color, marker="─" if not ctx.mono else "-")
            plt.scatter(xs, ys, color=color, marker=ctx.group_marker(group, points=True))
            ticks.append((min(xs) + max(xs)) / 2)
            labels.append(name)
        plt.xticks(ticks, labels)
        plt.xlim(-1, points.height)
        top = float(max(points.get_column("high").max() or 0, points.get_column("minutes").max() or 0, 30))
        yticks, ylabels = minute_ticks(top, ctx.height)
        plt.ylim(0, max(yticks[-1], top))
        plt.yticks(yticks, ylabels)
        plt.title("length of each contact")
