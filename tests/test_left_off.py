"""Where the user left off (state file), copy and open (y, Y, o), and undo (u).

The app runs on the small hand-made table of fixture_tables (test data), each test in its own state folder.
"""

from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path

import pytest

from diplodash.cli import build_parser
from diplodash.metrics.selection import Selection
from diplodash.tui import clipboard
from diplodash.tui.app import DiplodashApp
from diplodash.tui.leftoff import VERSION, LeftOff, parse_state, read_state, stale_values, state_path, write_state
from diplodash.tui.table import FrameTable
from fixture_tables import AS_OF, CONFIG

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def small_config(tmp_path, small_table) -> Path:
    text = CONFIG.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^path = "[^"]*"', f'path = "{small_table.name}"', text, count=1)
    text = re.sub(r"(?m)^\[defaults\]\n", f"[defaults]\nas_of = {AS_OF.isoformat()}\n", text, count=1)
    text = re.sub(r'(?m)^compare_[ab] = .*\n', "", text)
    path = small_table.parent / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


async def wait_for(pilot, predicate, timeout: float = 15.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def loaded(pilot, app: DiplodashApp) -> None:
    await wait_for(pilot, lambda: app.loads >= 1 and app.data is not None and app._current(app.data), what="data")
    await pilot.pause()


def make_app(config: Path, **kwargs) -> DiplodashApp:
    return DiplodashApp(config_flag=str(config), watch=False, **kwargs)


# ---------------------------------------------------------------- the state file, headless

BIDEN = Selection(periods=("Biden",), formats=("phone",), years=(2021,))


def test_state_round_trip(state_folder):
    state = LeftOff(view="contacts", selection=BIDEN, grouping="format", comparison=(Selection(years=(2021,)), Selection(years=(2022,))),
                    sort={"contacts": ("date", True)}, theme="nord")
    write_state(state)
    assert state_path() == state_folder / "state.json"
    back, warning = read_state()
    assert warning is None
    assert back == state
    assert json.loads(state_path().read_text())["version"] == VERSION


@pytest.mark.parametrize("text, why", [
    ("{not json", "not JSON"),
    ("[1, 2]", "not a JSON object"),
    ('{"version": 99, "view": "tone"}', "version 99"),
    ('{"version": 1, "selection": {"years": ["x"]}}', "years"),
    ('{"version": 1, "selection": {"colour": []}}', "colour"),
    ('{"version": 1, "view": 3}', "'view'"),
])
def test_damaged_or_old_state_is_ignored_with_a_reason(state_folder, text, why):
    (state_folder / "state.json").write_text(text)
    state, warning = read_state()
    assert state is None
    assert why in warning and "state.json" in warning


def test_not_utf8_state_is_ignored(state_folder):
    (state_folder / "state.json").write_bytes(b"\xff\xfe{")
    state, warning = read_state()
    assert state is None and "UTF-8" in warning


def test_stale_values_name_what_is_gone():
    state = LeftOff(view="nowhere", selection=Selection(periods=("Biden", "Gone")), grouping="period,colour")
    stale = stale_values(state, {"period": {"Biden"}}, ("period", "leader"), ("overview",))
    assert stale == ["period 'Gone'", "grouping 'period,colour'", "view 'nowhere'"]
    assert parse_state(LeftOff(selection=Selection(periods=("Biden",))).to_json()).selection == Selection(periods=("Biden",))


def test_fresh_flag_is_parsed():
    assert build_parser().parse_args(["--fresh"]).fresh is True
    assert build_parser().parse_args(["app", "--fresh"]).fresh is True
    assert build_parser().parse_args([]).fresh is False


# ---------------------------------------------------------------- the state file, in the app


async def test_app_returns_where_it_was_left_off(small_config, state_folder):
    app = make_app(small_config)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot, app)
        app.set_selection(BIDEN)
        app.set_grouping("format")
        app.theme = "nord"
        await pilot.press("7")
        await loaded(pilot, app)
        await pilot.press("q")
    saved = json.loads((state_folder / "state.json").read_text())
    assert saved["view"] == "contacts" and saved["grouping"] == "format" and saved["theme"] == "nord"

    again = make_app(small_config)
    async with again.run_test(size=(120, 36)) as pilot:
        await loaded(pilot, again)
        assert again.selection == BIDEN
        assert again.grouping == "format"
        assert again.view == "contacts"
        assert again.theme == "nord"
        assert again.data.contacts.height == 1  # c1: the one Biden-period phone call of 2021 (c3 is 2022)
    fresh = make_app(small_config, fresh=True)
    async with fresh.run_test(size=(120, 36)) as pilot:
        await loaded(pilot, fresh)
        assert fresh.selection == Selection()
        assert fresh.grouping == "period" and fresh.view == "overview"


async def test_damaged_state_file_warns_and_starts_clean(small_config, state_folder, capsys):
    (state_folder / "state.json").write_text('{"version": 0}')
    app = make_app(small_config)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot, app)
        assert app.selection == Selection() and app.view == "overview"
        assert any("state.json" in n.message and "version 0" in n.message for n in app._notifications)
    assert any("saved state is ignored" in w for w in app.state_warnings)  # run() prints them to stderr after the app


async def test_stale_filters_are_not_restored(small_config, state_folder, capsys):
    write_state(LeftOff(view="calls", selection=Selection(counterparts=("Nobody Invented",))))
    app = make_app(small_config)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot, app)
        assert app.selection == Selection()
        assert app.view == "calls"
    assert any("Nobody Invented" in w for w in app.state_warnings)


async def test_config_theme_and_state_theme(small_config, state_folder):
    text = small_config.read_text().replace("[defaults]\n", '[defaults]\ntheme = "gruvbox"\n', 1)
    small_config.write_text(text)
    app = make_app(small_config)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot, app)
        assert app.theme == "gruvbox"
    write_state(LeftOff(theme="nord"))
    app = make_app(small_config)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot, app)
        assert app.theme == "nord"
    app = make_app(small_config, fresh=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot, app)
        assert app.theme == "gruvbox"


# ---------------------------------------------------------------- undo


async def test_undo_restores_the_previous_selection_exactly(small_config):
    app = make_app(small_config, fresh=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot, app)
        first = app.selection
        second = Selection(periods=("Biden",), label="")
        third = Selection(periods=("Biden",), formats=("summit",))
        app.set_selection(second)
        app.set_grouping("year")
        app.set_selection(third)
        await loaded(pilot, app)
        assert app.data.contacts.height == 1  # c2, the Biden summit
        await pilot.press("u")
        await loaded(pilot, app)
        assert app.selection == second and app.selection is second and app.grouping == "year"
        assert app.data.contacts.height == 3  # c1, c2, c3
        await pilot.press("u")
        assert app.selection is second and app.grouping == "period"
        await pilot.press("u")
        assert app.selection is first
        await pilot.press("u")  # nothing left: said, nothing changes
        assert app.selection is first
        assert any("Nothing to undo" in n.message for n in app._notifications)


# ---------------------------------------------------------------- copy and open


def osc52_payloads(written: list[str]) -> list[str]:
    found = []
    for chunk in written:
        for match in re.finditer(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07", chunk):
            found.append(base64.b64decode(match.group(1)).decode("utf-8"))
    return found


async def test_y_and_Y_copy_through_osc52(small_config, monkeypatch):
    monkeypatch.delenv("TERM_PROGRAM", raising=False)
    app = make_app(small_config, fresh=True, view="contacts")
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot, app)
        written: list[str] = []
        original = app._driver.write
        monkeypatch.setattr(app._driver, "write", lambda data: (written.append(data), original(data)))
        table = app.screen.query_one("#view-contacts").query_one(FrameTable)
        table.focus()
        await pilot.pause()
        table.move_cursor(row=0, column=0)
        cell = table.cell_text(0, table.frame.columns[0])
        await pilot.press("y")
        await pilot.press("Y")
        await pilot.pause()
        got = osc52_payloads(written)
        assert got[0] == cell
        header, row = got[1].splitlines()
        assert header.split(",")[0] == "date" and row.split(",")[0] == cell
        assert app.clipboard == got[1]
        assert any("OSC 52" in n.message for n in app._notifications)


def test_fallback_uses_a_tool_when_the_terminal_has_no_osc52(tmp_path):
    ran = []
    osc = []
    how = clipboard.deliver(
        "x,y", osc52=osc.append, folder=tmp_path, env={"TERM_PROGRAM": "Apple_Terminal", "DISPLAY": ":0"},
        which=lambda name: f"/usr/bin/{name}" if name == "xsel" else None,
        run=lambda command, **kw: ran.append((command, kw["input"])),
    )
    assert osc == [] and ran == [(["xsel", "--clipboard", "--input"], b"x,y")]
    assert how == "copied to the clipboard (xsel)"


def test_fallback_writes_a_file_when_no_tool_is_there(tmp_path):
    how = clipboard.deliver("Invented Leader", osc52=lambda t: None, folder=tmp_path, env={"TERM_PROGRAM": "Apple_Terminal"}, which=lambda n: None)
    assert (tmp_path / "clipboard.txt").read_text() == "Invented Leader"
    assert str(tmp_path / "clipboard.txt") in how


def test_a_failing_tool_falls_through_to_the_next(tmp_path):
    import subprocess

    def run(command, **kw):
        if command[0] == "wl-copy":
            raise subprocess.CalledProcessError(1, command)

    how = clipboard.deliver("t", osc52=lambda t: None, folder=tmp_path, method="tool", env={"WAYLAND_DISPLAY": "w"},
                            which=lambda n: n, run=run)
    assert how == "copied to the clipboard (pbcopy)"


async def test_copy_in_the_app_falls_back_to_a_file(small_config, state_folder, monkeypatch):
    monkeypatch.setenv("TERM_PROGRAM", "Apple_Terminal")
    monkeypatch.setattr(clipboard.shutil, "which", lambda name: None)
    app = make_app(small_config, fresh=True, view="contacts")
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot, app)
        table = app.screen.query_one("#view-contacts").query_one(FrameTable)
        table.focus()
        await pilot.pause()
        table.move_cursor(row=0, column=table.frame.columns.index("counterpart"))
        await pilot.press("y")
        await pilot.pause()
        assert (state_folder / "clipboard.txt").read_text() == table.cell_text(0, "counterpart")
        assert any("clipboard.txt" in n.message for n in app._notifications)


async def test_o_opens_the_source_url_or_says_there_is_none(small_config, monkeypatch):
    app = make_app(small_config, fresh=True, view="contacts")
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot, app)
        opened: list[str] = []
        monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
        table = app.screen.query_one("#view-contacts").query_one(FrameTable)
        table.focus()
        await pilot.pause()
        record = table.row_data(0)
        urls = app.source_urls(record)
        await pilot.press("o")
        await pilot.pause()
        if urls and urls[0].startswith("http"):
            assert opened == [urls[0]]
        else:
            assert opened == []
        assert app.source_urls({"url": "https://example.invalid/a"}) == ["https://example.invalid/a"]
        app.open_first_url([], "for this row")
        assert any("No source URL" in n.message for n in app._notifications)


async def test_contact_detail_copies_and_opens(small_config, monkeypatch):
    monkeypatch.setenv("TERM_PROGRAM", "xterm")
    from diplodash.tui.screens.contact import ContactScreen

    app = make_app(small_config, fresh=True, view="contacts")
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot, app)
        opened: list[str] = []
        monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
        app.push_screen(ContactScreen(app.dataset, "c2"))
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard.startswith("c2  2021-06-16")
        assert "Joe Biden" in app.clipboard
        await pilot.press("Y")
        await pilot.pause()
        header, row = app.clipboard.splitlines()[:2]
        assert header.split(",")[0] == "contact_id" and row.startswith("c2,")
        await pilot.press("o")
        await pilot.pause()
        urls = app.source_urls(app.dataset.contacts.filter(app.dataset.contacts["contact_id"] == "c2").to_dicts()[0])
        assert opened == [u for u in urls[:1] if u.startswith("http")]
