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
