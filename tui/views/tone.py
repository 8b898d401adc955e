"""5 Tone: which labels each side's readouts use, per group: the leader's wording beside the counterpart's.

The comparison is a bar matrix (label by group, one per side) drawn as text: at terminal resolution it
reads better than plotext bars squeezed into a dozen rows.
"""

from __future__ import annotations

import polars as pl
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from diplodash.tui import format as fmt
from diplodash.tui.palette import group_rgb, rgb_style
from diplodash.tui.state import ViewData
from diplodash.tui.table import FrameTable
from diplodash.tui.views.base import Caption, View, group_order

SIDES = ("leader", "counterpart")
MAX_LABELS = 10


def top_labels(tone: pl.DataFrame, limit: int = MAX_LABELS) -> list[str]:
    """The labels used most by either side, across groups."""
    frame = tone.filter(pl.col("side").is_in(list(SIDES)))
    if frame.is_empty():
        return []
    ranked = frame.group_by("label").agg(pl.col("contacts").sum().alias("n")).sort(["n", "label"], descending=[True, False])
    return ranked.get_column("label").head(limit).to_list()


class ToneMatrix(Static):
    """One side's wording: a row per label, a column per group, each cell a bar of the share of contacts."""

    def __init__(self, side: str, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.side = side
        self.data: ViewData | None = None
        self._labels: list[str] = []
        self._groups: list[str] = []
        self._shares: dict = {}
        self._rendered = None

    def show(self, data: ViewData) -> None:
        """Take new figures: the polars work happens here once, not in every render."""
        self.data = data
        tone = data.table("tone")
        self._labels = top_labels(tone)
        self._groups = group_order(tone)  # the table's order, as every chart
        mine = tone.filter(pl.col("side") == self.side).select("group", "label", "share")
        self._shares = {(group, label): share for group, label, share in mine.iter_rows()}
        self._rendered = None
        self.refresh(layout=True)

    def on_resize(self) -> None:
        self.refresh()

    def render(self):
        data = self.data
        if data is None:
            return Text("")
        dark = bool(self.app.current_theme.dark)
        mono = bool(self.app.no_color)
        width = max(self.size.width, 30)
        key = (width, dark, mono)
        if self._rendered is not None and self._rendered[0] == key:
            return self._rendered[1]
        table = self._build(data, width, dark, mono)
        self._rendered = (key, table)
        return table

    def _build(self, data: ViewData, width: int, dark: bool, mono: bool):
        labels, groups, shares = self._labels, self._groups, self._shares
        side_name = data.side_labels.get(self.side, self.side)
        title = Text(fmt.safe(f"{side_name} wording"), style="bold")
        if not labels or not groups:
            return Text.assemble(title, Text("\nno tone wording in this selection", style="dim"))
        label_width = min(max(len(label) for label in labels), 14)
        room = width - label_width - 2
        fits = max(room // 9, 1)  # at least 8 cells a group, or the rest go to the table below
        hidden = len(groups) - fits
        if hidden > 0:
            groups = groups[:fits]
            title.append(f"  (first {fits} groups; +{hidden} in the table)", style="dim")
        cell_width = max(room // len(groups) - 1, 8)
        bar_width = max(cell_width - 5, 2)
        table = Table(title=title, title_justify="left", box=None, padding=(0, 1, 0, 0), expand=False, show_edge=False)
        table.add_column(Text(""), no_wrap=True, width=label_width)
        for group in groups:
            color = None if mono else group_rgb(data.groups, group, dark)
            table.add_column(Text(fmt.clip(fmt.safe(group), cell_width), style=rgb_style(color, "bold")), no_wrap=True, width=cell_width)
        for label in labels:
            row = [Text(fmt.clip(fmt.safe(label), label_width))]
            for group in groups:
                share = shares.get((group, label))
                if not share:
                    row.append(Text("·".rjust(cell_width - 4) + "    ", style="dim"))
                    continue
                color = None if mono else group_rgb(data.groups, group, dark)
                cell = Text(fmt.bar(share, bar_width), style=rgb_style(color))
                cell.append(f"{fmt.percent(share):>4}")
                cell.no_wrap = True
                row.append(cell)
            table.add_row(*row)
        return table


class ToneView(View):
    VIEW_ID = "tone"
    SOURCES = ("tone",)
    TITLE = "Tone"

    def compose(self) -> ComposeResult:
        yield Caption(id="tone-caption", classes="caption")
        with Horizontal(classes="charts tone-matrices"):
            for side in SIDES:
                yield ToneMatrix(side, id=f"tone-{side}", classes="tone-matrix")
        yield FrameTable(id="tone-table")

    def render_data(self, data: ViewData) -> None:
        sides = data.side_labels
        self.query_one("#tone-caption", Caption).set_text(
            f"share of each group's contacts whose readout uses the word: {sides.get('leader')} wording beside"
            f" {sides.get('counterpart')} wording · top {MAX_LABELS} labels · every side in the table"
        )
        for side in SIDES:
            self.query_one(f"#tone-{side}", ToneMatrix).show(data)
        frame = data.table("tone")
        names = {s: sides.get(s, s) for s in sides} | {"all": "all sides"}
        labelled = frame.with_columns(pl.col("side").replace_strict(names, default=pl.col("side")).alias("side"))
        self.query_one("#tone-table", FrameTable).set_frame(labelled)
