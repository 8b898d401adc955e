"""A state machine of the dashboard (issue 10): random sequences of view switches, filters (the app's setter
and the filter dialog), groupings (``g``), comparisons, reloads, theme changes and resizes, driven by a Pilot.

After every step, once the app has settled, the data each visited view's table and each chart's figure were
built from (``View.shown``, ``Chart.shown``) equals a headless recomputation (metrics.snapshot.compute_snapshot
and the tui.state helpers) for the app's current dataset, selection, grouping and comparison:

* the view on screen and every chart in it show the current figures (a chart's figure is on screen);
* a view drawn before and now hidden either was drawn from the current figures (then its charts hold a
  figure of them or none at all) or knows it is stale (its version is not the app's), so that showing it
  redraws it; no hidden chart holds a figure of older data behind a view that claims to be current.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import tempfile
import time
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from polars.testing import assert_frame_equal
from textual.widgets import Button, Select

from fixture_tables import CONFIG, copy_seeds
from diplodash.config import load_config
from diplodash.metrics.dataset import load_dataset
from diplodash.metrics.export import selected_contacts
from diplodash.metrics.selection import Selection
from diplodash.metrics.snapshot import compute_snapshot
from diplodash.tui.app import DiplodashApp
from diplodash.tui.bindings import VIEWS
from diplodash.tui.charts import Chart
from diplodash.tui.screens.filters import FilterScreen
from diplodash.tui.state import Comparison, compared_frame, contacts_table, duration_points, table_groups
from diplodash.tui.views.base import View

SEEDS = load_dataset(load_config(None))
COUNTERPARTS = sorted(SEEDS.contacts.get_column("counterpart").unique().drop_nulls().to_list())
PERIODS = [p.name for p in SEEDS.config.periods]
FORMATS = sorted(SEEDS.contacts.get_column("format").unique().drop_nulls().to_list())
SIZES = [(120, 36), (80, 24), (160, 48), (60, 20), (100, 30)]
CHART_VIEWS = [v.key for v in VIEWS if v.id != "inbox"]


def selections() -> st.SearchStrategy[Selection]:
    dates = st.dates(min_value=dt.date(2016, 6, 1), max_value=dt.date(2026, 6, 1))

    @st.composite
    def build(draw) -> Selection:
        counterparts = draw(st.lists(st.sampled_from(COUNTERPARTS), max_size=2, unique=True))
        periods = draw(st.lists(st.sampled_from(PERIODS + ["(no period)"]), max_size=2, unique=True))
        formats = draw(st.lists(st.sampled_from(FORMATS), max_size=2, unique=True))
        start = draw(st.none() | dates)
        end = draw(st.none() | dates)
        if start and end and end < start:
            start, end = end, start
        return Selection(counterparts=tuple(counterparts), periods=tuple(periods), formats=tuple(formats), date_from=start, date_to=end)

    return build()


class Recompute:
    """Headless figures for the app's current dataset, selection and grouping, computed once per key."""

    def __init__(self) -> None:
        self._frames: dict[tuple, pl.DataFrame | None] = {}

    def frame(self, app: DiplodashApp, name: str) -> pl.DataFrame | None:
        key = (id(app.dataset), app.selection, app.grouping, app.comparison, app.as_of, name)
        if key not in self._frames:
            dataset, selection, by, as_of = app.dataset, app.selection, app.grouping, app.as_of
            if name == "duration_points":  # in the durations table's group order, as the chart draws them
                order = table_groups(compute_snapshot(dataset, selection, by, as_of=as_of).tables["durations"])
                value = duration_points(dataset, selection, by, order=order, as_of=as_of)
            elif name == "compared":
                value = compared_frame(dataset, selection, app.comparison, as_of=as_of)
            elif name == "contacts_table":
                value = contacts_table(selected_contacts(dataset, selection), dataset.config)
            else:
                value = compute_snapshot(dataset, selection, by, as_of=as_of).tables[name]
            self._frames[key] = value
        return self._frames[key]


def same(shown: pl.DataFrame | None, expected: pl.DataFrame | None, what: str) -> None:
    if shown is None or expected is None:
        assert shown is None and expected is None, f"{what}: one of shown/expected is missing"
        return
    try:
        assert_frame_equal(shown, expected, check_exact=True)
    except AssertionError as error:
        raise AssertionError(f"{what}: {error}") from None


class DashboardMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._tmp = tempfile.TemporaryDirectory(prefix="diplodash-sm-")
        root = Path(self._tmp.name)
        seeds = copy_seeds(root / "seeds")
        text = CONFIG.read_text(encoding="utf-8")
        text = re.sub(r'(?m)^path = "[^"]*"', f'path = "{seeds.name}"', text, count=1)
        text = re.sub(r'(?m)^export_dir = "[^"]*"', 'export_dir = "exports"', text, count=1)
        config = root / "config.toml"
        config.write_text(text, encoding="utf-8")
        self.app = DiplodashApp(config_flag=str(config), watch=False)
        self.size = SIZES[0]
        self.recompute = Recompute()
        self.steps: list[str] = []
        # The app runs inside one task for the whole example (Textual's context variables belong to it); each
        # step hands that task a coroutine function and waits for its result.
        self.loop = asyncio.new_event_loop()
        self._queue: asyncio.Queue | None = None
        started = self.loop.create_future()
        self._session = self.loop.create_task(self._drive(started))
        self.loop.run_until_complete(started)
        self.run(self.settle)

    async def _drive(self, started: asyncio.Future) -> None:
        self._queue = asyncio.Queue()
        async with self.app.run_test(size=self.size) as pilot:
            self.pilot = pilot
            started.set_result(None)
            while True:
                job, done = await self._queue.get()
                if job is None:
                    done.set_result(None)
                    return
                try:
                    done.set_result(await job())
                except BaseException as error:  # handed back to the rule, which raises it
                    done.set_exception(error)

    def run(self, job):
        """Run ``job()`` (a coroutine function, or a plain function) inside the app's task."""

        async def wrapped():
            result = job()
            if asyncio.iscoroutine(result):
                result = await result
            return result

        done = self.loop.create_future()
        self._queue.put_nowait((wrapped, done))
        return self.loop.run_until_complete(done)

    async def settle(self, timeout: float = 15.0) -> None:
        app, pilot = self.app, self.pilot
        deadline = time.monotonic() + timeout
        while True:
            await pilot.pause(0.03)
            ready = app.data is not None and app._current(app.data) and app.dataset is app.data.dataset and not isinstance(app.screen, FilterScreen)
            if ready and not self.busy():
                await pilot.pause()
                if not self.busy():
                    return
            if time.monotonic() > deadline:
                raise AssertionError(f"the app did not settle after {self.steps}: busy={self.busy()}")

    def busy(self) -> list[str]:
        """What is under way, but the prefetch of the next grouping (it only fills the cache, off screen)."""
        return [item for item in self.app.busy_in_background() if "prefetch" not in item]

    def teardown(self) -> None:
        try:
            if not self._session.done():
                done = self.loop.create_future()
                self._queue.put_nowait((None, done))
                self.loop.run_until_complete(done)
                self.loop.run_until_complete(self._session)
        finally:
            self.loop.close()
            self._tmp.cleanup()

    # ------------------------------------------------------------------ rules

    @rule(key=st.sampled_from(CHART_VIEWS))
    def switch_view(self, key: str) -> None:
        self.steps.append(f"press {key}")
        self.run(lambda: self.pilot.press(key))
        self.run(self.settle)

    @rule(selection=selections())
    def set_selection(self, selection: Selection) -> None:
        self.steps.append(f"set_selection({selection.describe()})")
        self.run(lambda: self.app.set_selection(selection))
        self.run(self.settle)

    @rule(period=st.sampled_from(PERIODS))
    def filter_dialog(self, period: str) -> None:
        """The filter dialog: f, choose a period (the other fields keep the current selection), Apply."""
        self.steps.append(f"dialog period={period}")

        async def go() -> None:
            await self.pilot.press("f")
            deadline = time.monotonic() + 10
            while not isinstance(self.app.screen, FilterScreen):
                assert time.monotonic() < deadline, "no filter dialog"
                await self.pilot.pause(0.03)
            self.app.screen.query_one("#period", Select).value = period
            await self.pilot.pause()
            self.app.screen.query_one("#apply", Button).press()  # as a click (at 60x20 it is scrolled out of view)
            while isinstance(self.app.screen, FilterScreen):
                assert time.monotonic() < deadline, "the filter dialog did not close"
                await self.pilot.pause(0.03)

        self.run(go)
        assert period in self.app.selection.periods
        self.run(self.settle)

    @rule(times=st.integers(1, 3))
    def cycle_grouping(self, times: int) -> None:
        self.steps.append(f"g x{times}")
        for _ in range(times):
            self.run(lambda: self.pilot.press("g"))
        self.run(self.settle)

    @rule(a=st.sampled_from(PERIODS), b=st.sampled_from(PERIODS), counterpart=st.none() | st.sampled_from(COUNTERPARTS))
    def set_comparison(self, a: str, b: str, counterpart: str | None) -> None:
        self.steps.append(f"compare {a} / {b} ({counterpart})")
        side_b = Selection(periods=(b,), counterparts=(counterpart,) if counterpart else ())
        self.run(lambda: self.app.set_comparison(Comparison(Selection(periods=(a,)), side_b)))
        self.run(self.settle)

    @precondition(lambda self: self.app.comparison is not None)
    @rule()
    def swap_comparison(self) -> None:
        self.steps.append("swap")
        self.run(self.app.swap_comparison)
        self.run(self.settle)

    @rule()
    def reload(self) -> None:
        self.steps.append("reload")
        loads = self.app.loads
        self.run(lambda: self.pilot.press("r"))

        async def loaded() -> None:
            deadline = time.monotonic() + 20
            while self.app.loads <= loads:
                assert time.monotonic() < deadline, "reload did not finish"
                await self.pilot.pause(0.05)

        self.run(loaded)
        self.run(self.settle)

    @rule(size=st.sampled_from(SIZES))
    def resize(self, size: tuple[int, int]) -> None:
        self.steps.append(f"resize {size}")
        self.run(lambda: self.pilot.resize_terminal(*size))
        self.size = size
        self.run(self.settle)

    @rule(theme=st.sampled_from(["textual-dark", "textual-light"]))
    def theme(self, theme: str) -> None:
        self.steps.append(f"theme {theme}")
        self.run(lambda: setattr(self.app, "theme", theme))
        self.run(self.settle)

    # ------------------------------------------------------------------ the invariant

    @invariant()
    def every_visited_view_shows_the_current_figures(self) -> None:
        self.run(self._check)

    def _check(self) -> None:
        app = self.app
        key = (app.selection, app.grouping, app.comparison, app.as_of)
        assert app.data.key == key, self.steps
        active = app.active_view
        assert active is not None and active.VIEW_ID == app.view
        for view in app.main.query(View):
            if view.shown is None:
                continue  # never drawn
            on_screen = view is active
            if not on_screen and view.version != app.data.version:
                continue  # stale and knows it: shown again, it redraws (checked then)
            where = f"{view.VIEW_ID} after {self.steps}"
            assert view.shown.key == key, f"{where}: table drawn for {view.shown.key}"
            for name, frame in view.shown.frames.items():
                same(frame, self.recompute.frame(app, name), f"{where}: table frame {name}")
            for chart in view.query(Chart):
                if chart.shown is None:
                    plot = chart.query_one("SafePlot")
                    drawable = chart.displayed and plot.size.width >= 12 and plot.size.height >= 5
                    assert not (on_screen and drawable), f"{where}: chart {chart.id} on screen without a figure"
                    continue
                assert chart.shown.key == key, f"{where}: chart {chart.id} shows a figure of {chart.shown.key}"
                for name, frame in chart.shown.frames.items():
                    same(frame, self.recompute.frame(app, name), f"{where}: chart {chart.id} frame {name}")


DashboardMachine.TestCase.settings = settings(
    max_examples=6,
    stateful_step_count=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
    # No shrinking: each step drives the app (a second or so), and the failure message lists the steps.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
TestDashboardStateMachine = DashboardMachine.TestCase


def test_the_machine_sees_a_stale_chart():
    """The check itself can fail: a chart's figure from another selection is caught (a sanity test)."""
    machine = DashboardMachine()
    try:
        machine.switch_view("2")
        chart = machine.app.query_one("#calls-chart", Chart)
        fake = Selection(periods=("Biden",))
        chart.shown = type(chart.shown)((fake, machine.app.grouping, machine.app.comparison), chart.shown.frames)
        with pytest.raises(AssertionError, match="shows a figure of"):
            machine.every_visited_view_shows_the_current_figures()
    finally:
        machine.teardown()
