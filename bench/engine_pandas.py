"""The six metrics in idiomatic pandas, on the same derived table (only the columns the metrics read are
loaded: the nine list columns as Python objects would not fit at 10 million rows otherwise)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from bench.common import CALL_FORMATS, IN_PERSON, INITIATOR_SIDES, NEEDED, SIDES, Spec


class InMemory:
    name = "pandas"

    def __init__(self, prepared: Path, config, spec: Spec):
        import pandas as pd

        self.pd = pd
        columns = list(dict.fromkeys(NEEDED + ((spec.by,) if spec.by not in ("none", "side") else ())))
        self.contacts = pd.read_parquet(prepared / "contacts.parquet", columns=columns)
        self.claims = pd.read_parquet(prepared / "claims.parquet")
        self.spec = spec

    def run(self) -> dict[str, pl.DataFrame]:
        spec = self.spec
        df = self.contacts
        sel = df[df["status"].isin(spec.statuses)].copy()
        if spec.by == "none":
            sel["group"] = "all"
        elif spec.by == "side":
            raise NotImplementedError("grouping by side is not written in pandas here")
        else:
            sel["group"] = sel[spec.by].astype("str").where(sel[spec.by].notna(), "(unknown)")
        out = {
            "overview": self.overview(sel),
            "calls_per_year": self.calls_per_year(sel),
            "initiators": self.initiators(sel),
            "durations": self.durations(sel),
            "tone": self.tone(sel),
            "coverage": self.coverage(df),
        }
        return {name: pl.from_pandas(frame) for name, frame in out.items()}

    def _flags(self, sel):
        return sel.assign(
            _call=sel["format"].isin(CALL_FORMATS),
            _meeting=sel["format"].isin(IN_PERSON),
            _leader=sel["initiator_side"].eq("leader").astype("float64"),
            _counterpart=sel["initiator_side"].eq("counterpart").astype("float64"),
            _unknown=sel["initiator_side"].eq("unknown").astype("float64"),
        )

    def overview(self, sel):
        pd, spec = self.pd, self.spec
        flags = self._flags(sel)
        base = flags.groupby("group").agg(
            contacts=("contact_id", "size"),
            calls=("_call", "sum"),
            meetings=("_meeting", "sum"),
            first=("date", "min"),
            last=("date", "max"),
            initiated_leader=("_leader", "mean"),
            initiated_counterpart=("_counterpart", "mean"),
            initiator_unknown=("_unknown", "mean"),
            with_duration=("duration_minutes", "count"),
            median_minutes=("duration_minutes", "median"),
            mean_minutes=("duration_minutes", "mean"),
        ).reset_index()
        labels = sel[["group", "tone_labels"]].explode("tone_labels").dropna(subset=["tone_labels"])
        counts = labels.groupby(["group", "tone_labels"]).size().reset_index(name="n")
        counts = counts.sort_values(["group", "n", "tone_labels"], ascending=[True, False, True])
        top = counts.groupby("group").head(3)
        top = top.assign(_text=top["tone_labels"] + " " + top["n"].astype(str)).groupby("group", sort=False)["_text"].agg(", ".join).rename("top_tone").reset_index()
        frame = base.merge(top, on="group", how="left")
        frame["top_tone"] = frame["top_tone"].fillna("")
        days = (pd.to_datetime(frame["last"]) - pd.to_datetime(frame["first"])).dt.days
        observed = ((days + 1) / 365.25).clip(lower=1.0)
        if spec.by == "year":
            years = pd.Series(1.0, index=frame.index)
        elif spec.by == "period":
            years = frame["group"].map(spec.period_years()).astype("float64").fillna(observed)
        else:
            years = observed
        frame["years"] = years.astype("float64")
        frame["calls_per_year"] = frame["calls"] / frame["years"]
        frame = frame.sort_values(["first", "group"], kind="stable")
        return frame[["group", "contacts", "calls", "meetings", "first", "last", "years", "calls_per_year", "initiated_leader", "initiated_counterpart", "initiator_unknown", "with_duration", "median_minutes", "mean_minutes", "top_tone"]].reset_index(drop=True)

    def calls_per_year(self, sel):
        pd = self.pd
        flags = self._flags(sel)
        counts = flags.groupby(["group", "year"]).agg(calls=("_call", "sum"), meetings=("_meeting", "sum"), contacts=("contact_id", "size")).reset_index()
        bounds = counts.groupby("group")["year"].agg(["min", "max"])
        spans = pd.DataFrame(
            [(group, year) for group, row in bounds.iterrows() for year in range(int(row["min"]), int(row["max"]) + 1)],
            columns=["group", "year"],
        ).astype({"year": counts["year"].dtype})
        frame = spans.merge(counts, on=["group", "year"], how="left")
        for column in ("calls", "meetings", "contacts"):
            frame[column] = frame[column].fillna(0).astype("int64")
        return frame.sort_values(["group", "year"]).reset_index(drop=True)

    def initiators(self, sel):
        pd = self.pd
        counts = sel.groupby(["group", "initiator_side"]).agg(contacts=("contact_id", "size"), disputed=("initiator_disputed", "sum")).reset_index()
        groups = pd.DataFrame({"group": sel["group"].unique()})
        sides = pd.DataFrame({"initiator_side": list(INITIATOR_SIDES), "_order": range(len(INITIATOR_SIDES))})
        frame = groups.merge(sides, how="cross").merge(counts, on=["group", "initiator_side"], how="left")
        frame[["contacts", "disputed"]] = frame[["contacts", "disputed"]].fillna(0).astype("int64")
        total = frame.groupby("group")["contacts"].transform("sum")
        frame["share"] = (frame["contacts"] / total).fillna(0.0)
        frame = frame.sort_values(["group", "_order"])
        return frame[["group", "initiator_side", "contacts", "share", "disputed"]].reset_index(drop=True)

    def durations(self, sel):
        pd = self.pd
        frames = []
        for order, basis in enumerate(("default",) + SIDES):
            column = "duration_minutes" if basis == "default" else f"duration_minutes_{basis}"
            grouped = sel.groupby("group")[column]
            stats = pd.DataFrame(
                {
                    "contacts": grouped.size(),
                    "with_duration": grouped.count(),
                    "min": grouped.min(),
                    "median": grouped.median(),
                    "mean": grouped.mean(),
                    "max": grouped.max(),
                    "total": grouped.sum(min_count=1),
                }
            )
            stats["disputed"] = sel["duration_figures"].gt(1).groupby(sel["group"]).sum() if basis == "default" else 0
            stats["basis"], stats["_order"] = basis, order
            frames.append(stats.reset_index())
        frame = pd.concat(frames).sort_values(["group", "_order"])
        return frame[["group", "basis", "contacts", "with_duration", "min", "median", "mean", "max", "total", "disputed"]].reset_index(drop=True)

    def tone(self, sel):
        pd, spec = self.pd, self.spec
        totals = sel.groupby("group").size().rename("_total")
        frames = []
        for order, side in enumerate(("all",) + SIDES):
            column = "tone_labels" if side == "all" else f"tone_labels_{side}"
            labels = sel[["group", column]].explode(column).dropna(subset=[column])
            counts = labels.groupby(["group", column]).size().reset_index(name="contacts").rename(columns={column: "label"})
            counts["side"], counts["_order"] = side, order
            frames.append(counts)
        frame = pd.concat(frames).merge(totals.reset_index(), on="group", how="left")
        frame["share"] = frame["contacts"] / frame["_total"]
        valence = pd.DataFrame({"label": [label for label, _ in spec.valence], "valence": pd.array([v for _, v in spec.valence], dtype="Float64").astype("float64")})
        frame = frame.merge(valence, on="label", how="left")
        frame = frame.sort_values(["group", "_order", "contacts", "label"], ascending=[True, True, False, True])
        return frame[["group", "side", "label", "contacts", "share", "valence"]].reset_index(drop=True)

    def coverage(self, df):
        pd = self.pd
        contacts = df[df["status"].isin(self.spec.statuses)]
        daily = contacts.groupby(["counterpart", "date", "format"], dropna=False).size().reset_index(name="_n")
        claims = self.claims.reset_index(drop=True)
        claims["_claim"] = range(len(claims))
        pairs = claims[["_claim", "counterpart", "start", "end", "formats"]].merge(daily, on="counterpart", how="inner")
        in_range = (pairs["date"] >= pairs["start"]) & (pairs["date"] <= pairs["end"])
        in_formats = [len(formats) == 0 or fmt in set(formats) for formats, fmt in zip(pairs["formats"], pairs["format"])]
        matched = pairs[in_range & pd.Series(in_formats, index=pairs.index, dtype=bool)].groupby("_claim")["_n"].sum().rename("enumerated")
        frame = claims.merge(matched.reset_index(), on="_claim", how="left")
        frame["enumerated"] = frame["enumerated"].fillna(0).astype("int64")
        frame["claimed"] = frame["claimed_count"]
        frame["gap"] = frame["claimed_count"] - frame["enumerated"]
        frame["coverage"] = (frame["enumerated"] / frame["claimed_count"]).where(frame["claimed_count"] > 0)
        frame["formats"] = frame["formats"].map(";".join)
        frame["source_ids"] = frame["source_ids"].map(";".join)
        frame = frame.sort_values("_claim")
        return frame[["claim_id", "counterpart", "start", "end", "formats", "side", "description", "claimed", "enumerated", "gap", "coverage", "source_ids"]].reset_index(drop=True)
