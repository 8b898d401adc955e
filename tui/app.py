"""The diplodash dashboard: a Textual app over the headless metrics layer.

Layout: a top bar (data, selection, grouping, when loaded), a tab strip of eight views, the view area, a
banner line for load errors and warnings, and the Footer. Loading and computing run in thread workers
that post messages back; a watcher reloads when the data or the config changes on disk.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Footer, Static, Tab, Tabs
from textual.worker import Worker, WorkerState, get_current_worker

from diplodash.metrics.atomic import ExportError
from diplodash.config import load_config
from diplodash.metrics.config import GROUPINGS, Config
from diplodash.metrics.dataset import Dataset, load_dataset
from diplodash.metrics.problems import DataError, Problem
from diplodash.metrics.readers import SUFFIXES
from diplodash.metrics.schema import TABLES
from diplodash.metrics.selection import Selection, next_grouping
from diplodash.tui import format as fmt
from diplodash.tui import hangup
from diplodash.tui.bindings import APP_BINDINGS, VIEW_BY_ID, VIEW_IDS, VIEWS, all_bindings, binding_list, binding_sections
from diplodash.tui.leftoff import LeftOff, read_state, stale_values, state_path, write_state
from diplodash.tui.commands import DiplodashCommands
from diplodash.tui.messages import Computed, DataLoaded, Exported, ExportFailed, ExportZipped, LoadFailed, LoadSkipped
from diplodash.tui.served import TERMINAL, Served
from diplodash.tui.state import Comparison, FigureCache, ViewData, compute_view_data, default_comparison, fingerprint, view_key
from diplodash.tui.topbar import Banner, TopBar
from diplodash.tui.views import view_class
from diplodash.tui.views.base import View

UNDO_DEPTH = 100  # selection changes u can undo

RELOAD_DEBOUNCE = 0.3  # seconds of quiet after a file change before reloading


@dataclass(frozen=True)
class UndoEntry:
    """One step of the undo stack: what was shown before a change."""

    selection: Selection
    grouping: str
    comparison: Comparison | None
    custom: bool


def settle(config_path: Path | None, data_path: Path, quiet: float = 0.15, limit: float = 3.0) -> None:
    """Wait until the config and table files stop changing (size and mtime the same ``quiet`` seconds apart)."""
    import time

    from diplodash.tui.state import relevant_files

    def stats() -> tuple:
        out = []
        for path in relevant_files(config_path, data_path):
            try:
                st = path.stat()
                out.append((str(path), st.st_size, st.st_mtime_ns))
            except OSError:
                out.append((str(path), None, None))
        return tuple(out)

    deadline = time.monotonic() + limit
    before = stats()
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = stats()
        if now == before:
            return
        before = now


class DiplodashApp(App[int]):
    """The dashboard. ``watch=False`` turns off live reload (tests); ``clock`` freezes "loaded at"."""

    CSS_PATH = ["app.tcss", "views.tcss", "screens.tcss"]
    TITLE = "diplodash"
    BINDINGS = APP_BINDINGS
    COMMANDS = App.COMMANDS | {DiplodashCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]

    def __init__(
        self,
        config: Config | None = None,
        *,
        config_flag: str | Path | None = None,
        data: str | Path | None = None,
        watch: bool = True,
        export_dir: str | Path | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        view: str | None = None,
        as_of: dt.date | None = None,
        served: Served = TERMINAL,
        fresh: bool = False,
    ) -> None:
        super().__init__()
        self.served = served  # in a browser: exports are downloads; the Inbox writes only when allowed
        self.config: Config = config if config is not None else load_config(config_flag)
        self._found_by = self.config.found_by
        self._data_override = Path(data) if data else None
        self._watch_enabled = watch
        self._export_dir = Path(export_dir) if export_dir else None
        self._clock = clock
        self._as_of_flag = as_of
        self.view = view or self.config.default_view
        self.grouping = self.config.default_group_by
        self.selection = Selection()
        self.comparison: Comparison | None = None
        self._comparison_custom = False
        self.dataset: Dataset | None = None
        self.data: ViewData | None = None
        self.problems: list[Problem] = []  # of the last load: errors when it failed, else warnings
        self.load_failed = False
        self.loaded_at: dt.datetime | None = None
        self.last_export: Path | None = None
        self.loads = 0  # successful loads (tests wait on it)
        self._version = 0
        self._fingerprint: str | None = None
        self._watched: tuple[Path, ...] = ()
        self._reload_timer: Timer | None = None
        self._keymap_ids: dict[str, str] = {}
        self._cache: FigureCache | None = None
        self._prefetch_timer: Timer | None = None
        self._mounting_views = False  # the idle mounting of the views not shown yet is under way
        self._undo: list[UndoEntry] = []  # what was shown before each change, the newest last (u)
        self._fresh = fresh
        self._state_ready = False  # the saved state is applied (or ignored): from now on changes are saved
        self._left_off: LeftOff | None = None  # the saved state, until the first load applies its filters
        self._state_warnings: list[str] = []  # found before the app runs, notified on mount
        self.state_warnings: list[str] = []  # every warning about the saved state, for stderr after the run
        self._sorts: dict[str, tuple[str, bool]] = {}
        self._pending_sorts: dict[str, tuple[str, bool]] = {}
        if not fresh:
            self._read_left_off(view_given=view is not None)

    # ------------------------------------------------------------------ where the user left off

    def _read_left_off(self, view_given: bool) -> None:
        state, warning = read_state()
        if warning:
            self._state_warnings.append(warning)
        if state is None:
            return
        stale = stale_values(state, {}, GROUPINGS, VIEW_IDS)
        stale = [s for s in stale if s.startswith(("grouping", "view"))]
        if stale:
            self._state_warnings.append(f"{state_path()}: the saved state names {', '.join(stale)}, which no longer exists; ignored, starting fresh")
            return
        self._left_off = state
        if state.view and not view_given:
            self.view = state.view
        if state.grouping:
            self.grouping = state.grouping
        self._pending_sorts = dict(state.sort)
        self._sorts = dict(state.sort)

    def _apply_left_off(self, dataset: Dataset) -> None:
        """After the first load: the saved filters and comparison, unless they name values the data no longer holds."""
        state, self._left_off = self._left_off, None
        self._state_ready = True
        if state is None:
            return
        known = {
            key: set(dataset.contacts.get_column(key).drop_nulls().unique().to_list())
            for key in ("counterpart", "period", "format", "leader")
            if key in dataset.contacts.columns
        }
        if "date" in dataset.contacts.columns:
            known["year"] = set(dataset.contacts.get_column("date").dt.year().drop_nulls().unique().to_list())
        stale = stale_values(state, known, GROUPINGS, VIEW_IDS)
        if stale:
            self._warn_state(f"{state_path()}: the saved filters name {', '.join(stale[:5])}, no longer in the data; filters not restored")
            return
        self.selection = state.selection
        if state.comparison is not None:
            self.comparison = Comparison(*state.comparison)
            self._comparison_custom = True

    def _warn_state(self, message: str) -> None:
        """A notification now, and a stderr line once the app has given the terminal back (run prints them)."""
        self.state_warnings.append(message)
        self.notify(message, severity="warning", timeout=8, markup=False)

    def save_state(self) -> None:
        """Write where the user is now (atomically); a folder that cannot be written is said once."""
        if not self._state_ready:
            return
        state = LeftOff(
            view=self.view,
            selection=self.selection,
            grouping=self.grouping,
            comparison=(self.comparison.a, self.comparison.b) if self.comparison is not None and self._comparison_custom else None,
            sort=dict(self._sorts),
            theme=self.theme,
        )
        try:
            write_state(state)
        except OSError as exc:
            self._state_ready = False
            self._warn_state(f"cannot save the state to {state_path()}: {exc.strerror or exc}")

    def watch_theme(self, theme: str) -> None:
        self.save_state()

    def on_frame_table_sorted(self, event) -> None:
        view = next((node for node in event.table.ancestors if isinstance(node, View)), None)
        if view is not None and event.table.sort_state is not None:
            self._sorts[view.VIEW_ID] = event.table.sort_state
            self.save_state()

    def _restore_sort(self, view: View) -> None:
        from diplodash.tui.table import FrameTable

        sort = self._pending_sorts.pop(view.VIEW_ID, None)
        if sort is None:
            return
        tables = list(view.query(FrameTable))
        if tables and sort[0] in tables[0].frame.columns and tables[0].sort_state != sort:
            tables[0].sort_by(sort[0], sort[1])

    async def action_quit(self) -> None:
        self.save_state()
        await super().action_quit()

    # ------------------------------------------------------------------ paths

    @property
    def data_path(self) -> Path:
        return self._data_override or self.config.data_path

    @property
    def export_dir(self) -> Path:
        return self._export_dir or self.config.export_dir

    @property
    def config_path(self) -> Path | None:
        return Path(self.config.path) if self.config.path else None

    @property
    def main(self):
        """The dashboard's own screen (the bottom of the stack): queries keep working while a dialog is open."""
        stack = self.screen_stack
        if not stack:
            raise NoMatches("the app has no screen (starting or shutting down)")
        return stack[0]

    def _now(self) -> dt.datetime:
        return self._clock() if self._clock else dt.datetime.now().astimezone()

    def as_of_for(self, config: Config) -> dt.date:
        """The date the figures are computed as of: --as-of, else the config's [defaults] as_of, else today."""
        return self._as_of_flag or config.as_of or self._now().date()

    @property
    def as_of(self) -> dt.date:
        return self.as_of_for(self.config)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        yield Tabs(*[Tab(f"{v.key} {v.title}", id=f"tab-{v.id}") for v in VIEWS], id="tabs", active=f"tab-{self.view}")
        with ContentSwitcher(id="views"):
            yield Static(fmt.NULL, id="view-empty", markup=False)
        yield Banner(id="banner")
        yield Footer(id="footer")

    def on_mount(self) -> None:
        hangup.watch(self)
        theme = self._left_off.theme if self._left_off is not None and self._left_off.theme else self.config.theme
        if theme:
            if theme in self.available_themes:
                self.theme = theme
            else:
                self._state_warnings.append(f"unknown theme {theme!r}; choose one of {', '.join(sorted(self.available_themes))}")
        for warning in self._state_warnings:
            self._warn_state(warning)
        self.apply_keymap(self.config)
        self._update_topbar()
        switcher = self.main.query_one("#views", ContentSwitcher)
        switcher.loading = True
        self._show_view(self.view, focus=True)
        self._relabel_tabs()
        self._fit_footer()
        self.load_data("start", force=True)
        if self._watch_enabled:
            self._start_watching()

    def on_resize(self) -> None:
        self._relabel_tabs()
        self._fit_footer()

    def _fit_footer(self) -> None:
        """Below 110 columns the Footer drops its padding and the palette hint, so that every key fits."""
        try:
            footer = self.main.query_one("#footer", Footer)
        except NoMatches:
            return
        narrow = self.size.width < 110
        footer.compact = narrow
        footer.show_command_palette = not narrow

    def _relabel_tabs(self) -> None:
        narrow = self.size.width < 110
        for spec in VIEWS:
            try:
                tab = self.main.query_one(f"#tab-{spec.id}", Tab)
            except NoMatches:
                continue
            label = f"{spec.key} {spec.short if narrow else spec.title}"
            if tab.label_text != label:
                tab.label = label

    # ------------------------------------------------------------------ keymap, help, palette

    def apply_keymap(self, config: Config) -> None:
        known = {b.id for b in all_bindings() if b.id}
        unknown = sorted(set(config.keymap) - known)
        if unknown:
            self.notify(
                f"keymap: unknown binding id{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} (see ? for the ids)",
                severity="warning",
                markup=False,
            )
        self._keymap_ids = {k: v for k, v in config.keymap.items() if k in known}
        self.set_keymap(self._keymap_ids)

    def key_for(self, binding: Binding) -> str:
        """The keys a binding answers to after the user keymap, for display."""
        keys = self._keymap_ids.get(binding.id or "", None)
        if keys is None:
            return self.get_key_display(binding)
        return ", ".join(self.get_key_display(replace(binding, key=k.strip(), key_display=None)) for k in keys.split(","))

    def command_bindings(self) -> list[tuple[str, str, str, str, str]]:
        """(id, keys, description, tooltip, action) of every app-level binding, for the command palette."""
        rows = []
        for binding in binding_list(APP_BINDINGS):
            if binding.action == "command_palette":
                continue
            rows.append((binding.id or "", self.key_for(binding), binding.description, binding.tooltip, binding.action))
        return rows

    def action_help(self) -> None:
        from diplodash.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        sections = []
        for title, bindings in binding_sections():
            rows = [(self.key_for(b), b.description or b.action, b.id or "") for b in bindings]
            sections.append((title, rows))
        where = fmt.short_path(self.config_path) if self.config_path else "the config"
        note = f"Change a key in [keymap] of {where}: binding id = \"keys\", e.g. \"app.quit\" = \"ctrl+q\". Also: tab moves focus, ctrl+p searches every action."
        self.push_screen(HelpScreen(sections, note))

    def action_show_problems(self) -> None:
        from diplodash.tui.screens.problems import ProblemsScreen

        title = "The last load failed" if self.load_failed else "Warnings in the data"
        self.push_screen(ProblemsScreen(self.problems, title))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_problems":
            return bool(self.problems)
        return True

    # ------------------------------------------------------------------ views

    def action_show_view(self, view_id: str) -> None:
        self._show_view(view_id, focus=True)

    def _ensure_view(self, view_id: str) -> View:
        try:
            return self.main.query_one(f"#view-{view_id}", View)
        except NoMatches:
            widget = view_class(view_id)(id=f"view-{view_id}")
            self.main.query_one("#views", ContentSwitcher).mount(widget)
            return widget

    def _show_view(self, view_id: str, focus: bool = False) -> None:
        if view_id not in VIEW_BY_ID:
            return
        self.view = view_id
        tabs = self.main.query_one("#tabs", Tabs)
        if tabs.active != f"tab-{view_id}":
            tabs.active = f"tab-{view_id}"
        if self.data is None:
            return
        view = self._ensure_view(view_id)
        self.main.query_one("#views", ContentSwitcher).current = f"view-{view_id}"
        if view.version != self.data.version:
            view.show_data(self.data)
        if view_id in self._pending_sorts:
            self.call_after_refresh(self._restore_sort, view)
        self.save_state()
        if focus:
            view.take_focus()  # now if composed, again once laid out, or on mount if not composed yet

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tab is None or not event.tab.id:
            return
        view_id = event.tab.id.removeprefix("tab-")
        if view_id != self.view or (self.data is not None and self.main.query_one("#views", ContentSwitcher).current != f"view-{view_id}"):
            self._show_view(view_id, focus=False)

    @property
    def active_view(self) -> View | None:
        try:
            return self.main.query_one(f"#view-{self.view}", View)
        except NoMatches:
            return None

    # ------------------------------------------------------------------ selection, grouping, comparison

    def action_cycle_grouping(self) -> None:
        self.set_grouping(next_grouping(self.grouping))

    def _remember(self) -> None:
        """Push what is shown now (selection, grouping, comparison) on the undo stack before a change."""
        self._undo.append(UndoEntry(self.selection, self.grouping, self.comparison, self._comparison_custom))
        del self._undo[:-UNDO_DEPTH]

    def action_undo(self) -> None:
        """Back to the selection, grouping and comparison before the last change."""
        if not self._undo:
            self.notify("Nothing to undo.", timeout=3, markup=False)
            return
        entry = self._undo.pop()
        self.selection, self.grouping = entry.selection, entry.grouping
        self.comparison, self._comparison_custom = entry.comparison, entry.custom
        self._update_topbar()
        self.recompute()
        self.save_state()
        self.notify(f"Undone: {self.selection.describe()} · by {self.grouping}", timeout=3, markup=False)

    def set_grouping(self, grouping: str) -> None:
        if grouping != self.grouping:
            self._remember()
        self.grouping = grouping
        self._update_topbar()
        self.recompute()
        self.save_state()

    def set_selection(self, selection: Selection) -> None:
        if selection != self.selection:
            self._remember()
        self.selection = selection
        self._update_topbar()
        self.recompute()
        self.save_state()

    def clear_filters(self) -> None:
        self.set_selection(Selection())

    def action_open_filters(self) -> None:
        from diplodash.tui.screens.filters import Choices, FilterScreen

        def done(selection: Selection | None) -> None:
            if selection is not None:
                self.set_selection(selection)

        self.push_screen(FilterScreen(Choices.from_data(self.config, self.dataset), self.selection), done)

    def action_setup_compare(self) -> None:
        from diplodash.tui.screens.filters import Choices, CompareScreen

        def done(comparison: Comparison | None) -> None:
            if comparison is not None:
                self.set_comparison(comparison)
                self._show_view("compare", focus=True)

        default = default_comparison(self.config, self.dataset)
        self.push_screen(CompareScreen(Choices.from_data(self.config, self.dataset), self.comparison, default), done)

    def set_comparison(self, comparison: Comparison | None, custom: bool = True) -> None:
        if comparison != self.comparison:
            self._remember()
        self.comparison = comparison
        self._comparison_custom = custom
        self.recompute()
        self.save_state()

    def swap_comparison(self) -> None:
        if self.comparison is not None:
            self.set_comparison(Comparison(self.comparison.b, self.comparison.a), custom=True)

    def reset_comparison(self) -> None:
        self.set_comparison(default_comparison(self.config, self.dataset), custom=False)

    def action_search(self) -> None:
        self._show_view("contacts")
        if self.data is None:
            return
        view = self._ensure_view("contacts")
        self.call_after_refresh(view.open_search)

    # ------------------------------------------------------------------ loading and computing

    def action_reload(self) -> None:
        self.load_data("reload", force=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="load", name="load")
    def load_data(self, reason: str, force: bool = False) -> None:
        """Read the config and the data, then compute the figures; post DataLoaded or LoadFailed."""
        worker = get_current_worker()
        self.call_from_thread(self._set_busy, "loading…")
        config = self.config
        if reason == "change":
            settle(config.path, self._data_override or config.data_path)
        # What is on disk now (config and tables), hashed before reading: unchanged content is skipped, and a
        # failed attempt is remembered too, so that only a real change (the fix) triggers the next load.
        stamp = fingerprint(config.path, self._data_override or config.data_path)
        if not force and stamp == self._fingerprint:
            self.post_message(LoadSkipped(reason))
            return
        try:
            if config.path is not None and reason != "start":
                config = replace(load_config(config.path), found_by=self._found_by)
            data_path = self._data_override or config.data_path
            if config.data_path != self.config.data_path and self._data_override is None:
                stamp = fingerprint(config.path, data_path)
            as_of = self.as_of_for(config)
            dataset = load_dataset(config, data_path, today=as_of)
            dataset.loaded_at = self._now()
            comparison = self.comparison if self._comparison_custom else default_comparison(config, dataset)
            cache = FigureCache(dataset)
            data = compute_view_data(dataset, self.selection, self.grouping, comparison, cache=cache, as_of=as_of)
        except DataError as error:
            if not worker.is_cancelled:
                self.post_message(LoadFailed(error.problems, stamp, reason))
            return
        if not worker.is_cancelled:
            self.post_message(DataLoaded(config, dataset, data, stamp, reason, cache))

    @work(thread=True, exclusive=True, exit_on_error=False, group="compute", name="compute")
    def _compute(self, dataset: Dataset, selection: Selection, grouping: str, comparison: Comparison | None, cache: FigureCache | None) -> None:
        worker = get_current_worker()
        data = compute_view_data(dataset, selection, grouping, comparison, cache=cache, as_of=self.as_of)
        if not worker.is_cancelled:
            self.post_message(Computed(data))

    @work(thread=True, exclusive=True, exit_on_error=False, group="prefetch", name="prefetch")
    def _prefetch(self, dataset: Dataset, selection: Selection, grouping: str, comparison: Comparison | None, cache: FigureCache) -> None:
        """Compute the next grouping ahead of time (its result only fills the cache), so that g answers at once."""
        compute_view_data(dataset, selection, grouping, comparison, cache=cache, as_of=self.as_of)

    def _prefetch_next(self) -> None:
        self._prefetch_timer = None
        if self.dataset is None or self._cache is None:
            return
        following = next_grouping(self.grouping)
        if self._cache.peek(view_key(self.selection, following, self.comparison, self.as_of)) is None:
            self._prefetch(self.dataset, self.selection, following, self.comparison, self._cache)

    def recompute(self) -> None:
        if self.dataset is None:
            return
        cached = self._cache.peek(view_key(self.selection, self.grouping, self.comparison, self.as_of)) if self._cache else None
        if cached is not None and cached.dataset is self.dataset:
            self.workers.cancel_group(self, "compute")
            self._show_data(cached)  # computed before: repaint now, no worker
            return
        self._set_busy("computing…")
        self._compute(self.dataset, self.selection, self.grouping, self.comparison, self._cache)

    def _current(self, data: ViewData) -> bool:
        return (
            data.selection == self.selection and data.by == self.grouping and data.comparison == self.comparison and data.as_of == self.as_of
        )

    def on_data_loaded(self, message: DataLoaded) -> None:
        first = self.data is None
        old = self.config
        self.config = message.config
        self.dataset = message.dataset
        self._cache = message.cache
        self._fingerprint = message.fingerprint
        if not self._comparison_custom:
            self.comparison = message.data.comparison
        if message.config.keymap != old.keymap:
            self.apply_keymap(message.config)
        self.loaded_at = message.dataset.loaded_at
        self.loads += 1
        self.load_failed = False
        self.problems = [p for p in message.dataset.problems]
        banner = self.main.query_one("#banner", Banner)
        if self.problems:
            banner.show_problems(self.problems, failed=False)
        else:
            banner.clear_banner()
        if first:
            self._apply_left_off(message.dataset)
        self._show_data(message.data)
        self.main.query_one("#views", ContentSwitcher).loading = False
        if first:
            self._show_view(self.view, focus=True)
            self._mounting_views = True
            self.set_timer(0.2, self._mount_next_view)
        if not self._current(message.data):
            self.recompute()
        if self._watch_enabled and self._watch_folders() != self._watched:
            self._start_watching()
        if message.reason == "reload":
            self.notify(f"Reloaded {fmt.short_path(self.data_path)}", timeout=3, markup=False)
        elif message.reason == "change" and not first:
            self.notify(f"Data changed on disk: reloaded {fmt.short_path(self.data_path)}", timeout=3, markup=False)
        self.refresh_bindings()

    def on_load_failed(self, message: LoadFailed) -> None:
        self._fingerprint = message.fingerprint
        self.problems = list(message.problems)
        self.load_failed = True
        self._set_busy("")
        banner = self.main.query_one("#banner", Banner)
        banner.show_problems(self.problems, failed=True, since=self.loaded_at if self.data is not None else None)
        if self.data is None:
            switcher = self.main.query_one("#views", ContentSwitcher)
            switcher.loading = False
            empty = self.main.query_one("#view-empty", Static)
            empty.update(
                "The data could not be loaded. Fix the problem named below and save: the dashboard reloads by itself "
                "(or press r). Press p to list every problem."
            )
            switcher.current = "view-empty"
        if message.reason == "reload":
            self.notify("Reload failed: " + (banner.message.strip() or "see the banner"), severity="error", timeout=6, markup=False)
        self.refresh_bindings()

    def on_load_skipped(self, message: LoadSkipped) -> None:
        self._set_busy("")

    def on_computed(self, message: Computed) -> None:
        if message.data.dataset is not self.dataset or not self._current(message.data):
            return  # a newer load or selection superseded it
        self._show_data(message.data)

    def _show_data(self, data: ViewData) -> None:
        self._version += 1
        data.version = self._version
        self.data = data
        self._set_busy("")
        self._update_topbar()
        view = self.active_view
        if view is not None:
            view.show_data(data)
        elif self.view:
            self._show_view(self.view)
        # After the repaint, not during it: the prefetch's threads would compete with drawing for the GIL.
        if self._prefetch_timer is not None:
            self._prefetch_timer.stop()
        self._prefetch_timer = self.set_timer(0.5, self._prefetch_next)

    def _mount_next_view(self) -> None:
        """Mount the views not shown yet, one per call, while the app is idle: a first switch then only draws."""
        try:
            switcher = self.main.query_one("#views", ContentSwitcher)
        except NoMatches:  # shutting down
            self._mounting_views = False
            return
        for spec in VIEWS:
            if not self.main.query(f"#view-{spec.id}"):
                widget = view_class(spec.id)(id=f"view-{spec.id}")
                widget.display = False
                switcher.mount(widget)
                self.set_timer(0.05, self._mount_next_view)
                return
        self._mounting_views = False

    def busy_in_background(self) -> list[str]:
        """What is still under way (tests wait for an empty list before a snapshot): workers, chart figures,
        the idle mounting of views, a scheduled prefetch, a focus not yet given. Empty once the screen is final.
        """
        busy = [f"worker {w.name or w.group}" for w in self.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING) and w.group != "watch"]
        if self._mounting_views:
            busy.append("mounting views")
        if self._prefetch_timer is not None:
            busy.append("prefetch scheduled")
        try:
            screen = self.main
        except NoMatches:
            return busy
        from diplodash.tui.views.base import View

        for view in screen.query(View):
            if view.focus_pending and view.display and view.VIEW_ID == self.view:
                busy.append(f"focus of {view.VIEW_ID}")
        if "diplodash.tui.charts" in sys.modules:
            from diplodash.tui.charts import Chart

            # A displayed chart with a figure of older data (or none yet) is busy too, even before it is laid
            # out; hidden charts draw when shown.
            busy += [f"chart {c.id}" for c in screen.query(Chart) if c.pending or (c.stale and c.displayed)]
        return busy

    def _set_busy(self, text: str) -> None:
        try:
            self.main.query_one("#topbar", TopBar).busy = text
        except NoMatches:
            pass

    def _update_topbar(self) -> None:
        try:
            bar = self.main.query_one("#topbar", TopBar)
        except NoMatches:
            return
        bar.data_path = fmt.short_path(self.data_path)
        bar.selection = self.selection.describe()
        bar.grouping = self.grouping
        bar.loaded_at = self.loaded_at
        bar.as_of = self.as_of
        bar.contacts = self.data.contacts.height if self.data is not None and self._current(self.data) else (self.data.contacts.height if self.data else None)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place where a worker's unexpected error becomes a banner and a notification."""
        if event.state != WorkerState.ERROR or event.worker.group == "prefetch":
            return  # a failed prefetch only means no head start: the real compute reports the error
        error = event.worker.error
        name = event.worker.name or event.worker.group
        message = f"{name} failed: {type(error).__name__}: {error}"
        self._set_busy("")
        self.main.query_one("#views", ContentSwitcher).loading = False
        self.main.query_one("#banner", Banner).show_text(message.splitlines()[0] if message else name)
        self.notify(message[:500], title="Something went wrong", severity="error", timeout=8, markup=False)

    # ------------------------------------------------------------------ live reload

    def _watch_folders(self) -> tuple[Path, ...]:
        folders = []
        data = self.data_path
        folders.append(data if data.is_dir() else data.parent)
        if self.config_path is not None:
            folders.append(self.config_path.parent)
        unique: list[Path] = []
        for folder in folders:
            try:
                folder = folder.resolve()
            except OSError:
                pass
            if folder not in unique and folder.is_dir():
                unique.append(folder)
        return tuple(unique)

    def _start_watching(self) -> None:
        self._watched = self._watch_folders()
        if self._watched:
            self._watch_files(self._watched)

    def _relevant(self, path: str) -> bool:
        """Does a change to ``path`` matter? The config file, and table files in the data folder."""
        changed = Path(path)
        try:
            changed = changed.parent.resolve() / changed.name
        except OSError:
            pass
        if self.config_path is not None:
            config = self.config_path.parent.resolve() / self.config_path.name
            if changed == config:
                return True
        data = self.data_path
        try:
            data = data.resolve()
        except OSError:
            pass
        if data.is_file() or data.suffix in SUFFIXES:
            return changed == data
        return changed.parent == data and changed.stem in TABLES and changed.suffix in SUFFIXES

    @work(exclusive=True, exit_on_error=False, group="watch", name="watch")
    async def _watch_files(self, folders: tuple[Path, ...]) -> None:
        """Watch folders, not files (editors save by renaming); reload after RELOAD_DEBOUNCE seconds of quiet."""
        from watchfiles import awatch

        async for changes in awatch(
            *folders, watch_filter=lambda _change, path: self._relevant(path), recursive=False, debounce=1600, step=50
        ):
            if changes:
                self._schedule_reload()

    def _schedule_reload(self) -> None:
        if self._reload_timer is not None:
            self._reload_timer.stop()
        self._reload_timer = self.set_timer(RELOAD_DEBOUNCE, lambda: self.load_data("change"))

    # ------------------------------------------------------------------ copy and open

    def copy_text(self, text: str, what: str) -> str | None:
        """Copy ``text`` (OSC 52, a clipboard tool, or a file: tui.clipboard) and say which was used."""
        from diplodash.tui.clipboard import deliver
        from diplodash.tui.leftoff import state_dir

        try:
            how = deliver(text, osc52=self.copy_to_clipboard, folder=state_dir(), method=self.config.clipboard)
        except OSError as exc:
            self.notify(f"Copy failed: {exc}", severity="error", timeout=6, markup=False)
            return None
        self.notify(f"{what} {how}", timeout=4, markup=False)
        return how

    def source_urls(self, record: dict | None) -> list[str]:
        """The source URLs of a table row: its own url column, else its sources' (source_ids), else its contact's."""
        if not record:
            return []
        if isinstance(record.get("url"), str) and record["url"].strip():
            return [record["url"].strip()]
        if self.dataset is None:
            return []
        import polars as pl

        ids = record.get("source_ids")
        if not ids and record.get("contact_id"):
            found = self.dataset.contacts.filter(pl.col("contact_id") == record["contact_id"]).head(1)
            ids = found.get_column("source_ids")[0] if found.height and "source_ids" in found.columns else None
        if isinstance(ids, str):
            ids = [ids]
        if ids is None or "url" not in self.dataset.sources.columns:
            return []
        ids = list(ids)
        rows = self.dataset.sources.filter(pl.col("source_id").is_in(ids)).select("source_id", "url").to_dicts()
        by_id = {r["source_id"]: r["url"] for r in rows}
        return [by_id[i].strip() for i in ids if isinstance(by_id.get(i), str) and by_id[i].strip()]

    def open_first_url(self, urls: list[str], where: str) -> None:
        if not urls:
            self.notify(f"No source URL {where}.", severity="warning", timeout=4, markup=False)
            return
        url = urls[0]
        if not url.lower().startswith(("http://", "https://")):
            self.notify(f"Not a web address, not opened: {fmt.safe(url)}", severity="warning", timeout=5, markup=False)
            return
        self.open_url(url)
        more = f" (first of {len(urls)})" if len(urls) > 1 else ""
        self.notify(f"Opened {fmt.safe(url)}{more}", timeout=4, markup=False)

    def action_open_source(self) -> None:
        """o: the source URL of the row under the cursor of the focused table."""
        from diplodash.tui.table import FrameTable

        table = self.focused if isinstance(self.focused, FrameTable) else None
        if table is None:
            self.notify("No source URL here: put the cursor on a table row.", severity="warning", timeout=4, markup=False)
            return
        self.open_first_url(self.source_urls(table.row_data()), "for this row")

    # ------------------------------------------------------------------ export

    def action_export(self) -> None:
        if self.data is None:
            self.notify("Nothing to export yet: the data has not loaded.", severity="warning")
            return
        svg = self.export_screenshot(title=f"diplodash: {VIEW_BY_ID[self.view].title}")
        self._set_busy("exporting…")
        if self.served.served:
            self._export_zip(self.data, svg)
        else:
            self._export(self.data, svg)

    @work(thread=True, exit_on_error=False, group="export", name="export zip")
    def _export_zip(self, data: ViewData, svg: str) -> None:
        """In a browser: the same snapshot, built in memory and zipped, then delivered as a download."""
        from diplodash.metrics.export import default_name, snapshot_files, snapshot_zip

        try:
            exported_at = self._now()
            comparison = (data.comparison.a, data.comparison.b) if data.comparison is not None else None
            files = snapshot_files(
                data.dataset, data.selection, data.by, extra_files={"screenshot.svg": svg}, snapshot=data.snapshot,
                as_of=data.snapshot.as_of, exported_at=exported_at, comparison=comparison, compared=data.compared,
            )
            name = default_name(exported_at)
            blob = snapshot_zip(files, name, exported_at)
        except (ExportError, OSError) as exc:
            self.post_message(ExportFailed(str(exc)))
            return
        self.post_message(ExportZipped(f"{name}.zip", blob))

    def on_export_zipped(self, message: ExportZipped) -> None:
        import io

        self._set_busy("")
        self.deliver_binary(io.BytesIO(message.blob), save_filename=message.filename, mime_type="application/zip", name="snapshot")
        self.notify(f"{message.filename} sent to the browser as a download", title="Exported", timeout=6, markup=False)

    @work(thread=True, exit_on_error=False, group="export", name="export")
    def _export(self, data: ViewData, svg: str) -> None:
        from diplodash.metrics.export import export_snapshot

        try:
            comparison = (data.comparison.a, data.comparison.b) if data.comparison is not None else None
            path = export_snapshot(
                data.dataset, data.selection, data.by, out_dir=self.export_dir, extra_files={"screenshot.svg": svg}, snapshot=data.snapshot,
                as_of=data.snapshot.as_of, exported_at=self._now(), comparison=comparison, compared=data.compared,
            )
        except (ExportError, OSError) as exc:
            self.post_message(ExportFailed(str(exc)))
            return
        self.post_message(Exported(path))

    def on_exported(self, message: Exported) -> None:
        self._set_busy("")
        self.last_export = message.path
        for view in self.main.query(f"#view-{VIEW_BY_ID['changes'].id}"):
            view.snapshot_written()  # the Changes view compares with the newest snapshot
        self.notify(f"Snapshot written to {fmt.short_path(message.path)}", title="Exported", timeout=6, markup=False)

    def on_delivery_failed(self, event) -> None:  # a download could not be handed to the browser
        if getattr(event, "name", None) == "snapshot":
            self.notify(fmt.safe(str(event.exception)), title="Download failed", severity="error", timeout=8, markup=False)

    def on_export_failed(self, message: ExportFailed) -> None:
        self._set_busy("")
        self.notify(fmt.safe(message.message), title="Export failed", severity="error", timeout=8, markup=False)


def run(config_flag: str | None = None, data: str | None = None, as_of: dt.date | None = None, fresh: bool = False) -> int:
    """Start the dashboard; 1 when the config has errors (printed to stderr), else the app's exit code."""
    from diplodash.errors import EXIT_DATA, print_problems

    try:
        config = load_config(config_flag)
    except DataError as error:
        print_problems(error.problems)
        return EXIT_DATA
    # Worker threads (polars, plotext) hand the interpreter back to the UI thread sooner: keys answer faster.
    sys.setswitchinterval(0.002)
    import os

    from diplodash.tui.served import Served

    app = DiplodashApp(config, data=data, as_of=as_of, served=Served.from_env(os.environ), fresh=fresh)
    app.run()
    for warning in app.state_warnings:
        print(f"diplodash: {warning}", file=sys.stderr)
    return app.return_code or 0
