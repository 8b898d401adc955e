"""A contact's detail (Enter in the Contacts view): the contact, then every source's account side by side."""

from __future__ import annotations

import polars as pl
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import HorizontalScroll, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from diplodash.metrics.dataset import Dataset
from diplodash.metrics.sides import side_names
from diplodash.tui import format as fmt
from diplodash.tui.bindings import SCREEN_BINDINGS


def _field(text: Text, name: str, value: object, *, style: str = "") -> None:
    shown = fmt.cell(value, null="") if not isinstance(value, str) else fmt.safe(value)
    if not shown:
        return
    text.append(f"{name}: ", style="dim")
    text.append(shown + "\n", style=style)


def _sources(dataset: Dataset, ids: list[str] | None) -> list[dict]:
    if not ids:
        return []
    found = {r["source_id"]: r for r in dataset.sources.filter(pl.col("source_id").is_in(list(ids))).iter_rows(named=True)}
    return [found.get(i, {"source_id": i}) for i in ids]


def _source_lines(text: Text, sources: list[dict]) -> None:
    for source in sources:
        outlet = source.get("outlet") or source.get("kind") or ""
        title = source.get("title") or ""
        published = source.get("published")
        text.append("• ", style="dim")
        text.append(fmt.safe(outlet or source["source_id"]), style="bold")
        if published:
            text.append(f" ({fmt.partial_date(published, source.get('published_precision'))})", style="dim")
        if title:
            text.append(" " + fmt.safe(title))
        text.append("\n")
        url = source.get("url") or source.get("seed_file") or ""
        if url:
            text.append("  " + fmt.safe(url) + "\n", style="underline")
        text.append(f"  id {fmt.safe(source['source_id'])}\n", style="dim")


class ContactScreen(ModalScreen[None]):
    BINDINGS = SCREEN_BINDINGS["contact"]

    def __init__(self, dataset: Dataset, contact_id: str) -> None:
        super().__init__(classes="dialog-screen")
        self.dataset = dataset
        self.contact_id = contact_id

    def contact(self) -> dict | None:
        rows = self.dataset.contacts.filter(pl.col("contact_id") == self.contact_id).head(1).to_dicts()
        return rows[0] if rows else None

    def reports(self) -> list[dict]:
        return self.dataset.reports.filter(pl.col("contact_id") == self.contact_id).sort("__line").to_dicts()

    def compose(self) -> ComposeResult:
        contact = self.contact()
        # This contact's own side names ("China" for Xi's side, "Kremlin" for Putin's).
        sides = side_names(self.dataset.config, (contact or {}).get("leader"), (contact or {}).get("counterpart"))
        yield Footer()
        with Vertical(id="contact-dialog", classes="dialog"):
            title = Text(fmt.safe(self.contact_id), style="bold")
            if contact:
                title.append(f"  {fmt.cell(contact.get('date'))} · {fmt.safe(contact.get('format') or 'unknown format')} · {fmt.safe(contact.get('status') or '')}", style="")
            yield Static(title, classes="dialog-title")
            with VerticalScroll(id="contact-body"):
                yield Static(self._facts(contact, sides), id="contact-facts")
                reports = self.reports()
                yield Static(Text(f"{len(reports)} account{'s' if len(reports) != 1 else ''} of this contact, side by side", style="bold"), classes="section-title")
                with HorizontalScroll(id="accounts"):
                    for report in reports:
                        yield Static(self._account(report, sides), classes="account", markup=False)
                    if not reports:
                        yield Static(Text("No source gives an account (duration, initiator, tone) of this contact."), classes="account")
            yield Static(Text("esc: close", style="dim"), id="contact-hint")

    def _facts(self, contact: dict | None, sides: dict[str, str]) -> Text:
        text = Text()
        if not contact:
            text.append("This contact is no longer in the table (the data was reloaded).")
            return text
        _field(text, "Leaders", f"{contact.get('leader') or ''} and {contact.get('counterpart') or ''}")
        _field(text, "Envoys", contact.get("envoys"))
        _field(text, "Period", contact.get("period"))
        _field(text, "Topics", contact.get("topics"))
        initiator = contact.get("initiator") or "unknown"
        shown = {"leader": sides.get("leader"), "counterpart": sides.get("counterpart")}.get(initiator, initiator)
        _field(text, "Initiated by", f"{shown}" + (" (sources disagree)" if initiator == "disputed" else ""))
        minutes = contact.get("duration_minutes")
        if minutes is not None:
            spread = ""
            low, high = contact.get("duration_min"), contact.get("duration_max")
            if low is not None and high is not None and high > low:
                spread = f"; sources say {fmt.minutes(low)} to {fmt.minutes(high)}"
            side = sides.get(contact.get("duration_side") or "", contact.get("duration_side") or "")
            _field(text, "Length", f"{fmt.minutes(minutes)} (“{contact.get('duration_text') or ''}”, {side}){spread}")
        else:
            _field(text, "Length", "unknown")
        _field(text, "Tone labels", contact.get("tone_labels") or [])
        self._cited(text, contact, "Sources of the contact:")
        return text

    def _cited(self, text: Text, row: dict, heading: str) -> None:
        """The excerpt, the notes and the sources of a contact or an account."""
        _field(text, "Excerpt", row.get("excerpt"))
        _field(text, "Notes", row.get("notes"), style="italic")
        sources = _sources(self.dataset, row.get("source_ids"))
        if sources:
            text.append(heading + "\n", style="dim")
            _source_lines(text, sources)

    def _account(self, report: dict, sides: dict[str, str]) -> Text:
        text = Text()
        side = report.get("side") or "other"
        text.append(fmt.safe(sides.get(side, side)), style="bold reverse")
        speaker = report.get("speaker")
        if speaker and speaker != sides.get(side, side):
            text.append(" " + fmt.safe(speaker), style="bold")
        text.append("\n")
        duration = report.get("duration_text")
        if duration:
            minutes = report.get("duration_minutes")
            detail = f" → {fmt.minutes(minutes)}" if minutes is not None else ""
            qualifier = report.get("duration_qualifier")
            if qualifier and qualifier != "exact":
                detail += f" ({qualifier})"
            _field(text, "Duration", f"“{duration}”{detail}")
        else:
            _field(text, "Duration", "not given")
        claim = report.get("initiator_claim")
        _field(text, "Initiator", sides.get(claim, claim) if claim else "not said")
        tone = report.get("tone_text")
        if tone:
            labels = report.get("tone_labels") or []
            _field(text, "Tone", f"“{tone}”" + (f" → {', '.join(labels)}" if labels else ""))
        self._cited(text, report, "Sources:")
        return text

    def action_dismiss(self) -> None:
        self.dismiss(None)

    def facts_text(self) -> str:
        """The contact's facts and sources as plain text (what y copies)."""
        contact = self.contact()
        sides = side_names(self.dataset.config, (contact or {}).get("leader"), (contact or {}).get("counterpart"))
        head = self.contact_id
        if contact:
            head += f"  {fmt.cell(contact.get('date'))} · {contact.get('format') or 'unknown format'} · {contact.get('status') or ''}"
        return head + "\n" + self._facts(contact, sides).plain

    def action_copy_contact(self) -> None:
        self.app.copy_text(self.facts_text(), "Contact")

    def action_copy_contact_csv(self) -> None:
        """Y: the contact's row of the contact table as CSV (lists joined by '; ')."""
        from diplodash.tui.clipboard import csv_row

        contact = self.contact()
        if not contact:
            self.app.notify("Nothing to copy: the contact is no longer in the table.", timeout=3, markup=False)
            return
        columns = [c for c in contact if not c.startswith("__")]
        values = ["; ".join(map(str, v)) if isinstance(v, list) else v for v in (contact[c] for c in columns)]
        self.app.copy_text(csv_row(columns, values), "Contact row")

    def action_open_source(self) -> None:
        self.app.open_first_url(self.app.source_urls(self.contact()), "for this contact")
