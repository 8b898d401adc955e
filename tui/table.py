"""FrameTable: the one adapter between polars DataFrames and the screen.

Every table in the app goes through here. It is a virtualised table (Textual's line API): it draws only the
rows on screen, fetched from the frame as they scroll into view, so a million-row frame costs what a
forty-row one does. It:

* shows every cell as plain text, never markup: a cell holding ``[@click=app.quit]x[/]`` shows literally
  and runs nothing; control characters become visible escapes (``tui.format.safe``);
* right-aligns and rounds numbers (shares as percentages) and shows nulls as "—" (or a per-column word
  such as "unknown");
* sorts by column on the whole frame (click a header, or ``s`` on the cursor's column; again to reverse);
  large frames are sorted in a thread worker;
* has a cell cursor (arrows, page keys, home/end), and posts ``FrameTable.Selected`` on enter or a click;
* hides the cursor's column (``-``) and shows every hidden column again (``H``): hiding is for the screen
  only, ``row_data`` and ``frame`` keep every column;
* opens a frequency table of the cursor's column over its current rows (``F``, see ``frequency``);
* searches every cell on screen (``/``), then moves to the next and the previous match (``n``, ``N``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

import polars as pl
from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from diplodash.tui import format as fmt
from diplodash.tui.bindings import TABLE_BINDINGS
from diplodash.tui.tablefind import Finder, frequency

Styler = Callable[[object], str | None]
RowFormat = Callable[[object, Mapping[str, object]], str]  # (value, the row by column) -> text

SAMPLE_ROWS = 200  # rows measured for column widths
WINDOW = 256  # rows fetched from the frame at a time
SORT_IN_THREAD = 100_000  # frames taller than this are sorted in a worker


@lru_cache(maxsize=256)
def _style(text: str) -> Style:
    try:
        return Style.parse(text)
    except Exception:  # a bad style name from code must not break drawing
        return Style()


class FrameTable(ScrollView, can_focus=True):
    """A table showing a polars DataFrame (see the module docstring)."""

    BINDINGS = TABLE_BINDINGS

    COMPONENT_CLASSES = {
        "frame-table--header",
        "frame-table--odd",
        "frame-table--cursor",
        "frame-table--cursor-row",
        "frame-table--null",
    }

    cursor_row: reactive[int] = reactive(0, always_update=True, repaint=False)
    cursor_column: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Selected(Message):
        """Enter on a row, or a click on a cell."""

        def __init__(self, table: "FrameTable", row: int, column: int) -> None:
            super().__init__()
            self.table = table
            self.row = row
            self.column = column

        @property
        def control(self) -> "FrameTable":
            return self.table

    class Sorted(Message):
        """The frame was sorted (possibly by a worker)."""

        def __init__(self, table: "FrameTable") -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> "FrameTable":
            return self.table

    def __init__(
        self,
        *,
        max_width: int = 48,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        **_ignored,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.max_width = max_width
        self._source = pl.DataFrame()
        self._view = pl.DataFrame()
        self._sort: tuple[str, bool] | None = None
        self._labels: Mapping[str, str] = {}
        self._nulls: Mapping[str, str] = {}
        self._styles: Mapping[str, Styler] = {}
        self._formats: Mapping[str, Callable[[object], str]] = {}
        self._row_formats: Mapping[str, RowFormat] = {}
        self._numeric: set[str] = set()
        self._digits: dict[str, int] = {}
        self._widths: list[int] = []
        self._offsets: list[int] = []
        self._window_start = 0
        self._window: list[tuple] = []
        self._part_styles: dict[str, Style] = {}
        self.sorting = False
        self._hidden: list[str] = []  # columns hidden from the screen, in the order they were hidden
        self._shown: list[int] = []  # positions in the frame of the columns on screen
        self.search_query = ""
        self._finder = Finder()

    # ------------------------------------------------------------------ data

    @property
    def frame(self) -> pl.DataFrame:
        """The whole frame in display order (sorted when a sort is set)."""
        return self._view

    @property
    def total(self) -> int:
        return self._view.height

    @property
    def loaded(self) -> int:
        """Rows available to scroll to: every row (nothing is paged in)."""
        return self._view.height

    @property
    def row_count(self) -> int:
        return self._view.height

    @property
    def sort_state(self) -> tuple[str, bool] | None:
        return self._sort

    @property
    def columns(self) -> list[str]:
        """The columns on screen, in order (the frame's, less the hidden ones)."""
        names = self._view.columns
        return [names[i] for i in self._shown]

    @property
    def hidden_columns(self) -> tuple[str, ...]:
        return tuple(c for c in self._hidden if c in self._view.columns)

    @property
    def cursor_column_name(self) -> str | None:
        columns = self.columns
        return columns[min(self.cursor_column, len(columns) - 1)] if columns else None

    @property
    def cursor_coordinate(self) -> Coordinate:
        return Coordinate(self.cursor_row, self.cursor_column)

    def set_frame(
        self,
        frame: pl.DataFrame,
        *,
        labels: Mapping[str, str] | None = None,
        nulls: Mapping[str, str] | None = None,
        styles: Mapping[str, Styler] | None = None,
        formats: Mapping[str, Callable[[object], str]] | None = None,
        row_formats: Mapping[str, RowFormat] | None = None,
        right: Sequence[str] | None = None,
        keep_position: bool = True,
    ) -> None:
        """Show ``frame``. The sort, the cursor and the scroll position stay where they were when they still fit.

        ``labels`` names columns on screen, ``nulls`` says what a null shows per column (default "—"),
        ``styles`` styles a cell by its value, ``formats`` formats a value, ``row_formats`` formats a value
        knowing its row (a column whose rows hold different kinds of figure), ``right`` right-aligns text columns.
        """
        if labels is not None:
            self._labels = labels
        if nulls is not None:
            self._nulls = nulls
        if styles is not None:
            self._styles = styles
        if formats is not None:
            self._formats = formats
        self._row_formats = row_formats or {}
        self._source = frame
        if self._sort and self._sort[0] not in frame.columns:
            self._sort = None
        self._numeric = {c for c, t in frame.schema.items() if t.is_numeric()} | set(right or ())
        self._digits = _decimals(frame)
        if self._sort and frame.height > SORT_IN_THREAD:
            self._view = frame  # shown unsorted for a moment; the worker sorts
            self._sort_in_thread(frame, self._sort)
        else:
            self._view = self._sorted(frame)
        self._reset(keep_position)

    def _reset(self, keep_position: bool) -> None:
        self._window_start, self._window = 0, []
        self._set_shown()
        self._measure()
        if not keep_position:
            self.cursor_row = self.cursor_column = 0
            self.scroll_to(0, 0, animate=False, immediate=True)
        self.cursor_row = min(self.cursor_row, max(self.total - 1, 0))
        self.cursor_column = min(self.cursor_column, max(len(self._shown) - 1, 0))
        self.refresh()

    def _set_shown(self) -> None:
        hidden = set(self._hidden)
        self._shown = [i for i, c in enumerate(self._view.columns) if c not in hidden]

    def row_data(self, row: int | None = None) -> dict | None:
        """The full record (every column of the frame) at a table row, the cursor's by default."""
        row = self.cursor_row if row is None else row
        if not 0 <= row < self._view.height:
            return None
        return self._view.row(row, named=True)

    def cell_text(self, row: int, column: str) -> str:
        """The text a cell shows (for tests and copy)."""
        value = self._view.get_column(column)[row]
        return self._display(column, value, self._view.row(row, named=True)).plain

    def get_row_at(self, row: int) -> list[Text]:
        """Every cell on screen of a row as the Text it shows."""
        record = self._view.row(row, named=True)
        return [self._display(c, record[c], record) for c in self.columns]

    def column_label(self, index: int) -> Text:
        return self._label(self.columns[index])

    def column_offset(self, index: int) -> int:
        """Where a column starts, in cells from the table's left edge (before scrolling)."""
        return self._offsets[index]

    # ------------------------------------------------------------------ cells

    def _text(self, column: str, value: object, row: Mapping[str, object] | None = None) -> tuple[str, str | None, bool]:
        """(shown text, extra style, is null) of a cell (``row``: the cell's row, for ``row_formats``)."""
        if value is None:
            return self._nulls.get(column, fmt.NULL), None, True
        formatter = self._formats.get(column)
        null = self._nulls.get(column, fmt.NULL)
        by_row = self._row_formats.get(column)
        if by_row and row is not None:
            shown = fmt.safe(by_row(value, row))
        elif formatter:
            shown = fmt.safe(formatter(value))
        elif column in self._digits and isinstance(value, float):
            shown = fmt.number(value, column, digits=self._digits[column], fixed=True, null=null)
        else:
            shown = fmt.cell(value, column, null=null, width=self.max_width)
        styler = self._styles.get(column)
        return shown, (styler(value) if styler else None), False

    def _display(self, column: str, value: object, row: Mapping[str, object] | None = None) -> Text:
        shown, style, null = self._text(column, value, row)
        text = Text(shown, style="dim" if null else "", no_wrap=True, overflow="ellipsis")
        if style:
            text.stylize(style)
        if column in self._numeric:
            text.justify = "right"
        return text

    def _label(self, column: str) -> Text:
        label = Text(fmt.safe(self._labels.get(column, column)), style="bold")
        if self._sort and self._sort[0] == column:
            label.append(" ▼" if self._sort[1] else " ▲")
        if column in self._numeric:
            label.justify = "right"
        return label

    def _measure(self) -> None:
        """Column widths from the labels and a sample of rows (the first rows and the last ones)."""
        columns = self.columns
        sample = self._view.head(SAMPLE_ROWS)
        if self._view.height > SAMPLE_ROWS:
            sample = pl.concat([sample, self._view.tail(SAMPLE_ROWS // 4)])
        widths = []
        records = sample.rows(named=True) if self._row_formats else None
        for column in columns:
            width = cell_len(self._label(column).plain)
            if records is not None and column in self._row_formats:
                texts = (self._text(column, record[column], record)[0] for record in records)
            else:
                texts = (self._text(column, value)[0] for value in sample.get_column(column).to_list())
            for text in texts:
                width = max(width, cell_len(text))
            widths.append(min(max(width, 1), self.max_width))
        self._widths = widths
        offsets, x = [], 0
        for width in widths:
            offsets.append(x)
            x += width + 2
        self._offsets = offsets
        self.virtual_size = Size(max(x, 1), self._view.height + 1)

    def _rows(self, start: int, count: int) -> list[tuple]:
        """Rows ``start`` to ``start + count`` of the frame, fetched a window at a time."""
        end = min(start + count, self._view.height)
        if not (self._window_start <= start and end <= self._window_start + len(self._window)):
            self._window_start = max(start - WINDOW // 4, 0)
            self._window = self._view.slice(self._window_start, max(WINDOW, count * 2)).rows()
        return self._window[start - self._window_start : end - self._window_start]

    # ------------------------------------------------------------------ drawing

    def notify_style_update(self) -> None:
        self._part_styles = {}
        super().notify_style_update()

    def _component(self, name: str) -> Style:
        style = self._part_styles.get(name)
        if style is None:
            style = self._part_styles[name] = self.get_component_rich_style(name)
        return style

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        if y == 0:
            segments = self._header_segments(base)
        else:
            row = scroll_y + y - 1
            if row >= self._view.height:
                return Strip.blank(width, base)
            values = self._rows(row, 1)
            if not values:
                return Strip.blank(width, base)
            segments = self._row_segments(row, values[0], base)
        total = self.virtual_size.width
        strip = Strip(segments, total)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _cell_segments(self, text: str, width: int, right: bool, style: Style) -> list[Segment]:
        if cell_len(text) > width:
            text = set_cell_size(text, max(width - 1, 0)) + "…" if width > 1 else set_cell_size(text, width)
        pad = width - cell_len(text)
        text = (" " * pad + text) if right else (text + " " * pad)
        return [Segment(" " + text + " ", style)]

    def _header_segments(self, base: Style) -> list[Segment]:
        style = base + self._component("frame-table--header")
        segments: list[Segment] = []
        for index, column in enumerate(self.columns):
            segments += self._cell_segments(self._label(column).plain, self._widths[index], column in self._numeric, style)
        return segments

    def _row_segments(self, row: int, values: tuple, base: Style) -> list[Segment]:
        row_style = base + self._component("frame-table--odd") if row % 2 else base
        is_cursor_row = row == self.cursor_row and self.has_focus
        if is_cursor_row:
            row_style = row_style + self._component("frame-table--cursor-row")
        null_style = Style(color=self._component("frame-table--null").color)  # the colour only: keep the row's background
        segments: list[Segment] = []
        names = self._view.columns
        record = dict(zip(names, values)) if self._row_formats else None
        for index, position in enumerate(self._shown):
            column, value = names[position], values[position]
            shown, extra, null = self._text(column, value, record)
            style = row_style + null_style if null else row_style
            if extra:
                style = style + _style(extra)
            if is_cursor_row and index == self.cursor_column:
                style = style + self._component("frame-table--cursor")
            segments += self._cell_segments(shown, self._widths[index], column in self._numeric, style)
        return segments

    # ------------------------------------------------------------------ cursor

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self._scroll_to_cursor()

    def watch_cursor_column(self, old: int, new: int) -> None:
        self._refresh_row(self.cursor_row)
        self._scroll_to_cursor()

    def _refresh_row(self, row: int) -> None:
        y = row - int(self.scroll_y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_cursor(self) -> None:
        if not self._offsets or not self.size.height:
            return
        rows = max(self.size.height - 1 - (1 if self.show_horizontal_scrollbar else 0), 1)
        y = self.scroll_y
        if self.cursor_row < y:
            y = self.cursor_row
        elif self.cursor_row >= y + rows:
            y = self.cursor_row - rows + 1
        x = self.scroll_x
        column = min(self.cursor_column, len(self._offsets) - 1)
        left, right = self._offsets[column], self._offsets[column] + self._widths[column] + 2
        view = self.scrollable_content_region.width
        if left < x:
            x = left
        elif right > x + view:
            x = max(right - view, 0)
        if (x, y) != (self.scroll_x, self.scroll_y):
            self.scroll_to(x, y, animate=False, immediate=True)

    def move_cursor(self, *, row: int | None = None, column: int | None = None, **_ignored) -> None:
        if row is not None:
            self.cursor_row = min(max(row, 0), max(self.total - 1, 0))
        if column is not None:
            self.cursor_column = min(max(column, 0), max(len(self._shown) - 1, 0))

    def action_cursor(self, rows: int, columns: int) -> None:
        self.move_cursor(row=self.cursor_row + rows, column=self.cursor_column + columns)

    def action_page(self, direction: int) -> None:
        self.move_cursor(row=self.cursor_row + direction * max(self.size.height - 2, 1))

    def action_edge(self, direction: int) -> None:
        self.move_cursor(row=0 if direction < 0 else self.total - 1)

    def action_select_cursor(self) -> None:
        if self.total:
            self.post_message(self.Selected(self, self.cursor_row, self.cursor_column))

    def _column_at(self, x: int) -> int | None:
        for index, start in enumerate(self._offsets):
            if start <= x < start + self._widths[index] + 2:
                return index
        return None

    async def _on_click(self, event: events.Click) -> None:
        x = event.x + int(self.scroll_x)
        column = self._column_at(x)
        if column is None:
            return
        if event.y == 0:
            event.stop()
            self.sort_by(self.columns[column])
            return
        row = int(self.scroll_y) + event.y - 1
        if 0 <= row < self.total:
            event.stop()
            self.move_cursor(row=row, column=column)
            self.post_message(self.Selected(self, row, column))

    # ------------------------------------------------------------------ sorting

    def _sorted(self, frame: pl.DataFrame, sort: tuple[str, bool] | None = None) -> pl.DataFrame:
        sort = sort or self._sort
        if not sort or frame.is_empty():
            return frame
        column, descending = sort
        dtype = frame.schema[column]
        try:
            if isinstance(dtype, (pl.List, pl.Array, pl.Struct)):
                key = pl.col(column).cast(pl.List(pl.String)).list.join("; ") if isinstance(dtype, pl.List) else pl.col(column).cast(pl.String)
                return frame.sort(key, descending=descending, nulls_last=True, maintain_order=True)
            return frame.sort(column, descending=descending, nulls_last=True, maintain_order=True)
        except pl.exceptions.PolarsError:
            return frame

    @work(thread=True, exclusive=True, exit_on_error=False, group="sort")
    def _sort_in_thread(self, frame: pl.DataFrame, sort: tuple[str, bool]) -> None:
        self.sorting = True
        ordered = self._sorted(frame, sort)
        self.app.call_from_thread(self._sorted_arrived, frame, sort, ordered)

    def _sorted_arrived(self, frame: pl.DataFrame, sort: tuple[str, bool], ordered: pl.DataFrame) -> None:
        self.sorting = False
        if frame is self._source and sort == self._sort:
            self._view = ordered
            self._window_start, self._window = 0, []
            self.refresh()
            self.post_message(self.Sorted(self))

    def sort_by(self, column: str, descending: bool | None = None) -> None:
        """Sort the whole frame by ``column``; without ``descending``, toggles when already sorted by it."""
        if column not in self._source.columns:
            return
        if descending is None:
            descending = bool(self._sort and self._sort[0] == column and not self._sort[1])
        self._sort = (column, descending)
        if self._source.height > SORT_IN_THREAD:
            self._sort_in_thread(self._source, self._sort)
        else:
            self._view = self._sorted(self._source)
            self.post_message(self.Sorted(self))
        self._window_start, self._window = 0, []
        self.cursor_row = 0
        self.cursor_column = self.columns.index(column) if column in self.columns else 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def action_copy_cell(self) -> None:
        """y: the cursor's cell as it shows (the app says how it was copied)."""
        if not 0 <= self.cursor_row < self._view.height or not self._view.columns:
            self.app.notify("Nothing to copy: the table is empty.", timeout=3, markup=False)
            return
        column = self._view.columns[self.cursor_column]
        self.app.copy_text(self.cell_text(self.cursor_row, column), f"Cell {column}")

    def action_copy_row(self) -> None:
        """Y: the cursor's row as CSV (a header line and the row, each cell as it shows)."""
        from diplodash.tui.clipboard import csv_row

        if not 0 <= self.cursor_row < self._view.height:
            self.app.notify("Nothing to copy: the table is empty.", timeout=3, markup=False)
            return
        columns = list(self._view.columns)
        values = [self.cell_text(self.cursor_row, c) for c in columns]
        self.app.copy_text(csv_row([self._labels.get(c, c) for c in columns], values), "Row")

    def action_sort_column(self) -> None:
        column = self.cursor_column_name
        if column is not None:
            self.sort_by(column)

    # ------------------------------------------------------------------ hiding columns

    def hide_column(self, column: str) -> bool:
        """Hide a column from the screen (never the last one on screen). True when it was hidden."""
        if column not in self.columns or len(self.columns) <= 1:
            return False
        self._hidden.append(column)
        self._reset(keep_position=True)
        return True

    def show_columns(self) -> list[str]:
        """Show every hidden column again; the cursor stays on its column. Returns the columns shown again."""
        again = list(self.hidden_columns)
        current = self.cursor_column_name
        self._hidden = []
        self._reset(keep_position=True)
        if current is not None:
            self.cursor_column = self.columns.index(current)
        return again

    def action_hide_column(self) -> None:
        column = self.cursor_column_name
        if column is None:
            return
        if not self.hide_column(column):
            self.app.notify("The last column on screen stays.", severity="warning", timeout=3, markup=False)
            return
        self.app.notify(f"Hid {fmt.safe(self._labels.get(column, column))} · H shows every column again", timeout=3, markup=False)

    def action_show_columns(self) -> None:
        again = self.show_columns()
        self.app.notify(f"Shown again: {', '.join(again)}" if again else "No column is hidden.", timeout=3, markup=False)

    # ------------------------------------------------------------------ frequency table

    def frequency_frame(self, column: str | None = None) -> pl.DataFrame:
        """The frequency table of a column (the cursor's by default) over the table's current rows."""
        column = column or self.cursor_column_name
        return frequency(self._view, column) if column else pl.DataFrame()

    def action_frequency(self) -> None:
        column = self.cursor_column_name
        if column is None:
            return
        from diplodash.tui.screens.frequency import FrequencyScreen

        label = self._labels.get(column, column)
        null = self._nulls.get(column, fmt.NULL)
        formats = {column: self._formats[column]} if column in self._formats else {}
        self.app.push_screen(FrequencyScreen(self.frequency_frame(column), column, label, self.total, nulls={column: null}, formats=formats))

    # ------------------------------------------------------------------ search

    def search(self, query: str, direction: int = 1) -> tuple[int, int] | None:
        """Remember ``query`` and move the cursor to its next match (``direction`` -1: the previous one)."""
        self.search_query = query
        return self.search_next(direction)

    def search_next(self, direction: int = 1) -> tuple[int, int] | None:
        """Move the cursor to the next cell (row by row, left to right, round the end) whose value as text
        holds the query, case ignored; -1 goes back. Returns (match number, matches), None when none."""
        if not self.search_query:
            return None
        found = self._finder.find(self._view, self.columns, self.search_query, self.cursor_row, self.cursor_column, direction)
        if found is None:
            return None
        row, column, number, count = found
        self.move_cursor(row=row, column=column)
        return number, count

    def action_search(self) -> None:
        from diplodash.tui.screens.search import SearchScreen

        def done(query: str | None) -> None:
            if query:
                self._report(query, self.search(query))

        self.app.push_screen(SearchScreen(self.search_query), done)

    def action_search_next(self, direction: int) -> None:
        if not self.search_query:
            self.app.notify("Press / to search this table first.", timeout=3, markup=False)
            return
        self._report(self.search_query, self.search_next(direction))

    def _report(self, query: str, found: tuple[int, int] | None) -> None:
        if found is None:
            self.app.notify(f"No cell holds “{fmt.safe(query)}”.", severity="warning", timeout=3, markup=False)
        else:
            self.app.notify(f"“{fmt.safe(query)}”: match {found[0]:,} of {found[1]:,} · n next, N previous", timeout=3, markup=False)


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
