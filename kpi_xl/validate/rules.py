"""Checks across columns and rows: duplicate rows, negative amounts, dates out of order, closed
deals without a close date, targets without an owner or given twice.

**Duplicate rows.** A row identical in every column to an earlier row of the same table —
after its values are read (dates as dates, amounts as numbers, text stripped) — is a second
copy of the same fact (a block pasted twice) in 担当者, 顧客, 商談, ステージ履歴, 目標, 外部要因,
and in 受注実績 when it carries an 注文番号. It is excluded and counted
(``Exclusion(reason="duplicate_row")``, rows named). Identical rows are kept in 活動 (two calls
to one customer on one day are two calls) and in 受注実績 rows without an 注文番号 (two equal
order lines are possible): they are data.

**One cause, one problem.** A check is skipped for a cell whose value could not be read (the
unreadable cell is already a problem): an unreadable close date is not also "a won deal
without a close date".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .codes import objects
from .collect import Collector, Table

__all__ = ["check_rules", "drop_duplicate_rows"]

_KEEP_IDENTICAL = ("activities",)


def drop_duplicate_rows(table: Table, col: Collector) -> None:
    """Exclude rows identical to an earlier row (see the module docstring)."""
    f = table.frame
    if table.name in _KEEP_IDENTICAL or f.empty or not len(f.columns):
        return
    dup = np.array(f.duplicated(keep="first"), dtype=bool)
    if table.name == "orders":
        dup &= f["order_id"].notna().to_numpy() if "order_id" in f else False
    for mask in table.bad.values():
        dup = dup & ~mask  # an unreadable cell is a problem; its row is not a duplicate
    if dup.any():
        col.exclude(table.name, "duplicate_row", table.rows[dup])
        table.keep(~dup)


def _negative(table: Table, column: str, hint: str, message: str, col: Collector) -> None:
    if column not in table.frame:
        return
    neg = (table.frame[column] < 0).fillna(False).to_numpy(dtype=bool)
    header = table.header(column, col.locale)
    for j in np.flatnonzero(neg):
        col.add(table.label, int(table.rows[j]), header, table.value(column, j),
                col.t(message), col.t(hint))


def _opportunities(opp: Table, col: Collector) -> None:
    f = opp.frame
    _negative(opp, "amount", "hint.negative_amount", "msg.negative_amount", col)
    if "close_date" in f and "created_date" in f:
        before = (f["close_date"] < f["created_date"]).fillna(False).to_numpy(dtype=bool)
        header = opp.header("close_date", col.locale)
        for j in np.flatnonzero(before):
            col.add(opp.label, int(opp.rows[j]), header, opp.value("close_date", j),
                    col.t("msg.close_before_created"),
                    col.t("hint.close_before_created",
                          created=f["created_date"].iloc[j].date().isoformat()))
    if "status" not in f:
        return
    status = objects(f["status"])
    closed = np.isin(status, ["won", "lost"])
    if "created_date" in f:
        # a created date is required except on open deals nobody dated (CRM exports leave
        # early-stage deals undated): those count in all-time and open-pipeline figures, in
        # no dated period. A deal whose status is missing or unreadable has its problem there.
        undated = closed & f["created_date"].isna().to_numpy() & ~opp.is_bad("created_date")
        header = opp.header("created_date", col.locale)
        for j in np.flatnonzero(undated):
            col.add(opp.label, int(opp.rows[j]), header, None, col.t("msg.required"),
                    col.t("hint.required_undated_open", column=header))
    if "close_date" in f:
        no_close = closed & f["close_date"].isna().to_numpy() & ~opp.is_bad("close_date")
        header = opp.header("close_date", col.locale)
    else:
        no_close = closed
        header = opp.header("close_date", col.locale)
    for j in np.flatnonzero(no_close):
        col.add(opp.label, int(opp.rows[j]), header, None,
                col.t(f"msg.closed_without_date.{status[j]}"),
                col.t("hint.closed_without_date"))


def _targets(tg: Table, col: Collector) -> None:
    f = tg.frame
    n = len(f)
    has_rep = f["rep"].notna().to_numpy() if "rep" in f else np.zeros(n, dtype=bool)
    has_team = f["team"].notna().to_numpy() if "team" in f else np.zeros(n, dtype=bool)
    rep_h, team_h = tg.header("rep", col.locale), tg.header("team", col.locale)
    for j in np.flatnonzero(~has_rep & ~has_team):
        col.add(tg.label, int(tg.rows[j]), rep_h, None, col.t("msg.target.no_owner"),
                col.t("hint.target.no_owner", rep=rep_h, team=team_h))
    _negative(tg, "target", "hint.negative_target", "msg.negative_target", col)
    keys = [c for c in ("rep", "team", "period", "metric") if c in f]
    usable = f["metric"].notna().to_numpy() & ~tg.is_bad("period") & (has_rep | has_team)
    sub = f[usable]
    if sub.empty:
        return
    ks = pd.util.hash_pandas_object(sub[keys], index=False).to_numpy()
    rows = tg.rows[usable]
    first: dict[int, int] = {}
    header = tg.header("target", col.locale)
    for k, r, j in zip(ks, rows, np.flatnonzero(usable), strict=True):
        if k in first:
            col.add(tg.label, int(r), header, tg.value("target", j),
                    col.t("msg.target.duplicate"),
                    col.t("hint.target.duplicate", row=first[k]))
        else:
            first[k] = int(r)


def check_rules(tables: dict[str, Table], col: Collector) -> None:
    """Every check across columns (see the module docstring)."""
    if "opportunities" in tables:
        _opportunities(tables["opportunities"], col)
    if "orders" in tables:
        _negative(tables["orders"], "amount", "hint.negative_order", "msg.negative_amount", col)
    if "targets" in tables:
        _targets(tables["targets"], col)
