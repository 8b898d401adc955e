"""The dashboard driven by Textual's Pilot: keys, views, filters, export, reload, live reload, safety.

Every test runs the app on a private copy of seeds/ (the ``app_config`` fixture) at 120x36.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import ContentSwitcher, Select, Tabs

from diplodash.config import load_config
from diplodash.metrics.dataset import load_dataset
from diplodash.metrics.export import export_snapshot, selected_contacts
from diplodash.metrics.selection import GROUPING_CYCLE, Selection
from diplodash.metrics.snapshot import compare_selections, default_comparison
from diplodash.tui.app import DiplodashApp, run
from diplodash.tui.bindings import APP_BINDINGS, VIEWS, all_bindings
from diplodash.tui.screens.contact import ContactScreen
from diplodash.tui.screens.filters import FilterScreen
from diplodash.tui.screens.help import HelpScreen
from diplodash.tui.table import FrameTable
from diplodash.tui.topbar import Banner, TopBar
from fixture_tables import AS_OF, EXPORTED_AT

# The async tests run on anyio's asyncio backend (anyio comes with watchfiles, a dependency).
pytestmark = pytest.mark.anyio

SIZE = (120, 36)
MARKUP = "[@click=app.quit]x[/]"
NEW_ROW = "putin-test-2025-12-31,2025-12-31,day,Vladimir Putin,Donald Trump,,phone,confirmed,testing,,test row,\n"


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def wait_for(pilot, predicate, timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def loaded(pilot, app: DiplodashApp, loads: int = 1) -> None:
    await wait_for(pilot, lambda: app.loads >= loads and app.data is not None and app._current(app.data), what="data")
    await pilot.pause()


def make_app(config: Path, **kwargs) -> DiplodashApp:
    kwargs.setdefault("watch", False)
    return DiplodashApp(config_flag=str(config), **kwargs)


def expected_count(config: Path, selection: Selection = Selection()) -> int:
    dataset = load_dataset(load_config(str(config)))
    return selected_contacts(dataset, selection).height


def append_line(path: Path, line: str) -> int:
    """Append a row; return its line number."""
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    number = text.count("\n") + 1
    path.write_text(text + line, encoding="utf-8")
    return number


def screen_text(app) -> str:
    """The characters on the screen, one line per row (what a person reads, without styles)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def help_text(screen) -> str:
    """What the help screen's sections show, rendered as a terminal would (not the widgets' repr)."""
    from rich.console import Console

    console = Console(width=110, record=True, file=io.StringIO(), color_system=None)
    for section in screen.query(".help-section"):
        console.print(section.content)
    return console.export_text()


async def test_number_keys_switch_views(app_config):
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        assert app.view == "overview"
        for spec in list(VIEWS[1:]) + [VIEWS[0]]:
            await pilot.press(spec.key)
            await wait_for(pilot, lambda spec=spec: app.query_one("#views", ContentSwitcher).current == f"view-{spec.id}", what=spec.id)
            assert app.view == spec.id
            assert app.query_one("#tabs", Tabs).active == f"tab-{spec.id}"
            view = app.query_one(f"#view-{spec.id}")
            assert type(view).__name__ == spec.cls and view.display
            assert view.version == app.data.version, f"{spec.id} shows stale data"


async def test_tab_click_switches_view(app_config):
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.click("#tab-coverage")
        await wait_for(pilot, lambda: app.view == "coverage", what="coverage view")
        assert app.query_one("#views", ContentSwitcher).current == "view-coverage"


async def test_g_cycles_the_grouping(app_config):
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        assert app.grouping == "period"
        assert "by period" in app.query_one(TopBar).plain
        await pilot.press("g")
        assert app.grouping == GROUPING_CYCLE[1] == "period,leader"  # one key compares the hubs under each president
        await pilot.press("g")
        assert app.grouping == GROUPING_CYCLE[2] == "counterpart"
        assert "by counterpart" in app.query_one(TopBar).plain
        await wait_for(pilot, lambda: app.data.by == "counterpart", what="recomputed figures")
        table = app.query_one("#overview-table", FrameTable)
        assert "Donald Trump" in table.frame.columns and "Joe Biden" in table.frame.columns
        assert "Biden" not in table.frame.columns  # the period columns are gone
        for _ in range(len(GROUPING_CYCLE) - 2):
            await pilot.press("g")
        assert app.grouping == "period"


async def test_filter_changes_the_contacts_count(app_config):
    everything = expected_count(app_config)
    biden = expected_count(app_config, Selection(periods=("Biden",)))
    assert biden < everything
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("7")
        view = app.query_one("#view-contacts")
        await wait_for(pilot, lambda: view.table.total == everything, what="all contacts")
        assert f"{everything} contacts" in app.query_one(TopBar).plain
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FilterScreen), what="filter screen")
        app.screen.query_one("#period", Select).value = "Biden"
        await pilot.click("#apply")
        await wait_for(pilot, lambda: view.table.total == biden, what="filtered contacts")
        assert app.selection.periods == ("Biden",)
        assert f"{biden} contacts" in app.query_one(TopBar).plain
        assert "period=Biden" in app.query_one(TopBar).plain
        assert set(view.table.frame.get_column("counterpart").to_list()) == {"Joe Biden"}
        # Clear empties the form; applying it counts everything again.
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FilterScreen), what="filter screen")
        await pilot.click("#clear")
        await pilot.click("#apply")
        await wait_for(pilot, lambda: view.table.total == everything, what="cleared filter")


async def test_bad_date_in_the_filter_screen_is_refused(app_config):
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FilterScreen), what="filter screen")
        app.screen.query_one("#from").value = "2021-13-01"
        await pilot.click("#apply")
        await pilot.pause()
        assert isinstance(app.screen, FilterScreen)
        assert "From: '2021-13-01' is not a date" in str(app.screen.query_one("#filter-error").render())
        # The message follows the fields: another wrong field is named, and a fixed form shows none.
        app.screen.query_one("#from").value = "2021-01-01"
        app.screen.query_one("#to").value = "soon"
        await pilot.pause()
        assert "To: 'soon' is not a date" in str(app.screen.query_one("#filter-error").render())
        app.screen.query_one("#to").value = "2022-01-01"
        await pilot.pause()
        assert str(app.screen.query_one("#filter-error").render()) == ""
        await pilot.press("escape")
        assert app.selection == Selection()


async def test_export_writes_a_whole_snapshot_with_the_cli_numbers(app_config, tmp_path):
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        app.set_grouping("counterpart")
        await wait_for(pilot, lambda: app.data.by == "counterpart", what="regrouped")
        await pilot.press("e")
        await wait_for(pilot, lambda: app.last_export is not None, what="export")
        folder = app.last_export
        assert app.is_running
    assert folder.parent == tmp_path / "exports"
    for name in ("manifest.json", "metrics.json", "report.md", "screenshot.svg", "contacts.csv", "overview.csv"):
        assert (folder / name).is_file(), name
    svg = (folder / "screenshot.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "diplodash" in svg
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["group_by"] == "counterpart"
    assert "screenshot.svg" in manifest["files"]

    dataset = load_dataset(load_config(str(app_config)))
    cli = export_snapshot(dataset, Selection(), "counterpart", out_dir=tmp_path / "cli", as_of=AS_OF, exported_at=EXPORTED_AT, comparison=default_comparison(dataset))
    assert manifest["as_of"] == AS_OF.isoformat() and manifest["comparison"]["a"] == "Biden"
    app_metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    cli_metrics = json.loads((cli / "metrics.json").read_text(encoding="utf-8"))
    assert app_metrics == cli_metrics
    assert (folder / "contacts.csv").read_text(encoding="utf-8") == (cli / "contacts.csv").read_text(encoding="utf-8")


async def test_r_reloads_from_disk(app_config, seeds_copy):
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        before = app.data.contacts.height
        append_line(seeds_copy / "contacts.csv", NEW_ROW)
        await pilot.press("r")
        await loaded(pilot, app, loads=2)
        assert app.data.contacts.height == before + 1
        assert f"{before + 1} contacts" in app.query_one(TopBar).plain


async def test_live_reload_keeps_good_data_on_a_bad_edit_and_recovers(app_config, seeds_copy):
    contacts = seeds_copy / "contacts.csv"
    original = contacts.read_text(encoding="utf-8")
    app = make_app(app_config, watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.pause(0.3)  # let the watcher start
        before = app.data.contacts.height
        banner = app.query_one(Banner)
        assert not banner.display

        append_line(contacts, NEW_ROW)
        await wait_for(pilot, lambda: app.data.contacts.height == before + 1, what="live reload of a good edit")

        line = append_line(contacts, NEW_ROW.replace("2025-12-31,2025-12-31", "2025-12-30,2025-13-45").replace("putin-test-2025-12-31", "putin-test-bad"))
        await wait_for(pilot, lambda: banner.display and banner.kind == "error", what="the error banner")
        assert f"contacts.csv:{line}" in banner.message
        assert "date" in banner.message
        assert app.data.contacts.height == before + 1  # the last good data stays on screen
        assert app.is_running

        contacts.write_text(original, encoding="utf-8")  # the fix
        await wait_for(pilot, lambda: not banner.display, what="the banner to clear")
        await wait_for(pilot, lambda: app.data.contacts.height == before, what="reload after the fix")


async def test_invalid_config_edit_shows_a_banner_and_keeps_data(app_config):
    original = app_config.read_text(encoding="utf-8")
    app = make_app(app_config, watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.pause(0.3)
        before = app.data.contacts.height
        app_config.write_text(original.replace('group_by = "period"', 'group_by = "perod"'), encoding="utf-8")
        banner = app.query_one(Banner)
        await wait_for(pilot, lambda: banner.display and banner.kind == "error", what="config error banner")
        line = next(i for i, text in enumerate(original.splitlines(), 1) if text.startswith("group_by"))
        assert f"config.toml:{line}:" in banner.message and "perod" in banner.message
        assert app.data.contacts.height == before
        app_config.write_text(original, encoding="utf-8")
        await wait_for(pilot, lambda: not banner.display, what="banner cleared after the config fix")


async def test_markup_in_the_data_shows_literally_and_runs_nothing(app_config, seeds_copy):
    contacts = seeds_copy / "contacts.csv"
    append_line(contacts, NEW_ROW.replace(",testing,", f",{MARKUP},"))
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("7")
        view = app.query_one("#view-contacts")
        table = view.table
        await wait_for(pilot, lambda: table.total > 0, what="contacts table")
        table.sort_by("contact_id")
        row = table.frame.get_column("contact_id").to_list().index("putin-test-2025-12-31")
        column = table.frame.columns.index("topics")
        cell = table.get_row_at(row)[column]
        assert cell.plain == MARKUP and not cell.spans
        # Put the row on screen and click the cell: nothing runs.
        table.move_cursor(row=row, column=column)
        await pilot.pause()
        x = table.column_offset(column) - int(table.scroll_x) + 2
        y = row - int(table.scroll_y) + 1
        await pilot.click(table, offset=(x, y))
        await pilot.pause(0.2)
        assert app.is_running and app.return_code is None
        assert MARKUP in app.export_screenshot()
        # The contact's detail screen shows it literally too.
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactScreen), what="contact screen")
        assert app.screen.contact_id == "putin-test-2025-12-31"
        assert MARKUP in str(app.screen.query_one("#contact-facts").render())
        await pilot.press("escape")
        assert app.is_running


async def test_enter_opens_every_account_of_a_contact(app_config):
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("7")
        table = app.query_one("#view-contacts").table
        await wait_for(pilot, lambda: table.total > 0, what="contacts table")
        table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ContactScreen), what="contact screen")
        contact_id = app.screen.contact_id
        reports = app.dataset.reports.filter(app.dataset.reports["contact_id"] == contact_id)
        assert contact_id == table.row_data(0)["contact_id"]
        assert len(app.screen.query(".account")) == max(reports.height, 1)
        shown = "\n".join(str(w.render()) for w in app.screen.query(".account"))
        for speaker in reports.get_column("speaker").drop_nulls().to_list():
            assert speaker in shown
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ContactScreen), what="closed")


async def test_slash_searches_the_contacts(app_config):
    dataset = load_dataset(load_config(str(app_config)))
    biden = selected_contacts(dataset, Selection()).filter(selected_contacts(dataset, Selection())["counterpart"] == "Joe Biden").height
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("7")  # elsewhere / searches the table with the focus (tests/test_table_habits.py)
        await wait_for(pilot, lambda: app.view == "contacts", what="contacts view")
        view = app.query_one("#view-contacts")
        await wait_for(pilot, lambda: app.focused is view.table, what="table focus")
        await pilot.press("slash")
        await wait_for(pilot, lambda: app.focused is view.query_one("#contacts-search"), what="search focus")
        await pilot.press(*"biden")
        await wait_for(pilot, lambda: view.table.total == biden, what="search results")
        assert app.view == "contacts"  # typing "b...n" moved nowhere
        await pilot.press("escape")
        await wait_for(pilot, lambda: view.table.total == dataset.contacts.filter(dataset.contacts["status"] == "confirmed").height, what="cleared search")


async def test_s_sorts_the_focused_column(app_config):
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("7")
        table = app.query_one("#view-contacts").table
        await wait_for(pilot, lambda: table.total > 0, what="contacts")
        table.focus()
        column = table.frame.columns.index("duration_minutes")
        table.move_cursor(column=column)
        await pilot.press("s")
        values = [v for v in table.frame.get_column("duration_minutes").to_list()]
        present = [v for v in values if v is not None]
        assert present == sorted(present) and values[: len(present)] == present  # nulls last
        await pilot.press("s")
        present = [v for v in table.frame.get_column("duration_minutes").to_list() if v is not None]
        assert present == sorted(present, reverse=True)
        assert "▼" in table.column_label(column).plain


async def test_compare_view_defaults_to_biden_against_trump_second_term(app_config):
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("8")
        await wait_for(pilot, lambda: app.view == "compare", what="compare view")
        assert app.data.comparison.a.periods == ("Biden",)
        assert app.data.comparison.b.periods == ("Trump 2nd term",)
        expected = compare_selections(app.dataset, Selection(periods=("Biden",)), Selection(periods=("Trump 2nd term",)), as_of=AS_OF)
        table = app.query_one("#compare-table", FrameTable)
        assert table.total == expected.height
        contacts = expected.filter(expected["metric"] == "contacts").row(0, named=True)
        assert float(table.cell_text(0, "a")) == contacts["a"] and float(table.cell_text(0, "b")) == contacts["b"]
        await pilot.press("x")
        await wait_for(pilot, lambda: app.data.comparison.a.periods == ("Trump 2nd term",), what="swap")
        # c opens the two-form set-up; choosing formats compares phone calls only.
        await pilot.press("c")
        await wait_for(pilot, lambda: app.screen.query("#form-a"), what="compare set-up")
        app.screen.query_one("#form-a #format", Select).value = "phone"
        app.screen.query_one("#form-b #format", Select).value = "phone"
        await pilot.click("#apply")
        await wait_for(pilot, lambda: app.data.comparison is not None and app.data.comparison.a.formats == ("phone",), what="new comparison")
        assert app.view == "compare"


async def test_help_lists_every_binding_id(app_config):
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        ids = set(app.screen.ids)
        for binding in all_bindings():
            assert binding.id in ids
        for needed in ("view.overview", "grouping.cycle", "filters.open", "compare.setup", "snapshot.export", "data.reload", "contacts.search", "help.show", "app.quit", "table.sort"):
            assert needed in ids
        text = help_text(app.screen)
        for binding in all_bindings():
            assert binding.id in text, f"{binding.id} is not shown on the help screen"
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_every_binding_has_an_id_and_the_footer_shows_the_view_keys(app_config):
    assert all(b.id for b in all_bindings())
    assert len({b.id for b in APP_BINDINGS}) == len(APP_BINDINGS)
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("2")
        await pilot.pause(0.2)
        keys = {b.binding.id for b in app.screen.active_bindings.values() if b.binding.show}
        assert {"calls.measure", "table.sort", "grouping.cycle", "app.quit"} <= keys
        await pilot.press("7")
        await pilot.pause(0.2)
        keys = {b.binding.id for b in app.screen.active_bindings.values() if b.binding.show}
        assert "contacts.open" in keys and "calls.measure" not in keys


async def test_command_palette_lists_the_actions(app_config):
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")
        palette = app.screen
        from textual.command import CommandList

        options = palette.query_one(CommandList)
        await wait_for(pilot, lambda: options.option_count >= 20, what="discovered commands")
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        text = "\n".join(prompts)
        for name in ("Overview", "Contacts", "Compare", "Group", "Filter", "Export", "Reload", "Help", "Quit", "Group by year"):
            assert name in text, name
        await pilot.press(*"group by year")
        await wait_for(pilot, lambda: options.option_count and "Group by year" in str(options.get_option_at_index(0).prompt), what="search")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.grouping == "year", what="palette action")


async def test_user_keymap_rebinds_by_id(app_config):
    text = app_config.read_text(encoding="utf-8").replace("[keymap]", '[keymap]\n"grouping.cycle" = "j"\n"app.quit" = "ctrl+q"')
    app_config.write_text(text, encoding="utf-8")
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("g")
        assert app.grouping == "period"
        await pilot.press("j")
        assert app.grouping == "period,leader"
        await pilot.press("q")  # no longer quits
        await pilot.pause()
        assert app.is_running
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        rows = {binding_id: keys for _, section in app.screen.sections for keys, _, binding_id in section}
        assert rows["grouping.cycle"] == "j"


async def test_a_worker_error_becomes_a_banner_not_a_crash(app_config, monkeypatch):
    import diplodash.tui.app as module

    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)

        def broken(*args, **kwargs):
            raise RuntimeError("metrics exploded")

        monkeypatch.setattr(module, "compute_view_data", broken)
        app.set_selection(Selection(formats=("phone",)))  # a selection nothing has computed or prefetched
        banner = app.query_one(Banner)
        await wait_for(pilot, lambda: banner.display, what="error banner")
        assert "metrics exploded" in banner.message
        assert app.is_running


async def test_first_frame_comes_before_the_data(app_config, monkeypatch):
    import diplodash.tui.app as module

    real = module.load_dataset

    def slow(*args, **kwargs):
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "load_dataset", slow)
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        assert app.data is None
        assert app.query_one("#views", ContentSwitcher).loading
        assert app.query_one(TopBar).busy
        await loaded(pilot, app)
        assert not app.query_one("#views", ContentSwitcher).loading


def test_run_reports_config_errors_and_returns_1(tmp_path, capsys):
    bad = tmp_path / "config.toml"
    bad.write_text('[defaults]\nview = "overveiw"\n', encoding="utf-8")
    assert run(config_flag=str(bad)) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:1:" in err and "overview" in err


async def test_start_with_broken_data_shows_the_problem(app_config, seeds_copy):
    (seeds_copy / "reports.csv").write_text("report_id,contact_id\n", encoding="utf-8")
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        banner = app.query_one(Banner)
        await wait_for(pilot, lambda: banner.display, what="banner")
        assert app.data is None and app.load_failed
        assert "reports.csv" in banner.message
        assert app.query_one("#views", ContentSwitcher).current == "view-empty"
        await pilot.press("p")
        await pilot.pause()
        assert type(app.screen).__name__ == "ProblemsScreen"
        assert app.is_running


# ---------------------------------------------------------------------------------------------- more keys


async def test_q_quits(app_config):
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_filter_screen_applies_every_field(app_config):
    dataset = load_dataset(load_config(str(app_config)))
    chosen = Selection(
        counterparts=("Donald Trump",), formats=("phone",), all_statuses=True,
        date_from=__import__("datetime").date(2025, 1, 1), date_to=__import__("datetime").date(2025, 12, 31),
    )
    expected = selected_contacts(dataset, chosen).height
    assert 0 < expected < selected_contacts(dataset, Selection(all_statuses=True)).height
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FilterScreen), what="filter screen")
        screen = app.screen
        screen.query_one("#counterpart", Select).value = "Donald Trump"
        screen.query_one("#format", Select).value = "phone"
        screen.query_one("#status", Select).value = "__all__"
        screen.query_one("#from").value = "2025-01-01"
        screen.query_one("#to").value = "2025-12-31"
        await pilot.click("#apply")
        await wait_for(pilot, lambda: app.data.selection == chosen, what="the filtered figures")
        assert app.data.contacts.height == expected
        bar = app.query_one(TopBar).plain
        assert "counterpart=Donald Trump" in bar and "format=phone" in bar and "from=2025-01-01" in bar
        assert f"{expected} contacts" in bar


async def test_export_notifies_the_folder(app_config, tmp_path):
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("3")
        await pilot.press("e")
        await wait_for(pilot, lambda: app.last_export is not None, what="export")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert any(app.last_export.name in m for m in messages), messages
        svg = (app.last_export / "screenshot.svg").read_text(encoding="utf-8")
        assert "Initiators" in svg
        # The app's export has the same files as `diplodash export` (metrics/export.py) plus the screenshot.
        dataset = load_dataset(load_config(str(app_config)))
        cli = export_snapshot(dataset, Selection(), "period", out_dir=tmp_path / "cli", as_of=AS_OF, exported_at=EXPORTED_AT, comparison=default_comparison(dataset))
    assert {p.name for p in app.last_export.iterdir()} == {p.name for p in cli.iterdir()} | {"screenshot.svg"}


async def test_palette_offers_every_action(app_config):
    from textual.command import CommandList

    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")
        options = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: options.option_count >= len(APP_BINDINGS), what="discovered commands")
        text = "\n".join(str(options.get_option_at_index(i).prompt) for i in range(options.option_count))
        for binding in APP_BINDINGS:
            if binding.action == "command_palette":
                continue
            assert binding.description in text, binding.id
        for grouping in GROUPING_CYCLE:
            assert f"Group by {grouping.replace(',', ' × ')}" in text


# ---------------------------------------------------------------------------------------------- keymap


async def test_keymap_shows_in_footer_help_and_palette(app_config):
    from textual.command import CommandList

    text = app_config.read_text(encoding="utf-8").replace("[keymap]", '[keymap]\n"grouping.cycle" = "G"')
    app_config.write_text(text, encoding="utf-8")
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.pause(0.2)
        shown = {b.binding.id: b.binding.key for b in app.screen.active_bindings.values()}
        assert shown["grouping.cycle"] == "G"
        footer = screen_text(app).splitlines()[-1]
        assert " G " in footer and "Group" in footer and " g " not in footer
        await pilot.press("G")
        await wait_for(pilot, lambda: app.grouping == "period,leader", what="regrouped by G")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        rows = {binding_id: keys for _, section in app.screen.sections for keys, _, binding_id in section}
        assert rows["grouping.cycle"] == "G"
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")
        options = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: options.option_count > 5, what="commands")
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(p.startswith("Group  (G)") for p in prompts), prompts


def test_keymap_errors_name_file_line_and_column(app_config, capsys):
    text = app_config.read_text(encoding="utf-8").replace("[keymap]", '[keymap]\n"grouping.cycel" = "G"\n"app.quit" = "cmd+q"')
    app_config.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    typo = next(i for i, line in enumerate(lines, 1) if line.startswith('"grouping.cycel"'))
    bad_key = next(i for i, line in enumerate(lines, 1) if line.startswith('"app.quit"'))
    assert run(config_flag=str(app_config)) == 1
    err = capsys.readouterr().err
    assert f"config.toml:{typo}:1: error: unknown binding id 'grouping.cycel'" in err and "grouping.cycle" in err
    assert f"config.toml:{bad_key}:1:" in err and "'cmd'" in err


def test_config_knows_every_binding_id_of_the_app():
    from diplodash.metrics.config import VIEWS as CONFIG_VIEWS
    from diplodash.metrics.keymap import binding_ids

    app_ids = [b.id for b in all_bindings()]
    assert sorted(set(app_ids)) == sorted(binding_ids(CONFIG_VIEWS))


# ---------------------------------------------------------------------------------------------- live reload


async def watched_app(pilot_app_config):
    return make_app(pilot_app_config, watch=True)


async def test_live_reload_survives_delete_and_recreate(app_config, seeds_copy):
    contacts = seeds_copy / "contacts.csv"
    original = contacts.read_bytes()
    app = make_app(app_config, watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.pause(0.3)
        before = app.data.contacts.height
        banner = app.query_one(Banner)
        contacts.unlink()
        await wait_for(pilot, lambda: banner.display and banner.kind == "error", what="missing-file banner")
        assert "contacts" in banner.message
        assert app.data.contacts.height == before and app.is_running
        contacts.write_bytes(original + NEW_ROW.encode())
        await wait_for(pilot, lambda: app.data.contacts.height == before + 1, what="reload of the recreated file")
        assert not banner.display


async def test_live_reload_rapid_saves_end_on_the_last(app_config, seeds_copy):
    contacts = seeds_copy / "contacts.csv"
    original = contacts.read_text(encoding="utf-8")
    app = make_app(app_config, watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.pause(0.3)
        before = app.data.contacts.height
        loads = app.loads
        rows = "".join(NEW_ROW.replace("2025-12-31", f"2025-12-{day:02d}") for day in range(1, 11))
        for count in range(1, 11):  # ten saves 20 ms apart, the half-written ones included
            contacts.write_text(original + rows[: len(rows) * count // 10], encoding="utf-8")
            time.sleep(0.02)  # noqa: ASYNC251 (saves land faster than the app can look)
        await wait_for(pilot, lambda: app.data.contacts.height == before + 10, what="the last save")
        await pilot.pause(1.0)
        assert app.data.contacts.height == before + 10
        assert app.loads - loads <= 3, "every save was loaded: no debounce"
        assert not app.query_one(Banner).display


async def test_live_reload_sees_a_save_by_rename(app_config, seeds_copy):
    import os

    contacts = seeds_copy / "contacts.csv"
    app = make_app(app_config, watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.pause(0.3)
        before = app.data.contacts.height
        temp = seeds_copy / ".contacts.csv.swp"
        temp.write_text(contacts.read_text(encoding="utf-8") + NEW_ROW, encoding="utf-8")
        os.replace(temp, contacts)
        await wait_for(pilot, lambda: app.data.contacts.height == before + 1, what="reload after a rename-save")
        # Touching the file without changing it reloads nothing (same hash).
        loads = app.loads
        os.utime(contacts)
        await pilot.pause(1.5)
        assert app.loads == loads


# ---------------------------------------------------------------------------------------------- text safety


@pytest.mark.parametrize("hostile", ["[link=file:///etc/passwd]x[/link]", "a[/b]", "[bold]x", "[/]"])
async def test_more_markup_in_cells_shows_literally(app_config, seeds_copy, hostile):
    contacts = seeds_copy / "contacts.csv"
    append_line(contacts, NEW_ROW.replace(",testing,", f",{hostile},").replace("Donald Trump", f"{hostile} Trump"))
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        app.set_grouping("counterpart")  # the hostile name becomes a column label and a chart label
        await wait_for(pilot, lambda: app.data.by == "counterpart", what="regrouped")
        await pilot.pause(0.3)
        assert f"{hostile} Trump" in screen_text(app)
        for key in "2345678":
            await pilot.press(key)
            await pilot.pause(0.1)
        table = app.query_one("#view-contacts").table
        table.sort_by("contact_id")
        row = table.frame.get_column("contact_id").to_list().index("putin-test-2025-12-31")
        cell = table.get_row_at(row)[table.frame.columns.index("topics")]
        assert cell.plain == hostile and not cell.spans
        app.notify(f"{hostile} in a notification", markup=False)
        await pilot.pause(0.2)
        assert app.is_running


# An invented article (no real article text): one phone call, a day before the dateline.
INBOX_ARTICLE = """Leaders speak about a test
April 2, 2026

Russian President Vladimir Putin and President Trump held a telephone conversation on Wednesday, the Kremlin said.
The call lasted 40 minutes.
"""


async def test_inbox_accept_and_write_add_a_contact(app_config, seeds_copy):
    from textual.widgets import OptionList

    from diplodash.extract.inbox import inbox_folder
    from diplodash.tui.views.inbox import InboxView

    folder = inbox_folder(seeds_copy)
    folder.mkdir()
    (folder / "test-call.txt").write_text(INBOX_ARTICLE, encoding="utf-8")
    before_bytes = (seeds_copy / "contacts.csv").read_bytes()
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        before = app.data.contacts.height
        await pilot.press("9")
        view = app.query_one("#view-inbox", InboxView)
        await wait_for(pilot, lambda: view.inbox is not None, what="the inbox")
        assert view.inbox.items and view.inbox.items[0].id.startswith("test-call#")
        await wait_for(pilot, lambda: isinstance(app.focused, OptionList), what="the inbox list focused")
        text = screen_text(app)
        assert "9 Inbox" in text and "test-call#1" in text and "1 candidate(s)" in text
        keys = {b.binding.id for b in app.screen.active_bindings.values() if b.binding.show}
        assert {"inbox.accept", "inbox.reject", "inbox.write"} <= keys
        await pilot.press("a")
        assert view.inbox.items[0].state == "accepted"
        await wait_for(pilot, lambda: "✓ test-call#1" in screen_text(app), what="the accepted mark")
        await pilot.press("w")
        await loaded(pilot, app, loads=2)
        assert app.data.contacts.height == before + 1
        assert f"{before + 1} contacts" in app.query_one(TopBar).plain
    after = (seeds_copy / "contacts.csv").read_bytes()
    assert after.startswith(before_bytes) and after != before_bytes


async def test_contact_detail_keeps_a_source_date_as_precise_as_printed(app_config):
    """Meduza's piece is dated by month in sources.csv: the detail shows 2025-01, never an invented day."""
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        meduza = app.dataset.sources.filter(app.dataset.sources["source_id"] == "seed-004-meduza").row(0, named=True)
        assert meduza["published_precision"] == "month"
        app.push_screen(ContactScreen(app.dataset, "putin-trump-2017-05-02"))
        await wait_for(pilot, lambda: isinstance(app.screen, ContactScreen), what="contact screen")
        await pilot.pause()
        facts = str(app.screen.query_one("#contact-facts").render())
        assert "(2025-01)" in facts and "2025-01-01" not in facts
        headers = [str(w.render()).splitlines()[0] for w in app.screen.query(".account")]
        assert headers and not any(h.startswith("Kremlin Kremlin") for h in headers)


def test_no_view_or_table_key_hides_an_app_key():
    """A view's or a table's own binding takes its key first: on an app-wide key it would make that key (a view
    switch, the filter, undo) dead while the view has the focus."""
    from diplodash.tui.bindings import APP_BINDINGS, TABLE_BINDINGS, VIEW_BINDINGS

    app_keys = {b.key: b.id for b in APP_BINDINGS}
    clashes = [
        (where, b.key, b.id, app_keys[b.key])
        for where, bindings in [*VIEW_BINDINGS.items(), ("table", TABLE_BINDINGS)]
        for b in bindings
        if b.key in app_keys
    ]
    # One deliberate layering: "/" searches the focused table, and where no table has the focus it searches the contacts.
    assert clashes == [("table", "slash", "table.search", "contacts.search")]
