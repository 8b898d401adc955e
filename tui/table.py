"""FrameTable: the one adapter between polars DataFrames and a table widget.

Every table in the app goes through here, so a faster widget could replace DataTable in one place. It:

* renders every cell as ``rich.text.Text(value)``: plain text, never markup, so a cell holding
  ``[@click=app.quit]x[/]`` shows literally and never runs; control characters become visible escapes;
* right-aligns and rounds numbers (shares as percentages) and shows nulls as "—" (or a per-column word
  such as "unknown");
* sorts by column on the whole frame (click a header, or ``s`` on the cursor's column; again to reverse);
* adds rows in pages (first ``page_size`` rows, more as the cursor or the scroll nears the end), so a
  million-row frame shows its first frame at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import polars as pl
from rich.text import Text
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

from tui import format as fmt
from tui.bindings import TABLE_BINDINGS

Styler = Callable[[object], str | None]


class FrameTable(DataTable):
    """A DataTable showing a polars DataFrame (see the module docstring)."""

    DEFAULT_CSS = """
    FrameTable { height: 1fr; }
    """

    BINDINGS = TABLE_BINDINGS

    PAGE_SIZE = 500
    MORE_WHEN_WITHIN = 100  # rows from the end of what is loaded

    class Paged(Message):
        """Posted when rows were added or the frame changed: (loaded rows, total rows)."""

        def __init__(self, table: "FrameTable", loaded: int, total: int) -> None:
            super().__init__()
            self.table = table
            self.loaded = loaded
            self.total = total

        @property
        def control(self) -> "FrameTable":
            return self.table

    def __init__(
        self,
        *,
        page_size: int | None = None,
        max_width: int = 48,
        cursor_type: str = "cell",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(cursor_type=cursor_type, zebra_stripes=True, name=name, id=id, classes=classes)
        self.page_size = page_size or self.PAGE_SIZE
        self.max_width = max_width
        self._source = pl.DataFrame()
        self._view = pl.DataFrame()
        self._loaded = 0
        self._sort: tuple[str, bool] | None = None
        self._labels: Mapping[str, str] = {}
        self._nulls: Mapping[str, str] = {}
        self._styles: Mapping[str, Styler] = {}
        self._formats: Mapping[str, Callable[[object], str]] = {}
        self._numeric: set[str] = set()
        self._digits: dict[str, int] = {}

    # ------------------------------------------------------------------ data

    @property
    def frame(self) -> pl.DataFrame:
        """The whole frame in display order (sorted when a sort is set), not only the loaded rows."""
        return self._view

    @property
    def loaded(self) -> int:
        return self._loaded

    @property
    def total(self) -> int:
        return self._view.height

    @property
    def sort_state(self) -> tuple[str, bool] | None:
        return self._sort

    def set_frame(
        self,
        frame: pl.DataFrame,
        *,
        labels: Mapping[str, str] | None = None,
        nulls: Mapping[str, str] | None = None,
        styles: Mapping[str, Styler] | None = None,
        formats: Mapping[str, Callable[[object], str]] | None = None,
        right: Sequence[str] | None = None,
        keep_position: bool = True,
    ) -> None:
        """Show ``frame``. Sorting, the cursor and the scroll position stay where they were when they still fit.

        ``labels`` names columns on screen, ``nulls`` says what a null shows per column (default "—"),
        ``styles`` styles a cell by its value, ``formats`` formats a value, ``right`` right-aligns text columns.
        """
        if labels is not None:
            self._labels = labels
        if nulls is not None:
            self._nulls = nulls
        if styles is not None:
            self._styles = styles
        if formats is not None:
            self._formats = formats
        cursor = self.cursor_coordinate if keep_position else Coordinate(0, 0)
        scroll = (self.scroll_x, self.scroll_y) if keep_position else (0, 0)
        self._source = frame
        if self._sort and self._sort[0] not in frame.columns:
            self._sort = None
        self._view = self._sorted(frame)
        self._numeric = {c for c, t in frame.schema.items() if t.is_numeric()} | set(right or ())
        self._digits = _decimals(frame)
        self._render_all(cursor, scroll)

    def row_data(self, row: int | None = None) -> dict | None:
        """The full record (every column of the frame) at a table row, the cursor's by default."""
        row = self.cursor_row if row is None else row
        if not 0 <= row < self._view.height:
            return None
        return self._view.row(row, named=True)

    def cell_text(self, row: int, column: str) -> str:
        """The text a cell shows (for tests and copy)."""
        value = self._view.get_column(column)[row]
        return self._display(column, value).plain

    # ------------------------------------------------------------------ rendering

    def _display(self, column: str, value: object) -> Text:
        null = self._nulls.get(column, fmt.NULL)
        if value is None:
            text = Text(null, style="dim")
        else:
            formatter = self._formats.get(column)
            if formatter:
                shown = formatter(value)
            elif column in self._digits and isinstance(value, float):
                shown = fmt.number(value, column, digits=self._digits[column], fixed=True, null=null)
            else:
                shown = fmt.cell(value, column, null=null, width=self.max_width)
            text = Text(shown)
            style = self._styles.get(column)
            if style:
                chosen = style(value)
                if chosen:
                    text.stylize(chosen)
        if column in self._numeric:
            text.justify = "right"
        text.no_wrap = True
        text.overflow = "ellipsis"
        return text

    def _label(self, column: str) -> Text:
        label = Text(fmt.safe(self._labels.get(column, column)), style="bold")
        if self._sort and self._sort[0] == column:
            label.append(" ▼" if self._sort[1] else " ▲")
        if column in self._numeric:
            label.justify = "right"
        return label

    def _render_all(self, cursor: Coordinate, scroll: tuple[float, float]) -> None:
        self.clear(columns=True)
        for index, column in enumerate(self._view.columns):
            self.add_column(self._label(column), key=f"c{index}")
        self._loaded = 0
        self._add_page(max(self.page_size, cursor.row + 1))
        if self.row_count:
            row = min(cursor.row, self.row_count - 1)
            col = min(cursor.column, max(len(self.columns) - 1, 0))
            self.move_cursor(row=row, column=col, animate=False, scroll=False)
            self.scroll_to(*scroll, animate=False, immediate=True)

    def _add_page(self, count: int | None = None) -> None:
        count = count or self.page_size
        start = self._loaded
        if start >= self._view.height:
            self.post_message(self.Paged(self, self._loaded, self._view.height))
            return
        chunk = self._view.slice(start, count)
        columns = chunk.columns
        rows = []
        for row in chunk.iter_rows():
            rows.append([self._display(c, v) for c, v in zip(columns, row)])
        self.add_rows(rows)
        self._loaded = start + chunk.height
        self.post_message(self.Paged(self, self._loaded, self._view.height))

    def load_more(self) -> bool:
        """Add the next page of rows; False when every row is loaded."""
        if self._loaded >= self._view.height:
            return False
        self._add_page()
        return True

    def _maybe_more(self, row: int) -> None:
        if self._loaded < self._view.height and row >= self._loaded - self.MORE_WHEN_WITHIN:
            self.load_more()

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        self._maybe_more(event.coordinate.row)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._maybe_more(event.cursor_row)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._loaded < self._view.height and new_value + self.size.height * 2 >= self.max_scroll_y:
            self.call_later(self.load_more)

    # ------------------------------------------------------------------ sorting

    def _sorted(self, frame: pl.DataFrame) -> pl.DataFrame:
        if not self._sort or frame.is_empty():
            return frame
        column, descending = self._sort
        dtype = frame.schema[column]
        try:
            if isinstance(dtype, (pl.List, pl.Array, pl.Struct)):
                key = pl.col(column).cast(pl.List(pl.String)).list.join("; ") if isinstance(dtype, pl.List) else pl.col(column).cast(pl.String)
                return frame.sort(key, descending=descending, nulls_last=True, maintain_order=True)
            return frame.sort(column, descending=descending, nulls_last=True, maintain_order=True)
        except pl.exceptions.PolarsError:
            return frame

    def sort_by(self, column: str, descending: bool | None = None) -> None:
        """Sort the whole frame by ``column``; without ``descending``, toggles when already sorted by it."""
        if column not in self._source.columns:
            return
        if descending is None:
            descending = bool(self._sort and self._sort[0] == column and not self._sort[1])
        self._sort = (column, descending)
        self._view = self._sorted(self._source)
        col = self._source.columns.index(column)
        self._render_all(Coordinate(0, col), (self.scroll_x, 0))

    def action_sort_column(self) -> None:
        if not self._view.columns:
            return
        index = min(self.cursor_coordinate.column, len(self._view.columns) - 1)
        self.sort_by(self._view.columns[index])

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        if 0 <= event.column_index < len(self._view.columns):
            self.sort_by(self._view.columns[event.column_index])


def _decimals(frame: pl.DataFrame) -> dict[str, int]:
    """Decimals per float column, the same for every row: none when every value is whole, else 1 (2 below 10)."""
    digits: dict[str, int] = {}
    for column, dtype in frame.schema.items():
        if not dtype.is_float() or column in fmt.PERCENT_COLUMNS:
            continue
        values = frame.get_column(column).drop_nulls().drop_nans()
        if values.is_empty():
            digits[column] = 0
            continue
        whole = bool((values == values.round(0)).all())
        largest = float(values.abs().max())
        digits[column] = 0 if whole else (2 if largest < 10 else 1)
    return digits


def column_frame(frame: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    """The columns of ``frame`` that exist, in the given order."""
    return frame.select([c for c in columns if c in frame.columns])
