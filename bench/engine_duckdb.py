"""The six metrics written as DuckDB SQL, on the same derived table diplodash computes them from.

- ``duckdb``: the derived table loaded into a DuckDB table first (like diplodash's in-memory frame).
- ``duckdb-parquet``: the same queries straight on ``read_parquet`` of the derived file.

Each query mirrors the polars plan in metrics/measures/<name>.py (same columns, order and rules); the
benchmark cross-checks the results against diplodash's at the small sizes and fails if they differ.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from bench.common import CALL_FORMATS, IN_PERSON, INITIATOR_SIDES, SIDES, Spec


def _list(values) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def _group(by: str) -> str:
    if by == "none":
        return "'all'"
    if by == "side":
        raise NotImplementedError("grouping by side is not written in SQL here")
    return f"coalesce(CAST({by} AS VARCHAR), '(unknown)')"


def queries(spec: Spec, contacts: str, claims: str) -> dict[str, str]:
    sel = f"sel AS (SELECT *, {_group(spec.by)} AS grp FROM {contacts} WHERE status IN {_list(spec.statuses)})"
    calls = f"count(*) FILTER (WHERE format IN {_list(CALL_FORMATS)})"
    meetings = f"count(*) FILTER (WHERE format IN {_list(IN_PERSON)})"
    spans = spec.period_years()
    span_rows = ", ".join(f"('{name.replace(chr(39), chr(39) * 2)}', {years!r}::DOUBLE)" for name, years in spans.items()) or "(NULL, NULL::DOUBLE)"
    observed = "greatest((date_diff('day', first, last) + 1) / 365.25, 1.0)"
    if spec.by == "year":
        years = "1.0::DOUBLE"
    elif spec.by == "period":
        years = f"coalesce(p.years, {observed})"
    else:
        years = observed
    overview = f"""
WITH {sel},
base AS (
  SELECT grp, count(*) AS contacts, {calls} AS calls, {meetings} AS meetings,
         min(date) AS first, max(date) AS last,
         avg(CASE WHEN initiator_side = 'leader' THEN 1.0 ELSE 0.0 END) AS initiated_leader,
         avg(CASE WHEN initiator_side = 'counterpart' THEN 1.0 ELSE 0.0 END) AS initiated_counterpart,
         avg(CASE WHEN initiator_side = 'unknown' THEN 1.0 ELSE 0.0 END) AS initiator_unknown,
         count(duration_minutes) AS with_duration,
         median(duration_minutes)::DOUBLE AS median_minutes, avg(duration_minutes)::DOUBLE AS mean_minutes
  FROM sel GROUP BY grp),
labels AS (SELECT grp, label, count(*) AS n FROM (SELECT grp, unnest(tone_labels) AS label FROM sel) WHERE label IS NOT NULL GROUP BY grp, label),
ranked AS (SELECT *, row_number() OVER (PARTITION BY grp ORDER BY n DESC, label) AS rank FROM labels),
tones AS (SELECT grp, string_agg(label || ' ' || n, ', ' ORDER BY rank) AS top_tone FROM ranked WHERE rank <= 3 GROUP BY grp),
periods(name, years) AS (VALUES {span_rows})
SELECT b.grp AS "group", contacts, calls, meetings, first, last, {years} AS years,
       calls / ({years}) AS calls_per_year, initiated_leader, initiated_counterpart, initiator_unknown,
       with_duration, median_minutes, mean_minutes, coalesce(t.top_tone, '') AS top_tone
FROM base b LEFT JOIN tones t ON t.grp = b.grp LEFT JOIN periods p ON p.name = b.grp
ORDER BY first, b.grp"""

    calls_per_year = f"""
WITH {sel},
counts AS (SELECT grp, year, {calls} AS calls, {meetings} AS meetings, count(*) AS contacts FROM sel GROUP BY grp, year),
spans AS (SELECT grp, unnest(range(min(year), max(year) + 1)) AS year FROM counts GROUP BY grp)
SELECT s.grp AS "group", s.year::INTEGER AS year, coalesce(c.calls, 0) AS calls, coalesce(c.meetings, 0) AS meetings,
       coalesce(c.contacts, 0) AS contacts
FROM spans s LEFT JOIN counts c ON c.grp = s.grp AND c.year = s.year
ORDER BY s.grp, s.year"""

    sides = ", ".join(f"('{s}', {i})" for i, s in enumerate(INITIATOR_SIDES))
    initiators = f"""
WITH {sel},
counts AS (SELECT grp, initiator_side, count(*) AS contacts, count(*) FILTER (WHERE initiator_disputed) AS disputed FROM sel GROUP BY grp, initiator_side),
sides(initiator_side, ord) AS (VALUES {sides}),
grid AS (SELECT g.grp, s.initiator_side, s.ord FROM (SELECT DISTINCT grp FROM sel) g CROSS JOIN sides s),
filled AS (SELECT g.grp, g.initiator_side, g.ord, coalesce(c.contacts, 0) AS contacts, coalesce(c.disputed, 0) AS disputed
           FROM grid g LEFT JOIN counts c ON c.grp = g.grp AND c.initiator_side = g.initiator_side)
SELECT grp AS "group", initiator_side, contacts,
       coalesce(contacts / nullif(sum(contacts) OVER (PARTITION BY grp), 0), 0.0)::DOUBLE AS share, disputed
FROM filled ORDER BY grp, ord"""

    def stats(column: str, basis: str, order: int, disputed: str) -> str:
        return f"""SELECT grp, '{basis}' AS basis, {order} AS ord, count(*) AS contacts, count({column}) AS with_duration,
       min({column})::DOUBLE AS min, median({column})::DOUBLE AS median, avg({column})::DOUBLE AS mean,
       max({column})::DOUBLE AS max, sum({column})::DOUBLE AS total, {disputed} AS disputed FROM sel GROUP BY grp"""

    parts = [stats("duration_minutes", "default", 0, "count(*) FILTER (WHERE duration_figures > 1)")]
    parts += [stats(f"duration_minutes_{s}", s, i + 1, "0") for i, s in enumerate(SIDES)]
    durations = f"""
WITH {sel}
SELECT grp AS "group", basis, contacts, with_duration, min, median, mean, max, total, disputed
FROM ({' UNION ALL '.join(parts)}) ORDER BY grp, ord"""

    valence = ", ".join(f"('{label}', {('NULL' if v is None else repr(float(v)))}::DOUBLE)" for label, v in spec.valence) or "(NULL, NULL::DOUBLE)"
    tone_parts = []
    for i, side in enumerate(("all",) + SIDES):
        column = "tone_labels" if side == "all" else f"tone_labels_{side}"
        tone_parts.append(f"SELECT grp, '{side}' AS side, {i} AS ord, label, count(*) AS contacts FROM (SELECT grp, unnest({column}) AS label FROM sel) WHERE label IS NOT NULL GROUP BY grp, label")
    tone = f"""
WITH {sel},
totals AS (SELECT grp, count(*) AS total FROM sel GROUP BY grp),
valence(label, valence) AS (VALUES {valence}),
counts AS ({' UNION ALL '.join(tone_parts)})
SELECT c.grp AS "group", c.side, c.label, c.contacts, c.contacts / t.total AS share, v.valence
FROM counts c JOIN totals t ON t.grp = c.grp LEFT JOIN valence v ON v.label = c.label
ORDER BY c.grp, c.ord, c.contacts DESC, c.label"""

    coverage = f"""
WITH daily AS (SELECT counterpart, date, format, count(*) AS n FROM {contacts} WHERE status IN {_list(spec.statuses)} GROUP BY ALL),
matched AS (
  SELECT c.__line AS line, sum(d.n) AS enumerated FROM {claims} c JOIN daily d ON d.counterpart = c.counterpart
  WHERE d.date >= c.start AND d.date <= c."end" AND (len(c.formats) = 0 OR list_contains(c.formats, d.format))
  GROUP BY c.__line)
SELECT claim_id, counterpart, start, "end", array_to_string(formats, ';') AS formats, side, description,
       claimed_count AS claimed, coalesce(m.enumerated, 0) AS enumerated, claimed_count - coalesce(m.enumerated, 0) AS gap,
       CASE WHEN claimed_count > 0 THEN coalesce(m.enumerated, 0) / claimed_count END AS coverage,
       array_to_string(source_ids, ';') AS source_ids
FROM {claims} c LEFT JOIN matched m ON m.line = c.__line ORDER BY c.__line"""
    return {"overview": overview, "calls_per_year": calls_per_year, "initiators": initiators, "durations": durations, "tone": tone, "coverage": coverage}


def _fetch(con, sql: str) -> pl.DataFrame:
    return pl.from_arrow(con.sql(sql).to_arrow_table())


class _Base:
    def __init__(self, prepared: Path, config, spec: Spec, in_memory: bool):
        import duckdb

        self.con = duckdb.connect()
        self.spec = spec
        contacts, claims = prepared / "contacts.parquet", prepared / "claims.parquet"
        self.con.execute(f"CREATE TABLE claims AS SELECT * FROM read_parquet('{claims}')")
        if in_memory:
            self.con.execute(f"CREATE TABLE contacts AS SELECT * FROM read_parquet('{contacts}')")
            self.queries = queries(spec, "contacts", "claims")
        else:
            self.queries = queries(spec, f"read_parquet('{contacts}')", "claims")

    def run(self) -> dict[str, pl.DataFrame]:
        return {name: _fetch(self.con, sql) for name, sql in self.queries.items()}


class InMemory(_Base):
    name = "duckdb"

    def __init__(self, prepared: Path, config, spec: Spec):
        super().__init__(prepared, config, spec, True)


class FromParquet(_Base):
    name = "duckdb-parquet"

    def __init__(self, prepared: Path, config, spec: Spec):
        super().__init__(prepared, config, spec, False)
