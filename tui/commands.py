"""The command palette (ctrl+p): every action of the app, from the same bindings as the keys."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from diplodash.metrics.selection import GROUPING_CYCLE


class DiplodashCommands(Provider):
    """Views, grouping, filters, comparison, export, reload, search, help and quit."""

    def commands(self) -> list[tuple[str, str, object]]:
        app = self.app
        items: list[tuple[str, str, object]] = []
        for binding_id, key, description, tooltip, action in app.command_bindings():
            name = description if not binding_id.startswith("view.") else f"View: {description}"
            items.append((f"{name}  ({key})" if key else name, tooltip or description, partial(app.run_action, action)))
        for grouping in GROUPING_CYCLE:
            name = grouping.replace(",", " × ")
            items.append((f"Group by {name}", f"Split every metric by {name}", partial(app.set_grouping, grouping)))
        items.append(("Clear filters", "Count every contact with the counted statuses", app.clear_filters))
        items.append(("Compare: the default comparison", "The config's compare_a/compare_b, else the two most recent periods", app.reset_comparison))
        return items

    async def discover(self) -> Hits:
        for name, help_text, callback in self.commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
