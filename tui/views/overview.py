"""1 Overview: the headline figures of every group side by side (one column per group)."""

from __future__ import annotations

import math

import polars as pl
from textual.app import ComposeResult
from textual.containers import Horizontal

from diplodash.tui import format as fmt
from diplodash.tui.charts import ChartContext, draw_bars, fit_labels, fits, label_legend, more_item
from diplodash.tui.state import ViewData
from diplodash.tui.table import FrameTable
from diplodash.tui.views.base import Caption, group_order
from diplodash.tui.views.calls import nice_ticks
from diplodash.tui.views.chartbase import ChartTableView

TOP_TONES = 3


def _tones(top_tone: str) -> list[str]:
    items = [t.strip() for t in (top_tone or "").split(",") if t.strip()]
    return items + [""] * (TOP_TONES - len(items))


def figures(overview: pl.DataFrame, side_labels: dict[str, str]) -> pl.DataFrame:
    """The overview transposed: one row per figure, one column per group, every cell display text."""
    groups = group_order(overview)
    records = {g: r for g, r in zip(groups, overview.iter_rows(named=True))}
    leader, counterpart = side_labels.get("leader", "leader"), side_labels.get("counterpart", "counterpart")
    rows: list[tuple[str, callable]] = [
        ("Contacts", lambda r: fmt.number(r["contacts"])),
        ("Calls (phone, video)", lambda r: fmt.number(r["calls"])),
        ("Multi-party calls", lambda r: fmt.number(r["multi_party_calls"])),
        ("Meetings", lambda r: fmt.number(r["meetings"])),
        ("First contact", lambda r: fmt.cell(r["first"])),
        ("Last contact", lambda r: fmt.cell(r["last"])),
        ("Window from", lambda r: fmt.cell(r["window_start"])),
        ("Window to", lambda r: fmt.cell(_window_to(r))),
        ("Window (years)", lambda r: fmt.number(r["years"], digits=2, fixed=True)),
        ("Calls in window", lambda r: fmt.number(r["calls_in_window"])),
        ("Calls per year", lambda r: fmt.number(r["calls_per_year"], digits=2, fixed=True)),
        (f"Initiated by {leader}", lambda r: _share(r["initiated_leader"])),
        (f"Initiated by {counterpart}", lambda r: _share(r["initiated_counterpart"])),
        ("Initiator unknown", lambda r: _share(r["initiator_unknown"])),
        ("With a duration", lambda r: fmt.number(r["with_duration"])),
        ("Median length", lambda r: fmt.minutes(r["median_minutes"])),
        ("Mean length", lambda r: fmt.minutes(r["mean_minutes"])),
    ]
    data: dict[str, list[str]] = {"figure": [name for name, _ in rows] + [f"Top tone {i + 1}" for i in range(TOP_TONES)]}
    for group in groups:
        record = records[group]
        values = [get(record) for _, get in rows] + _tones(record.get("top_tone", ""))
        data[group] = values
    return pl.DataFrame(data, schema={c: pl.String for c in data})


def _window_to(record: dict) -> str | None:
    """The window's last day as its text says it (``… (as of)``), or the exclusive end of a period."""
    text = record.get("window") or ""
    if text == "no window":
        return None
    last = text.rsplit(",", 2)[-2].split("→")[-1].strip() if "→" in text else None
    return last


def _share(value: float | None) -> str:
    if value is None:
        return fmt.NULL
    return f"{fmt.bar(value, 6)} {fmt.percent(value):>4}"


class OverviewView(ChartTableView):
    """The figures table, and under it (when the terminal is tall enough) two bar charts of the groups."""

    VIEW_ID = "overview"
    SOURCES = ("overview",)
    TITLE = "Overview"
    CHARTS = ("calls", "length")
    CHART_FIGURES = {"calls": ("calls_per_year", "calls per year"), "length": ("median_minutes", "median length (minutes)")}

    def compose(self) -> ComposeResult:
        yield Caption(id="overview-caption", classes="caption")
        yield FrameTable(id="overview-table", max_width=40)
        with Horizontal(classes="charts chart-row"):
            yield from self.compose_charts()

    def render_table(self, data: ViewData) -> None:
        overview = data.table("overview")
        frame = figures(overview, data.side_labels)
        statuses = ", ".join(data.selection.status_filter(data.config))
        groups = frame.width - 1
        caption = (
            f"{data.contacts.height:,} contacts selected · {groups} group{'s' if groups != 1 else ''} by {data.by}"
            f" · counting status: {statuses} · as of {data.as_of} · calls per year = calls in window / window years (? explains)"
        )
        self.caption(fmt.safe(caption))
        self.table.set_frame(frame, labels={"figure": ""}, right=[c for c in frame.columns if c != "figure"])

    def bars(self, name: str, ctx: ChartContext) -> tuple[list[str], list[str], dict, int, int]:
        """(groups drawn, their axis labels, values, groups left to the table, groups with no value): the
        table's order; groups past the width (3 cells a bar) and groups with no value are said so."""
        column, _ = self.CHART_FIGURES[name]
        overview = self.data.table("overview")
        values = dict(zip(overview.get_column("group").to_list(), overview.get_column(column).to_list()))
        groups = [g for g in group_order(overview) if values.get(g) is not None]
        room = max(ctx.width - 6, 1)  # the y axis aside
        unknown = len(values) - len(groups)
        shown = fits(len(groups), room, 3) if groups else 0
        hidden = len(groups) - shown
        groups = groups[:shown]
        labels = fit_labels(groups, max(3, room // max(len(groups), 1) - 2))
        return groups, labels, values, hidden, unknown

    def legend(self, name: str, ctx: ChartContext):
        groups, labels, _, hidden, unknown = self.bars(name, ctx)
        items = more_item(hidden)
        if unknown and groups:
            items.append((f"{unknown} unknown (no bar)", None, ""))
        return items + label_legend(groups, labels, ctx)

    def draw(self, name: str, plt, ctx: ChartContext) -> None:
        _, title = self.CHART_FIGURES[name]
        groups, labels, values, hidden, _ = self.bars(name, ctx)
        if not groups:
            plt.title(f"{title}: unknown for every group")
            return
        # One series per group, each non-zero only at its own bar: every bar takes its group's colour.
        series = [[float(values[g]) if g == other else 0.0 for g in groups] for other in groups]
        colors = [ctx.group_color(g) for g in groups]
        markers = [ctx.group_marker(g) for g in groups] if ctx.mono else None
        draw_bars(plt, labels, series, colors=colors, markers=markers, width=0.6)
        ticks = nice_ticks(math.ceil(max(float(values[g]) for g in groups)), ctx.height)
        plt.ylim(0, ticks[-1])
        plt.yticks(ticks)
        plt.title(title)
