"""The filter screen (f) and the comparison set-up (c): the same filter form, once or twice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from diplodash.metrics.config import Config
from diplodash.metrics.dataset import Dataset
from diplodash.metrics.schema import FORMATS, NO_PERIOD, STATUSES
from diplodash.metrics.selection import Selection
from diplodash.tui import format as fmt
from diplodash.tui.bindings import SCREEN_BINDINGS
from diplodash.tui.state import Comparison

ALL_STATUSES = "__all__"


@dataclass(frozen=True)
class Choices:
    """What each filter can be set to, from the loaded data and config."""

    counterparts: tuple[str, ...]
    periods: tuple[str, ...]
    leaders: tuple[str, ...] = ()
    formats: tuple[str, ...] = FORMATS
    statuses: tuple[str, ...] = STATUSES
    counted: tuple[str, ...] = ("confirmed",)

    @classmethod
    def from_data(cls, config: Config, dataset: Dataset | None) -> "Choices":
        counterparts: tuple[str, ...] = ()
        leaders: tuple[str, ...] = ()
        if dataset is not None:
            counterparts = tuple(sorted(v for v in dataset.contacts.get_column("counterpart").unique().to_list() if v is not None))
            leaders = tuple(sorted(v for v in dataset.contacts.get_column("leader").unique().to_list() if v is not None))
        periods = tuple(p.name for p in sorted(config.periods, key=lambda p: p.start)) + (NO_PERIOD,)
        return cls(counterparts, periods, leaders, counted=tuple(config.count_statuses))


def _options(values) -> list[tuple[Text, str]]:
    return [(Text(fmt.safe(v)), v) for v in values]


def _first(values: tuple) -> object:
    return values[0] if values else Select.NULL


class FilterForm(Vertical):
    """Counterpart, period, format and status selects (and optionally a date range) for one Selection."""

    def __init__(self, choices: Choices, selection: Selection, *, dates: bool = True, id: str | None = None, title: str = "") -> None:
        super().__init__(id=id, classes="filter-form")
        self.choices = choices
        self.selection = selection
        self.dates = dates
        self.title = title

    def compose(self) -> ComposeResult:
        c, s = self.choices, self.selection
        if self.title:
            yield Label(Text(self.title), classes="form-title")
        with Grid(classes="form-grid"):
            yield Label("Leader")
            yield Select(_options(c.leaders), value=_first(s.leaders) if _first(s.leaders) in c.leaders else Select.NULL, prompt="any leader", id="leader")
            yield Label("Counterpart")
            yield Select(_options(c.counterparts), value=_first(s.counterparts) if _first(s.counterparts) in c.counterparts else Select.NULL, prompt="any counterpart", id="counterpart")
            yield Label("Period")
            yield Select(_options(c.periods), value=_first(s.periods) if _first(s.periods) in c.periods else Select.NULL, prompt="any period", id="period")
            yield Label("Format")
            yield Select(_options(c.formats), value=_first(s.formats) if _first(s.formats) in c.formats else Select.NULL, prompt="any format", id="format")
            yield Label("Status")
            status_options = [(Text(f"{v}"), v) for v in c.statuses] + [(Text("every status"), ALL_STATUSES)]
            status = ALL_STATUSES if s.all_statuses else (_first(s.statuses) if _first(s.statuses) in c.statuses else Select.NULL)
            yield Select(status_options, value=status, prompt=f"counted ({', '.join(c.counted)})", id="status")
            if self.dates:
                yield Label("From")
                yield Input(value=s.date_from.isoformat() if s.date_from else "", placeholder="YYYY-MM-DD", id="from")
                yield Label("To")
                yield Input(value=s.date_to.isoformat() if s.date_to else "", placeholder="YYYY-MM-DD (inclusive)", id="to")

    def _value(self, name: str) -> tuple[str, ...]:
        value = self.query_one(f"#{name}", Select).value
        return () if value is Select.NULL or value == ALL_STATUSES else (value,)

    def read(self, label: str = "") -> Selection:
        """The Selection the form shows; raises ValueError naming a bad date."""
        status = self.query_one("#status", Select).value
        date_from = date_to = None
        if self.dates:
            date_from = _date(self.query_one("#from", Input).value, "From")
            date_to = _date(self.query_one("#to", Input).value, "To")
            if date_from and date_to and date_to < date_from:
                raise ValueError(f"To ({date_to}) is before From ({date_from})")
        return Selection(
            counterparts=self._value("counterpart"),
            periods=self._value("period"),
            formats=self._value("format"),
            statuses=self._value("status"),
            all_statuses=status == ALL_STATUSES,
            date_from=date_from,
            date_to=date_to,
            years=self.selection.years,
            leaders=self._value("leader"),
            label=label,
        )

    def clear(self) -> None:
        for select in self.query(Select):
            select.clear()
        for field in self.query(Input):
            field.value = ""


def _date(text: str, name: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name}: '{text}' is not a date like 2021-01-20") from None


class FilterScreen(ModalScreen[Selection | None]):
    """Choose which contacts to count. Dismisses with the new Selection, or None when cancelled."""

    BINDINGS = SCREEN_BINDINGS["filters"]

    def __init__(self, choices: Choices, selection: Selection) -> None:
        super().__init__(classes="dialog-screen")
        self.choices = choices
        self.selection = selection

    def compose(self) -> ComposeResult:
        yield Footer()
        with VerticalScroll(id="filter-dialog", classes="dialog"):
            yield Static(Text("Filter contacts", style="bold"), classes="dialog-title")
            yield FilterForm(self.choices, self.selection, id="filter-form")
            yield Static("", id="filter-error", classes="form-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Clear", id="clear")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#counterpart", Select).focus()

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        try:
            selection = self.query_one(FilterForm).read()
        except ValueError as exc:
            self.query_one("#filter-error", Static).update(Text(str(exc)))
            return
        self.dismiss(selection)

    @on(Input.Changed)
    @on(Select.Changed)
    def _recheck(self) -> None:
        """A shown error follows the fields: it goes when they read again, and names the field still wrong."""
        error = self.query_one("#filter-error", Static)
        if not str(error.render()):
            return  # no message shown: typing is not interrupted by half-typed dates
        try:
            self.query_one(FilterForm).read()
        except ValueError as exc:
            error.update(Text(str(exc)))
        else:
            error.update("")

    @on(Button.Pressed, "#clear")
    def _clear(self) -> None:
        self.query_one(FilterForm).clear()
        self.query_one("#filter-error", Static).update("")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class CompareScreen(ModalScreen[Comparison | None]):
    """Choose the two selections of the Compare view."""

    BINDINGS = SCREEN_BINDINGS["compare"]

    def __init__(self, choices: Choices, comparison: Comparison | None, default: Comparison | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.choices = choices
        self.comparison = comparison or default or Comparison(Selection(label="A"), Selection(label="B"))
        self.default = default

    def compose(self) -> ComposeResult:
        yield Footer()
        with VerticalScroll(id="compare-dialog", classes="dialog"):
            yield Static(Text("Compare two selections", style="bold"), classes="dialog-title")
            with Horizontal(id="compare-forms"):
                yield FilterForm(self.choices, self.comparison.a, dates=False, id="form-a", title="A")
                yield FilterForm(self.choices, self.comparison.b, dates=False, id="form-b", title="B")
            yield Static("", id="compare-error", classes="form-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Compare", variant="primary", id="apply")
                yield Button("Default", id="default", disabled=self.default is None)
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        a = self.query_one("#form-a", FilterForm).read()
        b = self.query_one("#form-b", FilterForm).read()
        self.dismiss(Comparison(replace(a, label=_label(a, "A")), replace(b, label=_label(b, "B"))))

    @on(Button.Pressed, "#default")
    def _default(self) -> None:
        if self.default is not None:
            self.dismiss(self.default)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def _label(selection: Selection, fallback: str) -> str:
    """A short name: the single period or counterpart chosen, else the description."""
    text = selection.describe()
    if text == "everything":
        return "everything"
    others = selection.formats or selection.statuses or selection.all_statuses or selection.date_from or selection.date_to
    if not others and (selection.periods or selection.counterparts or selection.leaders):
        # "Biden with Xi Jinping", "Joe Biden with Vladimir Putin", "Trump 2nd term"
        who = ", ".join(selection.periods or selection.counterparts)
        return f"{who} with {', '.join(selection.leaders)}" if who and selection.leaders else (who or ", ".join(selection.leaders))
    return text or fallback
