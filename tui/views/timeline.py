"""0 Timeline: every contact on a time axis, one row per relationship (leader and counterpart), marked by its
format family, with the configured periods' starts and ends as vertical lines; the timeline table below.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from diplodash.metrics.measures.timeline import FAMILIES, boundaries
from diplodash.tui.charts import ChartContext, abbreviate, more_text, safe_label, short
from diplodash.tui.state import ViewData
from diplodash.tui.views.chartbase import ChartTableView

MARKERS = {"call": "●", "multi_party_call": "◆", "meeting": "■", "unknown": "?"}
FAMILY_TEXT = {"call": "call", "multi_party_call": "multi-party call", "meeting": "meeting", "unknown": "format unknown"}
TABLE_COLUMNS = ("relationship", "contacts", "calls", "multi_party_calls", "meetings", "first", "last", "longest_gap_days", "since_last_days")
THIN_ABOVE = 5_000  # points; more are thinned to what the axis can show (TimelineView.points)
LABELS = {"multi_party_calls": "multi-party", "longest_gap_days": "longest silence (days)", "since_last_days": "days since last"}


def year_fraction(day: dt.date) -> float:
    """A date as a position on the axis: the year plus the share of it gone by (2021-07-02 → 2021.5)."""
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def _initials(name: str) -> str:
    """Every word but the last as an initial ("Vladimir Putin" → "V. Putin"); words of two letters stay."""
    words = safe_label(name).split(" ")
    return " ".join([w[0] + "." if len(w) > 2 and w[0].isalpha() else w for w in words[:-1]] + words[-1:])


LABEL_FORMS = (
    lambda leader, counterpart: f"{safe_label(leader)} · {safe_label(counterpart)}",
    lambda leader, counterpart: f"{_initials(leader)} · {_initials(counterpart)}",
    lambda leader, counterpart: f"{_initials(leader)}–{_initials(counterpart)}",
)


def relationship_labels(pairs: list[tuple[str, str]], width: int) -> list[str]:
    """The rows' axis labels in at most ``width`` cells, all in one form: in full, else with initials, else
    shortened; numbered when shortening made two alike."""
    for form in LABEL_FORMS:
        labels = [form(leader, counterpart) for leader, counterpart in pairs]
        if all(len(label) <= width for label in labels):
            break
    else:
        half = max(width // 2 - 1, 3)
        labels = [short(f"{abbreviate(leader, half)}–{abbreviate(counterpart, half)}", width) for leader, counterpart in pairs]
    if len(set(labels)) < len(labels):
        labels = [short(f"{i + 1} {label}", width) for i, label in enumerate(labels)]
    return labels


def year_ticks(first: int, last: int, room: int) -> list[int]:
    """Years to label on an axis of ``room`` cells: every year when each gets 6 cells, else every 2nd, 5th…"""
    span = max(last - first + 1, 1)
    for step in (1, 2, 5, 10, 20, 50):
        if room / span * step >= 6:
            break
    start = first + (-first) % step
    return list(range(start, last + 1, step)) or [first]


class TimelineView(ChartTableView):
    VIEW_ID = "timeline"
    SOURCES = ("timeline",)
    TITLE = "Timeline"

    def render_table(self, data: ViewData) -> None:
        frame = data.table("timeline")
        total = int(frame.get_column("contacts").sum()) if frame.height else 0
        self.caption(
            f"{frame.height} relationships · {total:,} contacts up to {data.as_of} · a row each, any grouping"
        )
        self.table.set_frame(frame.select([c for c in TABLE_COLUMNS if c in frame.columns]), labels=LABELS)

    def rows_shown(self, ctx: ChartContext) -> tuple[pl.DataFrame, int]:
        """The relationships that fit the chart's height (one line each), and how many are left to the table."""
        frame = self.data.table("timeline")
        room = max(ctx.height - 5, 1)  # title, frame lines, the x axis and its labels
        return frame.head(room), max(frame.height - room, 0)

    def span(self, frame: pl.DataFrame) -> tuple[dt.date, dt.date]:
        first = frame.get_column("first").min()
        as_of = self.data.as_of or frame.get_column("last").max()
        return dt.date(first.year, 1, 1), max(as_of, first)

    def legend(self, name: str, ctx: ChartContext):
        frame, hidden = self.rows_shown(ctx)
        present = set(frame.get_column("families").explode().drop_nulls().to_list()) if frame.height else set()
        items = [(more_text(hidden), None, "")] if hidden else []
        items += [(FAMILY_TEXT[f], self.family_color(f, ctx), MARKERS[f]) for f in FAMILIES if f in present]
        if frame.height and not self.period_lines(frame).is_empty():
            items.append(("period start or end", ctx.muted, "│" if not ctx.mono else "|"))
        return items

    @staticmethod
    def family_color(family: str, ctx: ChartContext):
        return ctx.muted if family == "unknown" else ctx.color(FAMILIES.index(family))

    def period_lines(self, frame: pl.DataFrame) -> pl.DataFrame:
        start, end = self.span(frame)
        return boundaries(self.data.config, frame.get_column("counterpart").unique().to_list(), start, end)

    @staticmethod
    def points(frame: pl.DataFrame, x0: float, x1: float, cells: int) -> pl.DataFrame:
        """Every contact as a point (x: year_fraction, y: the row, the first relationship on top). Above
        THIN_ABOVE points, one per row, family and quarter of a character cell of the axis (``cells`` wide): a
        cell shows one marker, so a large table draws about as fast as a small one. Schema: x (f64), y (i64),
        family (str)."""
        count = frame.height
        day = pl.col("dates")
        length = pl.when(day.dt.is_leap_year()).then(366).otherwise(365)
        x = day.dt.year().cast(pl.Float64) + (day.dt.ordinal_day().cast(pl.Float64) - 1) / length
        points = (
            frame.select("dates", "families")
            .with_row_index("index")
            .explode("dates", "families")
            .drop_nulls("dates")
            .select(x.alias("x"), (count - pl.col("index").cast(pl.Int64)).alias("y"), pl.col("families").alias("family"))
        )
        if points.height <= THIN_ABOVE:
            return points
        return (
            points.with_columns(((pl.col("x") - x0) / max(x1 - x0, 1e-9) * cells * 4).floor().alias("cell"))
            .unique(["y", "family", "cell"], keep="first", maintain_order=True)
            .drop("cell")
        )

    def draw(self, name: str, plt, ctx: ChartContext) -> None:
        frame, hidden = self.rows_shown(ctx)
        if frame.is_empty():
            plt.title("no contacts in this selection")
            return
        count = frame.height
        width = max(12, min(30, ctx.width // 4))
        labels = relationship_labels(frame.select("leader", "counterpart").rows(), width)
        start, end = self.span(frame)
        x0, x1 = year_fraction(start), year_fraction(end + dt.timedelta(days=1))
        lines = self.period_lines(frame)
        for day in dict.fromkeys(lines.get_column("date").to_list()):
            x = year_fraction(day)
            plt.plot([x, x], [0.5, count + 0.5], color=ctx.muted, marker="│" if not ctx.mono else "|")
        room = max(ctx.width - max(len(label) for label in labels) - 4, 10)
        points = self.points(frame, x0, x1, room)
        for family in FAMILIES:
            part = points.filter(pl.col("family") == family)
            if part.height:
                plt.scatter(part.get_column("x").to_list(), part.get_column("y").to_list(), marker=MARKERS[family], color=self.family_color(family, ctx))
        plt.yticks(list(range(count, 0, -1)), labels)
        plt.ylim(0.5, count + 0.5)
        ticks = year_ticks(start.year, end.year, room)
        plt.xticks([float(y) for y in ticks], [str(y) for y in ticks])
        plt.xlim(x0, x1)
        plt.title(f"each contact by date, up to {end}" + (f" · {more_text(hidden)}" if hidden else ""))
