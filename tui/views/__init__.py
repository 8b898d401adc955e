"""One widget class per view, each in its own module, imported when the view is first shown."""

from __future__ import annotations

import importlib

from diplodash.tui.bindings import VIEW_BY_ID


def view_class(view_id: str):
    """The widget class of a view (importing its module on first use: chart views pull in plotext)."""
    spec = VIEW_BY_ID[view_id]
    module = importlib.import_module(f"diplodash.tui.views.{spec.module}")
    return getattr(module, spec.cls)
