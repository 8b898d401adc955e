"""A view with a chart above its table (imports the chart module, so only chart views load plotext)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from diplodash.tui.charts import Chart, ChartContext
from diplodash.tui.state import ViewData
from diplodash.tui.table import FrameTable
from diplodash.tui.views.base import Caption, Shown, View


class ChartTableView(View):
    """Caption, one chart (or several side by side) and the metric's table."""

    CHARTS: tuple[str, ...] = ("chart",)
    # The frames each chart draws (ViewData.frame names); by default every frame of SOURCES.
    CHART_SOURCES: dict[str, tuple[str, ...]] = {}

    def compose(self) -> ComposeResult:
        yield Caption(id=f"{self.VIEW_ID}-caption", classes="caption")
        with Vertical(classes="charts"):
            yield from self.compose_charts()
        yield FrameTable(id=f"{self.VIEW_ID}-table")

    def compose_charts(self) -> ComposeResult:
        for name in self.CHARTS:
            yield Chart(id=f"{self.VIEW_ID}-{name}", classes="chart")

    def chart(self, name: str = "chart") -> Chart:
        return self.query_one(f"#{self.VIEW_ID}-{name}", Chart)

    @property
    def table(self) -> FrameTable:
        return self.query_one(f"#{self.VIEW_ID}-table", FrameTable)

    def caption(self, text: str) -> None:
        self.query_one(f"#{self.VIEW_ID}-caption", Caption).set_text(text)

    def render_data(self, data: ViewData) -> None:
        self.render_table(data)
        for name in self.CHARTS:
            frames = self.CHART_SOURCES.get(name, self.SOURCES)
            self.chart(name).set_draw(
                lambda plt, ctx, name=name: self.draw(name, plt, ctx),
                lambda ctx, name=name: self.legend(name, ctx),
                data.groups,
                source=Shown(data.key, {f: data.frame(f) for f in frames}),
            )

    def render_table(self, data: ViewData) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def draw(self, name: str, plt, ctx: ChartContext) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def legend(self, name: str, ctx: ChartContext) -> list[tuple[str, object, str | None]]:
        """(name, colour, marker) of each series, for the legend line under the chart."""
        return [(g, ctx.group_color(g), ctx.group_marker(g)) for g in ctx.groups]
