"""Is the dashboard served to a browser (``diplodash serve``)? One explicit setting, passed to each app process
in the environment variable ``DIPLODASH_SERVED`` by the server:

- unset or empty: the terminal app (exports are snapshot folders on disk, the Inbox writes to the table);
- ``read-only``: served; exports go to the browser as a zip download, the Inbox never writes the table;
- ``writes``: served, and the Inbox may write the table (``diplodash serve --allow-writes``).

Any other value is taken as ``read-only``: a mistyped setting never turns writes on. Light: no Textual here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SERVED_ENV = "DIPLODASH_SERVED"
READ_ONLY, WRITES = "read-only", "writes"


@dataclass(frozen=True)
class Served:
    """How the app runs: ``served`` in a browser; ``writes``: the Inbox may append to the table."""

    served: bool = False
    writes: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "Served":
        value = environ.get(SERVED_ENV, "").strip()
        if not value:
            return cls()
        return cls(served=True, writes=value == WRITES)

    def env_value(self) -> str:
        return "" if not self.served else (WRITES if self.writes else READ_ONLY)


TERMINAL = Served()
