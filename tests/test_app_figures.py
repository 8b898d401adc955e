"""Issue 10, TUI side: every figure on screen follows the current selection, and bars, labels and group order
read right (items 1, 6, 7 and 8 of the issue; the state machine is in test_app_state_machine.py).

The app runs on a private copy of seeds/ (the ``app_config`` fixture), driven by Textual's Pilot.
"""

from __future__ import annotations

import time

import polars as pl
import pytest

from diplodash.config import load_config
from diplodash.metrics.dataset import load_dataset
from diplodash.metrics.selection import Selection
from diplodash.metrics.snapshot import compute_snapshot
from fixture_tables import AS_OF
from diplodash.tui.app import DiplodashApp
from diplodash.tui.charts import Chart, SafePlot

pytestmark = pytest.mark.anyio

SIZE = (120, 36)
BIDEN = Selection(counterparts=("Joe Biden",))
CHART_VIEWS = {"2": "calls", "3": "initiators", "4": "durations", "6": "coverage"}


@pytest.fixture
def anyio_backend():
    return "asyncio"


def make_app(config, **kwargs) -> DiplodashApp:
    kwargs.setdefault("watch", False)
    return DiplodashApp(config_flag=str(config), **kwargs)


async def settle(pilot, app: DiplodashApp, timeout: float = 20.0) -> None:
    """Wait until the data is current for the app's selection and nothing is under way (charts included)."""
    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause(0.05)
        current = app.data is not None and app._current(app.data)
        busy = app.busy_in_background()
        if current and not busy:
            await pilot.pause()
            if not app.busy_in_background():
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"the app did not settle: current={current}, busy={busy}")


def figure_text(chart: Chart) -> str:
    figure = chart.query_one(SafePlot).figure
    assert figure is not None, f"{chart.id} has no figure"
    return figure.plain


def frames_equal(a: pl.DataFrame | None, b: pl.DataFrame | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a.equals(b)


async def test_item_1_charts_of_visited_views_follow_a_filter_change(app_config):
    """Issue 10 item 1: press 2, 3, 4, 6, then 1, filter Counterpart = Joe Biden, and visit them again: every
    chart shows Biden's contacts only (its figure is rebuilt, and the data it was built from is the new one)."""
    dataset = load_dataset(load_config(str(app_config)))
    biden = compute_snapshot(dataset, BIDEN, "period", as_of=AS_OF)
    years = sorted(set(biden.tables["calls_per_year"].get_column("year").to_list()))
    assert years and 2017 not in years  # the seeds: Biden's calls are in 2021-2022
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        before = {}
        for key, view_id in CHART_VIEWS.items():
            await pilot.press(key)
            await settle(pilot, app)
            chart = app.query_one(f"#{view_id}-chart", Chart)
            before[view_id] = figure_text(chart)
        assert "2017" in before["calls"]
        await pilot.press("1")
        await settle(pilot, app)
        app.set_selection(BIDEN)
        await settle(pilot, app)
        for key, view_id in CHART_VIEWS.items():
            await pilot.press(key)
            await settle(pilot, app)
            view = app.query_one(f"#view-{view_id}")
            chart = app.query_one(f"#{view_id}-chart", Chart)
            text = figure_text(chart)
            if view_id == "calls":
                labels = text.splitlines()[-1]
                assert "2017" not in labels and "2026" not in labels, labels
                assert all(str(y) in labels for y in years), labels
            if view_id in ("initiators", "durations"):
                assert "Trump" not in text and "Biden" in text, text
            if view_id != "coverage":  # coverage keeps the claims that only the counterpart filter narrows
                assert text != before[view_id], f"{view_id} still shows the figure from before the filter"
            assert view.shown is not None and view.shown.key == app.data.key
            assert chart.shown is not None and chart.shown.key == app.data.key, f"{view_id}: chart drawn from an old selection"
            for name, frame in chart.shown.frames.items():
                assert frames_equal(frame, app.data.frame(name)), f"{view_id}: {name} differs"


# ---------------------------------------------------------------------------------------------- item 6, 8
# Charts drawn headless (the views' draw functions on a plotext figure of their own, as the app's thread does).

from diplodash.tui.charts import ChartContext, build_figure, draw_bars, fit_labels  # noqa: E402
from diplodash.tui.state import compute_view_data  # noqa: E402
from diplodash.tui.views import view_class  # noqa: E402

BAR = "█▒░▓"
NATURAL = ["Trump 1st term", "Biden", "Trump transition", "Trump 2nd term", "(no period)"]


def chart_of(view_id: str, data, name: str = "chart", size=(100, 16), mono: bool = False):
    """(figure text, legend items) of one chart of a view for ``data`` at ``size``."""
    view = view_class(view_id)(id=f"view-{view_id}")
    view.data = data
    ctx = ChartContext(size[0], size[1], mono, True, data.groups)
    figure = build_figure(lambda plt, c: view.draw(name, plt, c), ctx, size[0], size[1], "clear")
    return figure.plain, view.legend(name, ctx)


def zero_row(text: str) -> tuple[str, str]:
    """The zero row of a vertical bar chart (the y tick "0┤") and the row above it."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.lstrip().startswith("0┤") or line.lstrip().startswith("0m┤"):
            return line, lines[index - 1]
    raise AssertionError(f"no zero row in\n{text}")


def assert_bars_start_at_zero(text: str, what: str) -> None:
    zero, above = zero_row(text)
    start = zero.index("┤") + 1
    for column in range(start, min(len(zero), len(above))):
        if above[column] in BAR:
            assert zero[column] in BAR, f"{what}: the bar at column {column} does not reach the zero line\n{text}"


@pytest.fixture(scope="module")
def seeds():
    return load_dataset(load_config(None))


@pytest.mark.parametrize("by", ["period", "counterpart", "year"])
def test_item_6_bars_start_at_the_zero_line_for_every_series(seeds, by):
    """Issue 10 item 6: plotext drew zero-height bars as blanks on the zero row, so only the first series (and
    not every bar of it) reached the zero line. Every bar of every series does now, in every bar chart."""
    data = compute_view_data(seeds, Selection(), by, None, as_of=AS_OF)
    for view_id, name, size in [
        ("overview", "calls", (58, 14)),
        ("overview", "length", (58, 14)),
        ("overview", "calls", (160, 20)),
        ("calls", "chart", (100, 16)),
        ("calls", "chart", (60, 10)),
        ("coverage", "chart", (100, 14)),
    ]:
        text, _ = chart_of(view_id, data, name, size)
        assert_bars_start_at_zero(text, f"{view_id}/{name} by {by} at {size}")


def test_item_6_horizontal_bars_start_at_the_axis(seeds):
    """Initiators: every group's bar starts right at the axis, even when its first share is 0 (no notch)."""
    data = compute_view_data(seeds, Selection(), "period", None, as_of=AS_OF)
    text, _ = chart_of("initiators", data, size=(60, 14))
    rows = [line for line in text.splitlines() if "┤" in line and line.split("┤")[0].strip() and "%" not in line]
    assert rows, text
    for row in rows:
        assert row.split("┤", 1)[1][0] in BAR, f"a bar does not start at the axis: {row!r}\n{text}"


def test_item_6_draw_bars_skips_zero_bars():
    """draw_bars asks plotext for the non-zero bars only (a zero one would blank the zero row)."""
    calls = []

    class Recorder:
        def bar(self, x, y, **kwargs):
            calls.append((x[0], y[0], kwargs["minimum"]))

        def xticks(self, *args):
            pass

        def xlim(self, *args):
            pass

    draw_bars(Recorder(), ["a", "b", "c"], [[1, 0, 2], [0, 3, 1]], colors=[None, None])
    # stacked: the top series first, from zero to the running total, then the one under it
    assert calls == [(2, 3.0, 0), (3, 3.0, 0), (1, 1.0, 0), (3, 2.0, 0)]


def test_item_6_labels_stay_distinct_and_readable():
    labels = fit_labels(NATURAL, 12)
    assert labels == ["T. 1st term", "Biden", "T. transiti…", "T. 2nd term", "(no period)"]
    assert all(len(label) <= 12 for label in labels)
    narrow = fit_labels(NATURAL, 3)
    assert len(set(narrow)) == len(narrow) and all(len(label) <= 3 for label in narrow)


async def test_item_6_overview_names_its_shortened_labels(app_config):
    """At 120 columns the Overview's charts read "T. 1st term" (not "Trump …t term") and a legend names them."""
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        chart = app.query_one("#overview-calls", Chart)
        text = figure_text(chart)
        assert "Trump …" not in text, text  # initials first, never a cut in the middle of the first word
        axis = text.splitlines()[-1]
        assert "Biden" in axis and axis.count("T. ") == 3 and "(no" in axis, axis  # all five groups labelled
        legend = str(chart.query_one(".legend").render())
        assert "Trump 1st term" in legend and "Trump 2nd term" in legend, legend


async def test_item_6_initiators_at_60x20_announces_the_groups_it_cannot_show(app_config):
    """At 60x20 the Initiators chart has rows for fewer groups than the table: the ones left out are counted
    on screen ("+N more in the table"), and the labels it shows are distinct (none dropped as a repeat)."""
    app = make_app(app_config)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot, app)
        await pilot.press("3")
        await settle(pilot, app)
        chart = app.query_one("#initiators-chart", Chart)
        text = figure_text(chart)
        labels = [line.split("┤")[0].strip() for line in text.splitlines() if "┤" in line and line.split("┤")[0].strip()]
        groups = list(dict.fromkeys(app.data.table("initiators").get_column("group").to_list()))
        assert len(groups) > len(labels) >= 1
        assert len(set(labels)) == len(labels)
        legend = str(chart.query_one(".legend").render())
        assert f"+{len(groups) - len(labels)} more in the table" in legend, legend


def reordered(data, name: str, order: list[str]):
    frame = data.snapshot.tables[name]
    rank = {g: i for i, g in enumerate(order)}
    data.snapshot.tables[name] = frame.with_columns(pl.col("group").replace_strict(rank, return_dtype=pl.Int64).alias("_r")).sort("_r", maintain_order=True).drop("_r")
    return data


def test_item_8_charts_keep_the_table_group_order(seeds):
    """Issue 10 item 8 (chart side): a chart draws its groups in its table's order (the metrics give natural
    order: periods by start, "(no period)" last), never re-sorted alphabetically."""
    data = compute_view_data(seeds, Selection(), "period", None, as_of=AS_OF)
    for name in ("calls_per_year", "initiators", "overview"):
        reordered(data, name, NATURAL)
    _, legend = chart_of("calls", data)
    assert [item[0] for item in legend] == NATURAL
    text, _ = chart_of("initiators", data, size=(100, 16))
    rows = [line.split("┤")[0].strip() for line in text.splitlines() if "┤" in line and line.split("┤")[0].strip() and "%" not in line]
    assert rows == NATURAL, text  # top to bottom
    text, _ = chart_of("overview", data, "calls", size=(160, 16))
    axis = text.splitlines()[-1]
    positions = [axis.index(g) for g in NATURAL]
    assert positions == sorted(positions), axis
    reverse = list(reversed(NATURAL))
    from diplodash.tui.state import duration_points

    points = duration_points(seeds, Selection(), "period", order=reverse, as_of=AS_OF)
    assert list(dict.fromkeys(points.get_column("group").to_list())) == [g for g in reverse if g in set(points.get_column("group"))]
    assert points.get_column("x").to_list() == list(range(points.height))


# ---------------------------------------------------------------------------------------------- item 7


async def test_item_7_compare_shows_counts_as_integers_and_says_the_filter_applies(app_config):
    """Issue 10 item 7 (view side): counts read 7, not 7.0 (rates keep two decimals, shares one), and the
    caption says the global filter applies to both sides, naming it once one is set."""
    from diplodash.tui.views.base import Caption

    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("8")
        await settle(pilot, app)
        view = app.query_one("#view-compare")
        table = view.table
        rows = {table.cell_text(i, "metric"): i for i in range(table.total)}
        compared = app.data.compared
        contacts_a = compared.filter(pl.col("metric") == "contacts").get_column("a").item()
        assert table.cell_text(rows["Contacts"], "a") == f"{contacts_a:.0f}"
        for name in ("Contacts", "Calls (phone, video)", "Meetings", "With a duration"):
            for column in ("a", "b", "delta"):
                text = table.cell_text(rows[name], column)
                assert "." not in text, f"{name} {column}: {text}"
        rate = table.cell_text(rows["Calls per year"], "a")
        assert len(rate.split(".")[-1]) == 2, rate
        caption = str(view.query_one("#compare-caption", Caption).render())
        assert "applies to both sides" in caption, caption
        app.set_selection(Selection(formats=("phone",)))
        await settle(pilot, app)
        caption = str(view.query_one("#compare-caption", Caption).render())
        assert "global filter format=phone applies to both sides" in caption, caption


async def test_item_1_a_hidden_chart_is_redrawn_after_a_theme_change_and_a_resize(app_config):
    """Issue 10 item 1: a theme change or a resize while a chart's view is hidden is caught up when it shows
    (its figure is rebuilt at the new size and theme, not the one drawn before)."""
    app = make_app(app_config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        chart = app.query_one("#calls-chart", Chart)
        draws, before = chart.draws, figure_text(chart)
        await pilot.press("1")
        await settle(pilot, app)
        app.theme = "textual-light" if app.current_theme.dark else "textual-dark"
        await pilot.resize_terminal(100, 30)
        await settle(pilot, app)
        assert chart.draws == draws  # hidden: nothing drawn
        await pilot.press("2")
        await settle(pilot, app)
        assert chart.draws > draws and not chart.stale
        text = figure_text(chart)
        assert text != before and max(len(line) for line in text.splitlines()) <= 100


@pytest.mark.parametrize("height", [6, 8, 10, 13, 20])
def test_item_6_each_horizontal_bar_is_on_its_own_label_row(seeds, height):
    """Initiators: the bar on a label's row is that group's (its shares), at every height: bars are laid on
    whole rows, so that none lands on its neighbour's label."""
    data = compute_view_data(seeds, Selection(), "period", None, as_of=AS_OF)
    frame = data.table("initiators")
    text, _ = chart_of("initiators", data, size=(60, height), mono=True)
    rows = [line for line in text.splitlines() if "┤" in line and line.split("┤")[0].strip() and "%" not in line]
    assert rows, text
    labels = {label: group for group, label in zip(group_order_of(frame), fit_labels(group_order_of(frame), 12))}
    for row in rows:
        label, bar = row.split("┤", 1)
        bar = bar.rstrip("│")
        group = labels[label.strip()]
        shares = dict(frame.filter(pl.col("group") == group).select("initiator_side", "share").iter_rows())
        for side, marker in (("leader", "█"), ("unknown", "░")):
            expected = (shares.get(side) or 0) * len(bar)
            assert abs(bar.count(marker) - expected) <= 1.5, f"{label.strip()}: {side} {bar.count(marker)} cells, expected {expected:.1f}\n{text}"


def group_order_of(frame: pl.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame.get_column("group").to_list()))
