"""Every term on screen, defined once. The help screen (?) and README's glossary show these texts; a test
keeps README's copy equal to this one."""

from __future__ import annotations

from diplodash.metrics.schema import CALLS, MEETINGS, MULTI_PARTY

GLOSSARY: dict[str, str] = {
    "contact": "one leader-to-leader interaction in the table: a call, a video call, a meeting, a summit or an envoy meeting.",
    "calls": f"one-on-one calls: formats {' and '.join(CALLS)}. Every metric, view and export counts calls so.",
    "multi-party calls": f"calls with more than two leaders (format {MULTI_PARTY[0]}), counted in their own column, never as calls.",
    "meetings": f"contacts in person: formats {', '.join(MEETINGS)}.",
    "counted": "contacts whose status is in [defaults] count_statuses (confirmed by default); the others only with --all-statuses.",
    "as of": "the date every figure is computed as of (--as-of, [defaults] as_of, else today): no window runs past it.",
    "window": (
        "the time a group was exposed to contact: the selection's dates, years and periods, the group's own period or year, "
        "and the periods of its counterparts, from the table's first contact to the as-of date (metrics/window.py)."
    ),
    "years": "the window's length: its days / 365.25.",
    "calls in window": "calls dated inside the window of their counterpart; calls outside it are counted, never averaged.",
    "calls per year": "calls in window / years; empty when there is no window.",
    "initiator shares": "the share of a group's contacts that each side initiated, as the accounts claim; unknown and disputed claims count as unknown, so the three shares sum to 1.",
    "median minutes": "the median of the contacts' default durations (the rule in seeds/README.md), over contacts with a duration.",
    "tone share": "the share of a group's contacts whose accounts (by that side) carry the label.",
    "coverage": "a reported total (claims.csv) against the contacts the table enumerates in the same scope: enumerated / claimed.",
    "date precision": "a date is shown as precisely as it is known (2025-10-16, 2025-10 or 2025) and sorted by its first day.",
    "(no period)": "contacts outside every configured period of their counterpart; always listed last.",
}
