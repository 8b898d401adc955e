"""pytest-textual-snapshot pictures of every view and screen (regenerate with --snapshot-update).

Deterministic: a frozen clock for "loaded at", no file watching, and every worker (loading, computing,
chart figures) finished before the picture is taken.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from diplodash.tui.app import DiplodashApp
from diplodash.tui.bindings import VIEWS

FROZEN = dt.datetime(2025, 6, 1, 12, 0, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(autouse=True)
def beside_the_data(app_config, monkeypatch):
    """Run from the temporary folder, so that paths on screen read "seeds", not a random temporary path."""
    monkeypatch.chdir(app_config.parent)


def make(config: Path, view: str = "overview") -> DiplodashApp:
    return DiplodashApp(config_flag=str(config), watch=False, clock=lambda: FROZEN, view=view, export_dir=config.parent / "exports")


async def settled(pilot, timeout: float = 30.0) -> None:
    """Data loaded and current, and nothing under way: no worker, no chart figure being built, no view being
    mounted in the background, no prefetch scheduled, the focus given. Three quiet checks in a row, so that a
    message in flight (a worker's result posting a redraw) cannot slip between two checks. Fails on timeout:
    a picture of a screen still changing would only be a flaky snapshot later.
    """
    app = pilot.app
    deadline = time.monotonic() + timeout
    quiet = 0
    busy: list[str] = []
    while quiet < 3:
        if time.monotonic() > deadline:
            raise AssertionError(f"the app did not settle in {timeout}s: {busy}")
        await pilot.pause(0.05)
        if app.data is None or not app._current(app.data):
            busy = ["data not current"]
        else:
            busy = app.busy_in_background()
        quiet = 0 if busy else quiet + 1
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def at(config: Path, keys: tuple[str, ...] = ()):
    async def run_before(pilot) -> None:
        await settled(pilot)
        for key in keys:
            await pilot.press(key)
            await settled(pilot)

    return run_before


@pytest.mark.parametrize("spec", VIEWS, ids=[v.id for v in VIEWS])
def test_view_120x36(snap_compare, app_config, spec):
    assert snap_compare(make(app_config), terminal_size=(120, 36), run_before=at(app_config, (spec.key,)))


@pytest.mark.parametrize("key", ["1", "2"], ids=["overview", "calls"])
def test_view_80x24(snap_compare, app_config, key):
    assert snap_compare(make(app_config), terminal_size=(80, 24), run_before=at(app_config, (key,)))


@pytest.mark.parametrize("size", [(160, 48), (80, 24)], ids=["160x48", "80x24"])
def test_timeline(snap_compare, app_config, size):
    """The timeline as of the pinned date (the config's as_of): one row per relationship, period lines."""
    assert snap_compare(make(app_config), terminal_size=size, run_before=at(app_config, ("0",)))


def test_frequency_table(snap_compare, app_config):
    """F on the Contacts view's format column: the counts of the selected contacts."""
    assert snap_compare(make(app_config), terminal_size=(120, 36), run_before=at(app_config, ("7", "right", "right", "F")))


def test_contact_detail(snap_compare, app_config):
    assert snap_compare(make(app_config), terminal_size=(120, 36), run_before=at(app_config, ("7", "enter")))


def test_help_screen(snap_compare, app_config):
    assert snap_compare(make(app_config), terminal_size=(120, 36), run_before=at(app_config, ("question_mark",)))


def test_filter_screen(snap_compare, app_config):
    assert snap_compare(make(app_config), terminal_size=(120, 36), run_before=at(app_config, ("f",)))


def test_error_banner_keeps_the_last_good_data(snap_compare, app_config, seeds_copy):
    contacts = seeds_copy / "contacts.csv"

    async def run_before(pilot) -> None:
        await settled(pilot)
        text = contacts.read_text(encoding="utf-8")
        contacts.write_text(text + "broken-row,2025-13-45,day,Vladimir Putin,Donald Trump,,phone,confirmed,,,,\n", encoding="utf-8")
        await pilot.press("r")
        deadline = time.monotonic() + 10
        while not pilot.app.load_failed and time.monotonic() < deadline:
            await pilot.pause(0.05)
        await settled(pilot)

    assert snap_compare(make(app_config), terminal_size=(120, 36), run_before=run_before)


def test_inbox_with_an_article(snap_compare, app_config, seeds_copy):
    """The Inbox view over one invented article (no real article text), the first candidate highlighted."""
    from diplodash.extract.inbox import inbox_folder

    folder = inbox_folder(seeds_copy)
    folder.mkdir()
    (folder / "test-call.txt").write_text(
        "Leaders speak about a test\nApril 2, 2026\n\n"
        "Russian President Vladimir Putin and President Trump held a telephone conversation on Wednesday, the Kremlin said.\n"
        "The call lasted 40 minutes.\n",
        encoding="utf-8",
    )
    assert snap_compare(make(app_config), terminal_size=(120, 36), run_before=at(app_config, ("9",)))
