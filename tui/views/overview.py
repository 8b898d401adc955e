"""1 Overview: the headline figures of every group side by side (one column per group)."""

from __future__ import annotations

import polars as pl
from textual.app import ComposeResult

from tui import format as fmt
from tui.state import ViewData
from tui.table import FrameTable
from tui.views.base import Caption, View, group_order

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
        ("Meetings", lambda r: fmt.number(r["meetings"])),
        ("First contact", lambda r: fmt.cell(r["first"])),
        ("Last contact", lambda r: fmt.cell(r["last"])),
        ("Span (years)", lambda r: fmt.number(r["years"], digits=2, fixed=True)),
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


def _share(value: float | None) -> str:
    if value is None:
        return fmt.NULL
    return f"{fmt.bar(value, 6)} {fmt.percent(value):>4}"


class OverviewView(View):
    VIEW_ID = "overview"
    TITLE = "Overview"

    def compose(self) -> ComposeResult:
        yield Caption(id="overview-caption", classes="caption")
        yield FrameTable(id="overview-table", max_width=40)

    def render_data(self, data: ViewData) -> None:
        overview = data.table("overview")
        frame = figures(overview, data.side_labels)
        statuses = ", ".join(data.selection.status_filter(data.config))
        groups = frame.width - 1
        caption = (
            f"{data.contacts.height:,} contacts selected · {groups} group{'s' if groups != 1 else ''} by {data.by}"
            f" · counting status: {statuses}"
        )
        self.query_one("#overview-caption", Caption).set_text(fmt.safe(caption))
        table = self.query_one("#overview-table", FrameTable)
        table.set_frame(frame, labels={"figure": ""}, right=[c for c in frame.columns if c != "figure"])
