"""Names that match the way people type them, resolved to the master table's spelling.

Reps, teams, customers, opportunity ids, products, segments and channels are matched by
:func:`kpi_xl.parse.name_key` (NFKC, case, every space removed), after the user's aliases:

- **reps** resolve to the 担当者 table's spelling; a rep it does not list is a problem with a
  did-you-mean hint. Without a 担当者 table the reps are taken from the data (first spelling
  seen, in table order), with a warning;
- **teams** (目標) resolve to the spelling in the 担当者 table's チーム column;
- **customers** in 商談 / 活動 / 受注実績 may be written as the 顧客ID or as the company name,
  with or without a corporate affix (株式会社, (株), ㈱ …, see :func:`kpi_xl.parse.company_key`);
  both resolve to the customer's ID, so one company named two ways is one customer. A value that
  does not resolve is a problem with a did-you-mean hint, never a new customer; a name shared
  by two customers is a problem asking for the ID. Without a 顧客 table, values are unified by
  company key (first spelling seen);
- **opportunity ids** in ステージ履歴 must be in 商談; ids in 活動 take 商談's spelling when
  they match and stay as written otherwise;
- **products, segments, channels** have no master table: every spelling of one key shows as
  the first one seen (商談, then 顧客 / 受注実績).

In a master table (担当者, 顧客, 商談) the same value twice is a duplicate (one problem per
repeat, naming the first row), and two spellings of one key — ``山田 太郎`` and ``山田　太郎``
— are one problem listing the spellings and their rows: never a silent merge.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..parse import company_key, name_key, name_keys, per_distinct, visible
from ..parse.cells import distinct
from .aliases import Aliases
from .codes import Known, map_codes, objects, to_codes
from .collect import Collector, Table
from .hints import suggest, variants_text

__all__ = ["resolve_names"]


def _values(table: Table, column: str) -> np.ndarray:
    """The column's values as an object array (str or None)."""
    return objects(table.frame[column])


def _set(table: Table, column: str, values: np.ndarray) -> None:
    """Store an object array of str/None as a categorical column."""
    table.frame[column] = to_codes(np.asarray(values, dtype=object), index=table.frame.index)


def _master(table: Table, column: str, col: Collector, dup_msg: str,
            key: Callable[[object], str] = name_key) -> tuple[dict[str, str], Known]:
    """key → the master's spelling, and each spelling the master holds → the spelling its key
    resolves to (what a lookup of it by key gives, without computing the key again);
    duplicates and spellings of one key are problems. Column operations on factorized codes
    (a 商談 table holds 200,000 ids)."""
    arr = _values(table, column)
    (keys,) = ((name_keys(table.frame[column]),) if key is name_key  # batch form, same keys
               else per_distinct(arr, lambda v: (key(v),), 1))
    have = np.flatnonzero(pd.notna(keys))
    values, rows = arr[have], table.rows[have]
    key_codes, key_uniques = pd.factorize(keys[have])
    value_codes, _ = pd.factorize(values)
    _, first_of_key = np.unique(key_codes, return_index=True)
    spelling, first_of_value = np.unique(value_codes, return_index=True)
    shown = table.header(column, col.locale)
    repeat = np.ones(len(values), dtype=bool)
    repeat[first_of_value] = False
    first_row = np.empty(len(spelling), dtype=np.int64)
    first_row[spelling] = rows[first_of_value]
    for j in np.flatnonzero(repeat):
        col.add(table.label, int(rows[j]), shown, values[j], col.t(dup_msg),
                col.t("hint.duplicate", row=int(first_row[value_codes[j]])))
    spelling_keys = key_codes[first_of_value]  # the key of each distinct spelling
    counts = np.bincount(spelling_keys, minlength=len(key_uniques))
    for k in np.flatnonzero(counts > 1):
        firsts = np.sort(first_of_value[spelling_keys == k])
        items = [(str(values[j]), int(rows[j])) for j in firsts]
        col.add(table.label, items[1][1], shown, items[1][0], col.t("msg.name_variants"),
                col.t("hint.name_variants", variants=variants_text(items, col.locale)))
    canonical = values[first_of_key]
    mapping = dict(zip(key_uniques, canonical, strict=True))
    out = np.full(len(arr), None, dtype=object)
    out[have] = canonical[key_codes]
    _set(table, column, out)
    spellings = dict(zip(values[first_of_value], canonical[spelling_keys], strict=True))
    return mapping, Known(spellings)


def _resolve(table: Table, column: str, aliases: Aliases, alias_column: str,
             lookup: Callable[[str], tuple[str | None, object]], col: Collector,
             known: Known | None = None) -> None:
    """Replace ``column`` by what ``lookup`` returns per distinct value: (value, None) or
    (None, (message, hint)) for a problem. An unresolved value stays as typed, so later checks
    see the cell filled (one cause, one problem: an unknown rep on a target is not also "a
    target without a rep"). Values in ``known`` (the master's own spellings, for which
    ``lookup`` gives the known value) are resolved in one vectorised step."""
    if column not in table.frame:
        return
    vals = aliases.apply(table.frame[column], alias_column)

    def one(v: str) -> tuple[object, object]:
        hit, problem = lookup(v)
        return (v if problem is not None else hit), problem

    out, rows, problems = map_codes(vals, one, known)
    if len(rows):
        typed = table.frame[column]
        shown = table.header(column, col.locale)
        for j, (message, hint) in zip(rows, problems, strict=True):
            col.add(table.label, int(table.rows[j]), shown, typed.iloc[j], message, hint)
    table.frame[column] = out


def _unify(tables: list[tuple[Table, str]], key: Callable[[object], str]) -> None:
    """Every spelling of one key → the first spelling seen (tables in the given order)."""
    first: dict[str, str] = {}
    for table, column in tables:
        codes, uniques = distinct(table.frame[column])
        used = codes[codes >= 0]
        order = np.sort(np.unique(used, return_index=True)[1])  # in row order
        for c in used[order]:
            first.setdefault(key(uniques[c]), uniques[c])
    for table, column in tables:
        out, _, _ = map_codes(table.frame[column], lambda v: (first[key(v)], None))
        table.frame[column] = out


def _present(tables: dict[str, Table], names: tuple[str, ...], column: str
             ) -> list[tuple[Table, str]]:
    return [(tables[n], column) for n in names if n in tables and column in tables[n].frame]


def _reps(tables: dict[str, Table], aliases: Aliases, col: Collector) -> None:
    refs = _present(tables, ("activities", "opportunities", "customers", "targets"), "rep")
    reps = tables.get("reps")
    if reps is None:
        for t, c in refs:
            t.frame[c] = aliases.apply(t.frame[c], "rep")
        _unify(refs, name_key)
        return
    mapping, spelled = _master(reps, "rep", col, "msg.duplicate_name")
    known = list(mapping.values())

    def lookup(v: str) -> tuple[object, object]:
        hit = mapping.get(name_key(v))
        if hit is not None:
            return hit, None
        return None, (col.t("msg.unknown.rep"),
                      suggest(v, known, col.locale, fallback=col.t("hint.add_rep")))

    for t, c in refs:
        _resolve(t, c, aliases, "rep", lookup, col, spelled)


def _teams(tables: dict[str, Table], aliases: Aliases, col: Collector) -> None:
    reps = tables.get("reps")
    teams: dict[str, str] = {}
    if reps is not None and "team" in reps.frame:
        reps.frame["team"] = aliases.apply(reps.frame["team"], "team")
        arr = _values(reps, "team")
        seen: dict[str, list[tuple[str, int]]] = {}
        for v, r in zip(arr, reps.rows, strict=True):
            if v is not None:
                spellings = seen.setdefault(name_key(v), [])
                if v not in (s for s, _ in spellings):
                    spellings.append((v, int(r)))
        for items in seen.values():
            if len(items) > 1:
                col.add(reps.label, items[1][1], reps.header("team", col.locale), items[1][0],
                        col.t("msg.name_variants"),
                        col.t("hint.name_variants", variants=variants_text(items, col.locale)))
        teams = {k: v[0][0] for k, v in seen.items()}
        reps.frame["team"], _, _ = map_codes(reps.frame["team"],
                                             lambda v: (teams[name_key(v)], None))
    known = list(teams.values())

    def lookup(v: str) -> tuple[object, object]:
        hit = teams.get(name_key(v))
        if hit is not None:
            return hit, None
        return None, (col.t("msg.unknown.team"), suggest(v, known, col.locale))

    for t, c in _present(tables, ("targets",), "team"):
        _resolve(t, c, aliases, "team", lookup, col)


def _customers(tables: dict[str, Table], aliases: Aliases, col: Collector) -> None:
    refs = _present(tables, ("opportunities", "activities", "orders"), "customer")
    cu = tables.get("customers")
    if cu is None:
        for t, c in refs:
            t.frame[c] = aliases.apply(t.frame[c], "customer")
        _unify(refs, company_key)
        return
    ids, spelled = _master(cu, "customer", col, "msg.duplicate_id")
    by_name: dict[str, set[str]] = {}
    by_company: dict[str, set[str]] = {}
    shown: dict[str, str] = {}
    if "name" in cu.frame:
        for i, n in zip(_values(cu, "customer"), _values(cu, "name"), strict=True):
            if i is not None and n is not None:
                by_name.setdefault(name_key(n), set()).add(i)
                by_company.setdefault(company_key(n), set()).add(i)
                shown.setdefault(i, n)
    choices = list(shown.values()) + list(ids.values())

    def lookup(v: str) -> tuple[object, object]:
        hit = ids.get(name_key(v))
        if hit is not None:
            return hit, None
        for found in (by_name.get(name_key(v)), by_company.get(company_key(v))):
            if found and len(found) == 1:
                return next(iter(found)), None
            if found:
                listed = col.t("list.sep").join(
                    f"{i} {visible(shown.get(i, ''), col.locale)}".strip() for i in sorted(found))
                return None, (col.t("msg.ambiguous.customer", choices=listed),
                              col.t("hint.ambiguous.customer"))
        add = col.t("hint.add_customer")
        near = suggest(v, choices, col.locale, key=company_key)
        return None, (col.t("msg.unknown.customer"),
                      col.t("hint.pair", first=near, second=add) if near else add)

    for t, c in refs:
        _resolve(t, c, aliases, "customer", lookup, col, spelled)


def _opportunities(tables: dict[str, Table], col: Collector) -> None:
    opp = tables.get("opportunities")
    if opp is None:
        return
    ids, spelled = _master(opp, "opportunity_id", col, "msg.duplicate_id")
    known = list(ids.values())
    no_aliases = Aliases()

    def strict(v: str) -> tuple[object, object]:
        hit = ids.get(name_key(v))
        if hit is not None:
            return hit, None
        return None, (col.t("msg.unknown.opportunity"), suggest(v, known, col.locale))

    for t, c in _present(tables, ("stage_history",), "opportunity_id"):
        _resolve(t, c, no_aliases, "opportunity", strict, col, spelled)
    for t, c in _present(tables, ("activities",), "opportunity_id"):
        _resolve(t, c, no_aliases, "opportunity", lambda v: (ids.get(name_key(v), v), None),
                 col, spelled)


def resolve_names(tables: dict[str, Table], aliases: Aliases, col: Collector) -> None:
    """Resolve every name column in place (see the module docstring)."""
    _reps(tables, aliases, col)
    _teams(tables, aliases, col)
    _customers(tables, aliases, col)
    _opportunities(tables, col)
    for column, names in (("segment", ("opportunities", "customers")),
                          ("product", ("opportunities", "orders")),
                          ("channel", ("opportunities",))):
        refs = _present(tables, names, column)
        for t, c in refs:
            t.frame[c] = aliases.apply(t.frame[c], column)
        _unify(refs, name_key)
