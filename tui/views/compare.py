"""8 Compare: two selections side by side, every metric with its delta (metrics.snapshot.compare_selections)."""

from __future__ import annotations

import math

import polars as pl
from textual.app import ComposeResult

from diplodash.tui.bindings import VIEW_BINDINGS
from diplodash.tui import format as fmt
from diplodash.tui.state import ViewData
from diplodash.tui.table import FrameTable
from diplodash.tui.views.base import Caption, View

SHARES = ("initiated_leader", "initiated_counterpart", "initiator_unknown")


def metric_name(metric: str, sides: dict[str, str]) -> str:
    names = {
        "contacts": "Contacts",
        "calls": "Calls (phone, video)",
        "multi_party_calls": "Multi-party calls",
        "meetings": "Meetings",
        "years": "Window (years)",
        "calls_in_window": "Calls in window",
        "calls_per_year": "Calls per year",
        "initiated_leader": f"Initiated by {sides.get('leader', 'leader')} (%)",
        "initiated_counterpart": f"Initiated by {sides.get('counterpart', 'counterpart')} (%)",
        "initiator_unknown": "Initiator unknown (%)",
        "with_duration": "With a duration",
        "median_minutes": "Median minutes",
        "mean_minutes": "Mean minutes",
    }
    if metric in names:
        return names[metric]
    if metric.startswith("median_minutes (") and metric.endswith(")"):
        side = metric[len("median_minutes ("):-1]
        return f"Median minutes, {sides.get(side, side)} figures"
    if metric.startswith("tone: "):
        return f"Tone: {metric[6:]} (% of contacts)"
    return metric


def display_frame(compared: pl.DataFrame, sides: dict[str, str]) -> pl.DataFrame:
    """Shares as percentages, metrics named for people; a, b, delta and ratio stay numbers."""
    percent = pl.col("metric").is_in(list(SHARES)) | pl.col("metric").str.starts_with("tone: ")
    scaled = compared.with_columns(
        [pl.when(percent).then(pl.col(c) * 100).otherwise(pl.col(c)).alias(c) for c in ("a", "b", "delta")]
    )
    names = [metric_name(m, sides) for m in scaled.get_column("metric").to_list()]
    return scaled.with_columns(pl.Series("metric", names, dtype=pl.String))


# Metrics that count contacts: shown as integers (the comparison's a, b and delta are floats for every row).
COUNTS = frozenset({"contacts", "calls", "meetings", "multi_party", "multi_party_calls", "with_duration"})


def metric_kind(metric: str) -> str:
    """How a comparison row's figures read: "count" (integers), "share" (percent, one decimal), "minutes"
    (one decimal) or "number" (two decimals: years, rates)."""
    if metric in COUNTS or (metric.startswith(("contacts", "calls", "meetings", "multi_party")) and "per" not in metric):
        return "count"
    if metric in SHARES or metric.startswith("tone: "):
        return "share"
    if "minutes" in metric:
        return "minutes"
    return "number"


def figure_text(value: float, kind: str, *, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return fmt.NULL
    sign = "+" if signed else ""
    if kind == "count":
        return f"{value:{sign},.0f}"
    if kind in ("share", "minutes"):
        return f"{value:{sign},.1f}"
    return f"{value:{sign},.2f}"


def row_formats(compared: pl.DataFrame, sides: dict[str, str]) -> dict:
    """Per-row formats of the display frame's a, b and delta (its metric column holds the display names)."""
    kinds = {metric_name(m, sides): metric_kind(m) for m in compared.get_column("metric").to_list()}

    def column(signed: bool):
        return lambda value, row: figure_text(value, kinds.get(row["metric"], "number"), signed=signed)

    return {"a": column(False), "b": column(False), "delta": column(True)}


def delta_style(value: object) -> str | None:
    if value is None or (isinstance(value, float) and (math.isnan(value) or value == 0)):
        return "dim"
    return "bold green" if value > 0 else "bold red"


def scope_text(selection) -> str:
    """What the comparison is computed within: the global filter applies to both sides."""
    described = selection.describe()
    if described in ("", "everything"):
        return "global filter: none (f sets one; it applies to both sides)"
    return f"global filter {described} applies to both sides"


class CompareView(View):
    VIEW_ID = "compare"
    SOURCES = ("compared",)
    TITLE = "Compare"
    BINDINGS = VIEW_BINDINGS["compare"]

    def compose(self) -> ComposeResult:
        yield Caption(id="compare-caption", classes="caption")
        yield FrameTable(id="compare-table")

    @property
    def table(self) -> FrameTable:
        return self.query_one("#compare-table", FrameTable)

    def render_data(self, data: ViewData) -> None:
        caption = self.query_one("#compare-caption", Caption)
        if data.comparison is None or data.compared is None:
            caption.set_text("Nothing to compare yet: press c to choose two selections.")
            self.table.set_frame(pl.DataFrame({"metric": []}, schema={"metric": pl.String}))
            return
        a, b = data.comparison.describe()
        caption.set_text(fmt.safe(f"A: {a}   vs   B: {b}   · {scope_text(data.selection)} · delta = B − A, ratio = B / A · c: choose · x: swap"))
        frame = display_frame(data.compared, data.side_labels)
        self.table.set_frame(
            frame,
            labels={"a": f"A {fmt.clip(a, 24)}", "b": f"B {fmt.clip(b, 24)}", "delta": "delta", "ratio": "ratio"},
            styles={"delta": delta_style},
            formats={"ratio": lambda v: f"×{v:.2f}"},
            row_formats=row_formats(data.compared, data.side_labels),
        )

    def action_swap(self) -> None:
        self.app.swap_comparison()
