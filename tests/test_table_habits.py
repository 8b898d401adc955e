"""Table habits of every FrameTable: hide and show columns, the frequency table of the cursor's column,
search with next and previous. Figures computed by hand from the invented frames below (test data only).
"""

from __future__ import annotations

import time

import polars as pl
import pytest
from textual.app import App, ComposeResult

from diplodash.tui.screens.frequency import FrequencyScreen
from diplodash.tui.screens.search import SearchScreen
from diplodash.tui.table import FrameTable
from diplodash.tui.tablefind import Finder, frequency

pytestmark = pytest.mark.anyio

# Invented rows: who, what, how many.
FRAME = pl.DataFrame(
    {
        "who": ["Ada Fern", "Bo Lark", "Ada Fern", "Cy Moss", "Ada Fern", None],
        "what": ["phone", "summit", "phone", "phone", "video", "phone"],
        "tags": [["fern"], [], ["trade", "Fern"], None, ["x"], ["moss"]],
        "n": [3, 1, 3, 2, 5, 3],
    }
)


@pytest.fixture
def anyio_backend():
    return "asyncio"


def test_frequency_counts_and_shares_by_hand():
    got = frequency(FRAME, "what")
    # phone 4 of 6, then summit and video once each, in the order they first appear
    assert got.rows() == [("phone", 4, 4 / 6), ("summit", 1, 1 / 6), ("video", 1, 1 / 6)]
    who = frequency(FRAME, "who")
    assert who.rows() == [("Ada Fern", 3, 0.5), ("Bo Lark", 1, 1 / 6), ("Cy Moss", 1, 1 / 6), (None, 1, 1 / 6)]  # a null is a value too
    assert frequency(FRAME, "n").rows() == [(3, 3, 0.5), (1, 1, 1 / 6), (2, 1, 1 / 6), (5, 1, 1 / 6)]
    assert sum(frequency(FRAME, "tags").get_column("count")) == 6
    assert frequency(FRAME, "missing").is_empty()


def test_finder_walks_the_matches_in_reading_order_round_the_end():
    finder = Finder()
    columns = ["who", "what", "tags", "n"]
    # "fern" (case ignored) in: (0, who), (0, tags), (2, who), (2, tags: "Fern"), (4, who)
    found = []
    row, col = 0, 0
    for _ in range(6):
        r, c, number, count = finder.find(FRAME, columns, "FERN", row, col, 1)
        found.append((r, c, number))
        row, col = r, c
        assert count == 5
    assert found == [(0, 2, 2), (2, 0, 3), (2, 2, 4), (4, 0, 5), (0, 0, 1), (0, 2, 2)]  # after (4, who) it starts again
    back = []
    row, col = 2, 0
    for _ in range(3):
        r, c, number, _ = finder.find(FRAME, columns, "fern", row, col, -1)
        back.append((r, c, number))
        row, col = r, c
    assert back == [(0, 2, 2), (0, 0, 1), (4, 0, 5)]  # before the first: round to the last
    assert finder.find(FRAME, columns, "nobody", 0, 0, 1) is None
    # numbers match as text; a hidden column (not in ``columns``) is not searched
    assert finder.find(FRAME, ["who", "n"], "5", 0, 0, 1)[:2] == (4, 1)
    assert finder.find(FRAME, ["who", "what"], "moss", 0, 0, 1)[:2] == (3, 0)


class TableApp(App):
    def compose(self) -> ComposeResult:
        yield FrameTable(id="t")

    def on_mount(self) -> None:
        table = self.query_one(FrameTable)
        table.set_frame(FRAME)
        table.focus()


async def wait_for(pilot, predicate, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def test_hide_and_show_columns():
    app = TableApp()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(FrameTable)
        await pilot.press("right")  # on "what"
        await pilot.press("minus")
        assert table.columns == ["who", "tags", "n"] and table.hidden_columns == ("what",)
        assert table.cursor_column_name == "tags"  # the cursor stays in place, on the next column
        assert [t.plain for t in table.get_row_at(0)] == ["Ada Fern", "fern", "3"]
        assert table.row_data(1)["what"] == "summit"  # hidden from the screen only
        lines = [table.render_line(0).text]
        assert "what" not in lines[0] and "tags" in lines[0]
        await pilot.press("minus", "minus")  # tags, then n: one column left
        assert table.columns == ["who"]
        await pilot.press("minus")  # the last column stays
        assert table.columns == ["who"]
        table.set_frame(FRAME.head(3))  # new data keeps the columns hidden
        assert table.columns == ["who"]
        await pilot.press("H")
        assert table.columns == ["who", "what", "tags", "n"] and table.cursor_column_name == "who"


async def test_frequency_screen_of_the_cursors_column():
    app = TableApp()
    async with app.run_test(size=(100, 24)) as pilot:
        table = app.query_one(FrameTable)
        await pilot.press("right", "F")
        await wait_for(pilot, lambda: isinstance(app.screen, FrequencyScreen), "frequency screen")
        inner = app.screen.query_one("#frequency-table", FrameTable)
        await wait_for(pilot, lambda: inner.total == 3, "counts")
        assert [inner.cell_text(0, c) for c in ("what", "count", "share")] == ["phone", "4", "67%"]  # 4 of 6, as every share on screen: a whole percent
        assert inner.cell_text(2, "what") == "video"
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, FrequencyScreen), "closed")
        # over the table's current rows: after new data, the counts follow
        table.set_frame(FRAME.filter(pl.col("what") != "phone"))
        assert table.frequency_frame("what").rows() == [("summit", 1, 0.5), ("video", 1, 0.5)]


async def test_search_next_and_previous():
    app = TableApp()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(FrameTable)
        await pilot.press("n")  # nothing searched yet: the cursor stays
        assert (table.cursor_row, table.cursor_column) == (0, 0)
        await pilot.press("slash")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), "search line")
        await pilot.press(*"fern", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, SearchScreen), "search closed")
        assert (table.cursor_row, table.cursor_column) == (0, 2)  # the first match after the cursor's cell
        await pilot.press("n")
        assert (table.cursor_row, table.cursor_column) == (2, 0)
        await pilot.press("n", "n")
        assert (table.cursor_row, table.cursor_column) == (4, 0)
        await pilot.press("n")  # round the end
        assert (table.cursor_row, table.cursor_column) == (0, 0)
        await pilot.press("N")
        assert (table.cursor_row, table.cursor_column) == (4, 0)
        await pilot.press("minus")  # hide "who": its matches go with it
        await pilot.press("home", "n")  # from (0, what): row 0's tags
        assert (table.cursor_row, table.cursor_column_name) == (0, "tags")
        await pilot.press("n")  # (2, who) is hidden: (2, tags)
        assert (table.cursor_row, table.cursor_column_name) == (2, "tags")
        await pilot.press("slash")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), "search line")
        await pilot.press("escape")  # cancel: nothing moves
        await wait_for(pilot, lambda: not isinstance(app.screen, SearchScreen), "search closed")
        assert (table.cursor_row, table.cursor_column_name) == (2, "tags")
