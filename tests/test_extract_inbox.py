"""The Inbox view (tui/views/inbox.py) mounted alone in a small app: list, evidence, a / x / w keys."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "extract"


def test_inbox_folder_sits_next_to_the_table(tmp_path):
    from diplodash.extract.inbox import inbox_folder

    (tmp_path / "seeds").mkdir()
    assert inbox_folder(tmp_path / "seeds") == tmp_path / "seeds-inbox"


def test_inbox_marks_and_writes_only_accepted(config, small_table, small_dataset):
    from diplodash.extract.inbox import ACCEPTED, REJECTED, Inbox

    inbox = Inbox(config, small_dataset).load_files([FIXTURES / "readout.txt"])
    ids = [i.id for i in inbox.items]
    assert ids[:3] == ["readout#1", "readout#2", "readout#3"]
    inbox.mark("readout#1", ACCEPTED)
    inbox.mark("readout#2", REJECTED)
    backup, plan = inbox.write()
    assert backup is not None and {d.item_id for d in plan.decisions if d.accepted} == {"readout#1"}


def test_inbox_view_keys(config, small_table, small_dataset):
    import asyncio

    from textual.app import App

    from diplodash.metrics.dataset import load_dataset
    from diplodash.tui.views.inbox import InboxView

    inbox_dir = small_table.parent / f"{small_table.name}-inbox"
    inbox_dir.mkdir()
    shutil.copy(FIXTURES / "readout.txt", inbox_dir / "readout.txt")
    before = (small_table / "contacts.csv").read_bytes()

    class Host(App):
        def compose(self):
            yield InboxView(id="inbox")

    async def scenario():
        app = Host()
        async with app.run_test(size=(120, 40)) as pilot:
            view = app.query_one(InboxView)
            view.show_data(SimpleNamespace(dataset=small_dataset, config=config, version=1))
            for _ in range(100):
                await pilot.pause(0.05)
                if view.inbox is not None:
                    break
            assert view.inbox is not None and len(view.inbox.items) >= 3
            view.focus_default()
            detail = str(view.query_one("#inbox-detail").render())
            assert "on Thursday" in detail
            await pilot.press("a")  # accept readout#1, move to readout#2
            await pilot.press("x")  # reject readout#2
            states = [i.state for i in view.inbox.items[:2]]
            assert states == ["accepted", "rejected"]
            await pilot.press("w")
            await pilot.pause()

    asyncio.run(scenario())
    after = (small_table / "contacts.csv").read_bytes()
    assert after.startswith(before) and after != before
    dataset = load_dataset(config, small_table)
    assert "putin-trump-2025-03-13" in dataset.contacts.get_column("contact_id").to_list()


# ------------------------------------------------------- publication date and attach, in the app
# Test data: an undated article about a call of the small table's pair (fixture_tables: c4 is a
# 2025-02-12 phone call with Trump).

UNDATED = "Putin and Trump spoke by phone on Wednesday for about an hour, the Kremlin said.\n"


def _host_app(small_table, small_dataset, config, text, name="undated.txt"):
    from textual.app import App

    from diplodash.tui.views.inbox import InboxView

    inbox_dir = small_table.parent / f"{small_table.name}-inbox"
    inbox_dir.mkdir(exist_ok=True)
    (inbox_dir / name).write_text(text, encoding="utf-8")

    class Host(App):
        CSS_PATH = str(Path(__file__).resolve().parent.parent / "tui" / "screens.tcss")

        def compose(self):
            yield InboxView(id="inbox")

    async def start(pilot):
        view = pilot.app.query_one(InboxView)
        view.show_data(SimpleNamespace(dataset=small_dataset, config=config, version=1))
        for _ in range(100):
            await pilot.pause(0.05)
            if view.inbox is not None:
                break
        assert view.inbox is not None and view.inbox.items
        view.focus_default()
        return view

    return Host(), start


def test_inbox_sets_the_publication_date_in_a_dialog(config, small_table, small_dataset):
    import asyncio

    from diplodash.tui.screens.inbox_dialogs import InputDialog

    app, start = _host_app(small_table, small_dataset, config, UNDATED)

    async def scenario():
        async with app.run_test(size=(120, 40)) as pilot:
            view = await start(pilot)
            assert view.inbox.items[0].item.date is None
            await pilot.press("D")
            await pilot.pause()
            assert isinstance(app.screen, InputDialog)
            await pilot.press(*"2025-13-01", "enter")  # not a date: the dialog stays, with the message
            await pilot.pause()
            assert isinstance(app.screen, InputDialog)
            assert "YYYY-MM-DD" in str(app.screen.query_one("#inbox-input-error").render())
            app.screen.query_one("Input").value = ""
            await pilot.press(*"2025-02-14", "enter")
            await pilot.pause()
            assert not isinstance(app.screen, InputDialog)
            [item] = view.inbox.items
            # Wednesday on or before Friday 2025-02-14 is 2025-02-12: c4 of the small table
            assert item.item.date.value == "2025-02-12" and item.item.match.contact_id == "c4"
            assert "2025-02-14" in str(view.query_one("#inbox-detail").render())

    asyncio.run(scenario())


def test_inbox_attaches_a_candidate_to_a_contact_and_writes_it(config, small_table, small_dataset):
    import asyncio

    from diplodash.metrics.dataset import load_dataset
    from diplodash.tui.screens.inbox_dialogs import InputDialog

    app, start = _host_app(small_table, small_dataset, config, UNDATED)
    before = load_dataset(config, small_table).reports
    c4_before = before.filter(before["contact_id"] == "c4").height

    async def scenario():
        async with app.run_test(size=(120, 40)) as pilot:
            view = await start(pilot)
            await pilot.press("t")
            await pilot.pause()
            assert isinstance(app.screen, InputDialog)
            app.screen.query_one("Input").value = "no-such-contact"
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, InputDialog)  # refused, with the message
            assert "no contact 'no-such-contact'" in str(app.screen.query_one("#inbox-input-error").render())
            app.screen.query_one("Input").value = "c4"
            await pilot.press("enter")
            await pilot.pause()
            [item] = view.inbox.items
            assert item.attached == "c4" and item.state == "accepted"
            assert "attached" in str(view.query_one("#inbox-detail").render())
            await pilot.press("w")
            for _ in range(100):
                await pilot.pause(0.05)
                if not view.writing:
                    break

    asyncio.run(scenario())
    after = load_dataset(config, small_table).reports
    assert after.filter(after["contact_id"] == "c4").height == c4_before + 1
    backups = list(small_table.parent.glob(f"{small_table.name}-backups/*"))
    assert backups, "the write backs the table up first"


def test_escape_closes_the_dialog_changing_nothing(config, small_table, small_dataset):
    import asyncio

    from diplodash.tui.screens.inbox_dialogs import InputDialog

    app, start = _host_app(small_table, small_dataset, config, UNDATED)

    async def scenario():
        async with app.run_test(size=(120, 40)) as pilot:
            view = await start(pilot)
            await pilot.press("t")
            await pilot.pause()
            assert isinstance(app.screen, InputDialog)
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, InputDialog)
            assert view.inbox.items[0].attached is None and view.inbox.items[0].state == "pending"

    asyncio.run(scenario())


def test_writing_an_undated_new_candidate_names_the_inbox_keys(config, small_table, small_dataset, tmp_path):
    import pytest

    from diplodash.extract.accept import AcceptError
    from diplodash.extract.inbox import ACCEPTED, Inbox

    article = tmp_path / "undated.txt"
    article.write_text("Putin and Biden spoke by phone on Wednesday, the Kremlin said.\n", encoding="utf-8")
    inbox = Inbox(config, small_dataset).load_files([article])
    [item] = inbox.items
    assert item.item.date is None
    inbox.mark(item.id, ACCEPTED)
    before = (small_table / "contacts.csv").read_bytes()
    with pytest.raises(AcceptError) as info:
        inbox.write()
    message = str(info.value)
    assert "with d" in message and "with t" in message and "--" not in message
    assert (small_table / "contacts.csv").read_bytes() == before
