"""Validation: from tables as the user wrote them to a typed :class:`~kpi_xl.dataset.Dataset`.

Every problem is collected before anything is raised (pandera's lazy validation), so the user
fixes the whole sheet in one go. Each :class:`~kpi_xl.errors.Problem` names the table, the
spreadsheet row, the column as the user labelled it, the value, the problem and a hint
(``did you mean 'Amount'?``, the columns or values that exist).

Checked: missing required columns; unparseable dates and numbers; missing required values;
unknown reps, teams, customers, stages, statuses, activity types and target metrics; duplicate
ids; negative amounts and targets; close date before created date; closed deals without a close
date; unknown settings.

Not errors: blank rows (trailing ones are ignored; blank rows between data are counted in
``Dataset.exclusions``), extra columns (listed in ``Dataset.warnings``), a missing Reps table
(reps are then taken from the data, with a warning).
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Mapping

import pandas as pd

from .dataset import TABLE_NAMES, Dataset, Exclusion, conform
from .errors import ConfigError, Problem, ValidationError
from .metric_registry import canonical_metric, metric_def, metric_names
from .parsing import blank_mask, parse_bool, parse_dates, parse_numbers, parse_text
from .readers import RawTable, read_source
from .schema import (
    ACTIVITY_ALIASES,
    STAGE_ALIASES,
    TableSpec,
    normalize_header,
    stage_label,
    table_spec,
)
from .settings import SETTING_KEYS, Settings

__all__ = ["did_you_mean", "load", "validate"]


def did_you_mean(value: object, choices: list[str], *, show: int = 8) -> str:
    """A hint naming the closest choice(s), else listing what exists."""
    choices = [c for c in dict.fromkeys(str(c) for c in choices) if c]
    norm = {normalize_header(c): c for c in choices}
    close = difflib.get_close_matches(normalize_header(value), list(norm), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{norm[close[0]]}'?"
    shown = ", ".join(f"'{c}'" for c in choices[:show])
    more = f" (+{len(choices) - show} more)" if len(choices) > show else ""
    return f"known: {shown}{more}" if choices else ""


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.exclusions: list[Exclusion] = []

    def add(self, *args: object, **kwargs: object) -> None:
        self.problems.append(Problem(*args, **kwargs))  # type: ignore[arg-type]

    def warn(self, *args: object, **kwargs: object) -> None:
        self.warnings.append(Problem(*args, **kwargs))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- settings

def _split(text: str) -> list[str]:
    for sep in ("、", "，", ";", "\n"):
        text = text.replace(sep, ",")
    return [t.strip() for t in text.split(",") if t.strip()]


def _stage_keys(names: list[str]) -> tuple[str, ...]:
    out = []
    for n in names:
        key = n
        for k, aliases in STAGE_ALIASES.items():
            if k in ("lost", "open"):
                continue
            if normalize_header(n) in {normalize_header(a) for a in (k, *aliases)}:
                key = k
        out.append(key)
    return tuple(out)


def _settings_from_table(raw: RawTable | None, base: Settings, col: _Collector,
                         label: str) -> Settings:
    if raw is None or raw.frame.empty:
        return base
    frame = raw.frame
    cols = {normalize_header(c): c for c in frame.columns}
    spec = table_spec("settings")
    key_col = next((cols[normalize_header(n)] for n in spec.column("key").all_names()
                    if normalize_header(n) in cols), frame.columns[0])
    val_col = next((cols[normalize_header(n)] for n in spec.column("value").all_names()
                    if normalize_header(n) in cols),
                   frame.columns[1] if len(frame.columns) > 1 else None)
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    changes: dict[str, object] = {}
    extra: dict[str, str] = {}
    for i, (k, v) in enumerate(zip(frame[key_col], frame[val_col] if val_col else [None] * len(
            frame), strict=True)):
        row = raw.header_row + 1 + i
        if k is None or str(k).strip() == "":
            continue
        name = SETTING_KEYS.get(normalize_header(k))
        if name is None:
            col.add(label, row, str(key_col), k, "unknown setting",
                    did_you_mean(k, [f for f in fields if f != "extra"]))
            continue
        if v is None or str(v).strip() == "":
            continue
        text = str(v).strip()
        try:
            if name in ("fiscal_year_start", "churn_inactive_months", "conversion_window_days"):
                changes[name] = int(float(text))
            elif name in ("at_risk_interval_factor", "at_risk_drop"):
                changes[name] = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
            elif name == "stages":
                changes[name] = _stage_keys(_split(text))
            elif name == "activity_types":
                changes[name] = tuple(_activity_key(t, DEFAULT_ACTIVITY) or t
                                      for t in _split(text))
            elif name == "custom_holidays":
                parsed, bad = parse_dates(pd.Series(_split(text), dtype=object))
                if bad.any():
                    raise ValueError(f"not dates: {list(pd.Series(_split(text))[bad])}")
                changes[name] = tuple(d.date() for d in parsed)
            elif name == "opportunity_stage":
                changes[name] = _stage_keys([text])[0]
            elif name == "locale":
                changes[name] = "ja" if normalize_header(text) in ("ja", "日本語", "japanese") \
                    else "en" if normalize_header(text) in ("en", "english", "英語") else text
            else:
                changes[name] = text
        except ValueError as exc:
            col.add(label, row, str(val_col), v, f"invalid value for {name}: {exc}")
    stages = changes.get("stages", base.stages)
    if "opportunity_stage" not in changes and base.opportunity_stage not in stages:
        changes["opportunity_stage"] = stages[1] if len(stages) > 1 else stages[0]
    try:
        return dataclasses.replace(base, **changes, extra=extra)
    except ConfigError as exc:
        col.add(label, None, None, None, str(exc).removeprefix("Invalid settings: "))
        return base


DEFAULT_ACTIVITY = ("call", "visit", "meeting", "email", "proposal")


def _activity_key(text: object, types: tuple[str, ...]) -> str | None:
    norm = normalize_header(text)
    for t in types:
        if norm in {normalize_header(a) for a in (t, *ACTIVITY_ALIASES.get(t, ()))}:
            return t
    return None


# --------------------------------------------------------------------------- tables

def _closest_header(names: tuple[str, ...], unused: list[str]) -> str:
    """'did you mean …?' naming the unused header closest to any name of the column."""
    best, score = "", 0.0
    for h in unused:
        for n in names:
            if not n:
                continue
            r = difflib.SequenceMatcher(None, normalize_header(h), normalize_header(n)).ratio()
            if r > score:
                best, score = h, r
    return best if score >= 0.6 else ""


def _map_headers(raw: RawTable, spec: TableSpec, locale: str, col: _Collector,
                 label: str) -> dict[str, str] | None:
    """raw column → canonical name; records missing/duplicate columns. None if unusable."""
    lookup: dict[str, str] = {}
    for c in spec.columns:
        for n in c.all_names():
            lookup.setdefault(normalize_header(n), c.name)
    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}
    unused = []
    for rc in raw.frame.columns:
        canon = lookup.get(normalize_header(rc))
        if canon is None:
            unused.append(str(rc))
            continue
        if canon in seen:
            col.add(label, raw.header_row, str(rc), None,
                    f"two columns mean the same thing ('{seen[canon]}' and '{rc}')",
                    "keep one of them")
            continue
        seen[canon] = str(rc)
        mapping[str(rc)] = canon
    ok = True
    for c in spec.columns:
        if c.required and c.name not in seen:
            near = _closest_header(c.all_names(), unused)
            if near:
                hint = f"is '{near}' meant to be it? rename it to '{c.label(locale)}'"
            else:
                hint = "columns found: " + ", ".join(f"'{h}'" for h in raw.frame.columns)
            col.add(label, raw.header_row, c.label(locale), None, "missing required column",
                    hint)
            ok = False
    if unused and ok:
        col.warn(label, raw.header_row, ", ".join(unused), None,
                 "column(s) not used by kpi_xl", "")
    return mapping if ok else None


def _convert(raw: RawTable, spec: TableSpec, mapping: dict[str, str], col: _Collector,
             label: str) -> pd.DataFrame:
    frame = raw.frame.rename(columns=mapping)[list(mapping.values())]
    rownum = pd.Series(raw.header_row + 1 + pd.RangeIndex(len(frame)), index=frame.index)
    # blank rows
    blank = pd.concat([blank_mask(frame[c]) for c in frame.columns], axis=1).all(axis=1) \
        if len(frame.columns) else pd.Series(True, index=frame.index)
    if blank.any():
        last_data = blank[~blank].index.max() if (~blank).any() else -1
        inner = blank & (blank.index < last_data)
        if inner.any():
            col.exclusions.append(Exclusion(raw.name, "blank_row",
                                            tuple(int(r) for r in rownum[inner])))
        frame, rownum = frame[~blank], rownum[~blank]
    labels = {c.name: c.label("en") for c in spec.columns}
    inv = {v: k for k, v in mapping.items()}
    out = pd.DataFrame(index=frame.index)
    for c in spec.columns:
        if c.name not in frame.columns:
            continue
        s = frame[c.name]
        shown = inv.get(c.name, labels[c.name])
        if c.kind == "date":
            parsed, bad = parse_dates(s, month=(spec.name == "targets" and c.name == "period"))
            hint = "write dates like 2026-04-01, 2026/4/1 or 2026年4月1日"
        elif c.kind == "number":
            parsed, bad = parse_numbers(s)
            hint = "write a number such as 1200000 or ¥1,200,000"
        elif c.kind == "bool":
            parsed, bad = parse_bool(s)
            hint = "write TRUE/FALSE (or 在籍/退職, ○/×)"
        else:
            parsed, bad = parse_text(s), pd.Series(False, index=s.index)
            hint = ""
        for i in bad[bad].index:
            col.add(label, int(rownum[i]), shown, s[i], f"not a valid {c.kind}", hint)
        if c.required:
            missing = parsed.isna() & ~bad
            if (spec.name, c.name) == ("opportunities", "created_date"):
                out["_undated"] = missing  # allowed on open deals: checked with the status
                missing = missing & False
            for i in missing[missing].index:
                col.add(label, int(rownum[i]), shown, None, "missing value",
                        f"'{shown}' is required")
        out[c.name] = parsed
    out["_row"] = rownum
    return out.reset_index(drop=True)


def _check_keys(df: pd.DataFrame, key: str, label: str, shown: str, col: _Collector) -> None:
    vals = df[key]
    dup = vals.duplicated(keep="first") & vals.notna()
    if dup.any():
        first = df.loc[vals.notna()].drop_duplicates(key).set_index(key)["_row"]
        for i in dup[dup].index:
            col.add(label, int(df.at[i, "_row"]), shown, vals[i], "duplicate id",
                    f"first used in row {int(first[vals[i]])}")


def _check_refs(df: pd.DataFrame, column: str, known: set[str], label: str, shown: str,
                what: str, col: _Collector, hint_choices: list[str]) -> None:
    if column not in df.columns:
        return
    vals = df[column]
    unknown = vals.notna() & ~vals.isin(known)
    for i in unknown[unknown].index:
        col.add(label, int(df.at[i, "_row"]), shown, vals[i], f"unknown {what}",
                did_you_mean(vals[i], hint_choices))


def _map_values(df: pd.DataFrame, column: str, fn, label: str, shown: str, what: str,
                choices: list[str], col: _Collector) -> None:
    if column not in df.columns:
        return
    vals = df[column]
    uniq = {v: fn(v) for v in vals.dropna().unique()}
    mapped = vals.map(uniq)
    bad = vals.notna() & mapped.isna()
    for i in bad[bad].index:
        col.add(label, int(df.at[i, "_row"]), shown, vals[i], f"unknown {what}",
                did_you_mean(vals[i], choices))
    df[column] = mapped.astype("string")


def validate(raw: Mapping[str, RawTable | pd.DataFrame], settings: Settings | None = None,
             *, source: str = "(in memory)") -> Dataset:
    """Validate and type the input tables; raise :class:`ValidationError` listing every problem.

    ``settings`` overrides the Settings sheet entirely when given; otherwise the sheet's values
    are applied on top of the defaults.
    """
    raws = read_source(raw) if not all(isinstance(v, RawTable) for v in raw.values()) else dict(
        raw)
    col = _Collector()
    base = Settings()
    st = settings or _settings_from_table(raws.get("settings"), base, col,
                                          _label("settings", base))
    loc = st.locale
    tables: dict[str, pd.DataFrame] = {}
    shown: dict[tuple[str, str], str] = {}
    for name in TABLE_NAMES:
        r = raws.get(name)
        spec = table_spec(name, st.stages)
        if r is None or (r.frame.empty and not len(r.frame.columns)):
            continue
        label = _label(name, st)
        mapping = _map_headers(r, spec, loc, col, label)
        if mapping is None:
            continue
        for k, v in mapping.items():
            shown[(name, v)] = k
        tables[name] = _convert(r, spec, mapping, col, label)

    def sh(table: str, column: str) -> str:
        return shown.get((table, column), table_spec(table, st.stages).column(column).label(loc))

    # reps
    if "reps" in tables:
        reps = tables["reps"]
        _check_keys(reps, "rep", _label("reps", st), sh("reps", "rep"), col)
    else:
        named: set[str] = set()
        for n in ("activities", "opportunities", "customers"):
            if n in tables and "rep" in tables[n]:
                named |= set(tables[n]["rep"].dropna())
        reps = pd.DataFrame({"rep": sorted(named)})
        reps["_row"] = 0
        if named:
            col.warn(_label("reps", st), None, None, None,
                     "no Reps table: reps are taken from the data (no teams)", "")
        tables["reps"] = reps
    rep_set = set(reps["rep"].dropna())
    rep_list = sorted(rep_set)
    teams = set(reps["team"].dropna()) if "team" in reps else set()
    for n in ("activities", "opportunities", "customers", "targets"):
        if n in tables:
            _check_refs(tables[n], "rep", rep_set, _label(n, st), sh(n, "rep"), "rep", col,
                        rep_list)

    stage_choices = [stage_label(s, lc) for lc in (loc, "en") for s in (*st.stages, "lost")]
    if "opportunities" in tables:
        opp = tables["opportunities"]
        lbl = _label("opportunities", st)
        _check_keys(opp, "opportunity_id", lbl, sh("opportunities", "opportunity_id"), col)

        def status_key(v: object) -> str | None:
            k = st.stage_key(v)
            if k == st.won_stage:
                return "won"
            return k if k in ("lost", "open") else ("open" if k in st.stages else None)

        _map_values(opp, "status", status_key, lbl, sh("opportunities", "status"), "status",
                    [stage_label(s, lc) for lc in (loc, "en") for s in ("open", "won", "lost")],
                    col)

        def stage_key(v: object) -> str | None:
            k = st.stage_key(v)
            return None if k in (None, "open") else k

        _map_values(opp, "stage", stage_key, lbl, sh("opportunities", "stage"), "stage",
                    stage_choices, col)
        if "stage" in opp:
            opp.loc[opp["stage"] == "lost", "stage"] = pd.NA
        # a created date is required, except on open deals nobody dated (CRM exports): those
        # count in all-time and open-pipeline figures, in no dated period
        undated = opp.pop("_undated") & (opp["status"] != "open").fillna(True)
        for i in opp.index[undated]:
            col.add(lbl, int(opp.at[i, "_row"]), sh("opportunities", "created_date"), None,
                    "missing value", f"'{sh('opportunities', 'created_date')}' is required "
                    "(only open deals may be undated)")
        if "amount" in opp:
            neg = opp["amount"] < 0
            for i in neg[neg].index:
                col.add(lbl, int(opp.at[i, "_row"]), sh("opportunities", "amount"),
                        opp.at[i, "amount"], "negative amount", "amounts must be ≥ 0")
        if "close_date" in opp:
            before = opp["close_date"] < opp["created_date"]
            for i in before[before].index:
                col.add(lbl, int(opp.at[i, "_row"]), sh("opportunities", "close_date"),
                        opp.at[i, "close_date"].date(), "close date before created date",
                        f"created {opp.at[i, 'created_date'].date()}")
        closed = opp["status"].isin(["won", "lost"])
        no_close = closed & (opp["close_date"].isna() if "close_date" in opp else True)
        for i in opp.index[no_close]:
            col.add(lbl, int(opp.at[i, "_row"]), sh("opportunities", "close_date")
                    if "close_date" in opp else "Close date", None,
                    f"{opp.at[i, 'status']} deal without a close date",
                    "closed deals need the date they were won or lost")
    if "stage_history" in tables:
        sh_df = tables["stage_history"]
        lbl = _label("stage_history", st)
        _map_values(sh_df, "stage", lambda v: (k if (k := st.stage_key(v)) not in (None, "open")
                                               else None),
                    lbl, sh("stage_history", "stage"), "stage", stage_choices, col)
        if "opportunities" in tables:
            known = set(tables["opportunities"]["opportunity_id"].dropna())
            _check_refs(sh_df, "opportunity_id", known, lbl,
                        sh("stage_history", "opportunity_id"), "opportunity", col, sorted(known))
    if "activities" in tables:
        act = tables["activities"]
        lbl = _label("activities", st)
        _map_values(act, "type", lambda v: _activity_key(v, st.activity_types), lbl,
                    sh("activities", "type"), "activity type", list(st.activity_types), col)
    cust_known: set[str] = set()
    if "customers" in tables:
        cu = tables["customers"]
        _check_keys(cu, "customer", _label("customers", st), sh("customers", "customer"), col)
        cust_known = set(cu["customer"].dropna())
    if "orders" in tables:
        od = tables["orders"]
        lbl = _label("orders", st)
        neg = od["amount"] < 0
        for i in neg[neg].index:
            col.add(lbl, int(od.at[i, "_row"]), sh("orders", "amount"), od.at[i, "amount"],
                    "negative amount", "returns and cancellations: leave them out or net them "
                    "into the original order")
        if cust_known:
            _check_refs(od, "customer", cust_known, lbl, sh("orders", "customer"), "customer",
                        col, sorted(cust_known))
    if "targets" in tables:
        tg = tables["targets"]
        lbl = _label("targets", st)
        names = metric_names(st)
        _map_values(tg, "metric", lambda v: canonical_metric(v, st), lbl,
                    sh("targets", "metric"), "metric",
                    [metric_def(n, st).label(loc) for n in names] + names, col)
        has_rep = tg["rep"].notna() if "rep" in tg else pd.Series(False, index=tg.index)
        has_team = tg["team"].notna() if "team" in tg else pd.Series(False, index=tg.index)
        for i in tg.index[~has_rep & ~has_team]:
            col.add(lbl, int(tg.at[i, "_row"]), sh("targets", "rep") if "rep" in tg else "Rep",
                    None, "a target needs a rep or a team", "fill one of Rep / Team")
        if "team" in tg:
            _check_refs(tg, "team", teams, lbl, sh("targets", "team"), "team", col,
                        sorted(teams))
        neg = tg["target"] < 0
        for i in neg[neg].index:
            col.add(lbl, int(tg.at[i, "_row"]), sh("targets", "target"), tg.at[i, "target"],
                    "negative target", "targets must be ≥ 0")
        keys = [c for c in ("rep", "team", "period", "metric") if c in tg]
        dup = tg.duplicated(subset=keys, keep="first") & tg["metric"].notna()
        for i in tg.index[dup]:
            col.add(lbl, int(tg.at[i, "_row"]), sh("targets", "target"), tg.at[i, "target"],
                    "duplicate target (same rep/team, month and metric)", "keep one row")

    if col.problems:
        order = {_label(n, st): i for i, n in enumerate(("settings", *TABLE_NAMES))}
        raise ValidationError(sorted(col.problems,
                                     key=lambda p: (order.get(p.table, 99), p.row or 0)))
    frames = {n: conform(n, tables[n].drop(columns="_row") if n in tables else None, st)
              for n in TABLE_NAMES}
    return Dataset(settings=st, source=source, exclusions=col.exclusions,
                   warnings=col.warnings, **frames)


def _label(name: str, st: Settings) -> str:
    return table_spec(name, st.stages).label(st.locale)


def load(source: object, *, settings: Settings | None = None) -> Dataset:
    """Read and validate ``source`` (workbook path, CSV folder or dict of DataFrames)."""
    raws = read_source(source)
    label = os.path.basename(os.path.normpath(os.fspath(source))) if isinstance(
        source, (str, os.PathLike)) else "(in memory)"
    return validate(raws, settings, source=label)
