"""What every metric shares: argument checks, the grouping policy, the definition resolver,
the revenue basis and the one "actual to date in the period" helper.

Grouping policy (one for every metric)
    ``by`` is None | ``'rep'`` | ``'team'`` | ``'segment'`` | ``'product'`` | ``'channel'``.
    None puts every row in the group :data:`ALL` (``'(all)'``); a row without a value for the
    dimension is in :data:`NONE` (``'(none)'``). ``team`` is the team of the row's rep (a rep
    without a team is its own team). ``segment`` is the row's own segment, else its
    customer's. Customers (churn, movements, at-risk) are grouped by the customer's rep
    (``customers.rep``, else the rep of its first won deal), that rep's team, or the customer's
    segment (else its first won deal's); customers cannot be split by product or channel.

Definitions
    Where the industry disagrees, the choice is a named setting; :func:`definition` resolves an
    explicit choice or the setting and rejects anything else, for every metric alike.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..calendar import Period, check_day
from ..dataset import Dataset
from ..errors import ConfigError
from ..settings import (
    CHURN_DEFINITIONS,
    CONVERSION_BASES,
    NRR_BASELINES,
    REVENUE_BASES,
    WIN_RATE_DEFINITIONS,
    Settings,
)
from .codes import sorted_codes

__all__ = [
    "ALL",
    "CUSTOMER_DIMENSIONS",
    "DIMENSIONS",
    "NONE",
    "as_day",
    "check_by",
    "check_dataset",
    "check_period",
    "clean_labels",
    "customer_labels",
    "deal_customers",
    "definition",
    "group_codes",
    "group_labels",
    "period_bounds",
    "revenue_basis",
]

ALL = "(all)"
NONE = "(none)"
DIMENSIONS: tuple[str, ...] = ("rep", "team", "segment", "product", "channel")
CUSTOMER_DIMENSIONS: tuple[str, ...] = ("rep", "team", "segment")

_CHOICES = {
    "win_rate": ("win_rate_definition", WIN_RATE_DEFINITIONS),
    "conversion": ("conversion_basis", CONVERSION_BASES),
    "churn": ("churn_definition", CHURN_DEFINITIONS),
    "nrr": ("nrr_baseline", NRR_BASELINES),
    "revenue": ("revenue_basis", REVENUE_BASES),
}


# --------------------------------------------------------------------------- arguments


def check_dataset(ds: object, name: str = "ds") -> Dataset:
    if not isinstance(ds, Dataset):
        raise ConfigError(f"{name} must be a kpi_xl Dataset (kpi_xl.load(...)), "
                          f"not {type(ds).__name__}")
    return ds


def check_by(by: object, allowed: Iterable[str | None] = (None, *DIMENSIONS),
             name: str = "by") -> str | None:
    """``by`` if it is one of ``allowed``, else ConfigError naming the argument."""
    allowed = tuple(allowed)
    if not (by is None or isinstance(by, str)) or by not in allowed:
        shown = ", ".join("None" if a is None else repr(a) for a in allowed)
        raise ConfigError(f"{name} must be one of {shown}, not {by!r}")
    return by


def check_period(period: object, name: str = "period") -> Period:
    if not isinstance(period, Period):
        raise ConfigError(f"{name} must be a kpi_xl Period (kpi_xl.parse_period('2026-04')), "
                          f"not {period!r}"[:200])
    return period


def as_day(value: Any, name: str = "date") -> dt.date:
    """A date-like value (date, datetime, Timestamp, ISO text) as a date in 1900 … 2200,
    else ConfigError naming ``name``."""
    if isinstance(value, Period):
        return value.start
    if isinstance(value, str):
        try:
            value = pd.Timestamp(value)
        except (ValueError, OverflowError) as exc:
            raise ConfigError(f"{name}: not a date: {value!r}") from exc
    return check_day(value, name)


def definition(settings: Settings, kind: str, choice: str | None = None) -> str:
    """The definition used for ``kind`` (win_rate | conversion | churn | nrr | revenue):
    ``choice`` when given, else the setting; ConfigError for a name that is not one."""
    field, allowed = _CHOICES[kind]
    d = getattr(settings, field) if choice is None else choice
    if not isinstance(d, str) or d not in allowed:
        raise ConfigError(f"{kind} definition must be one of {sorted(allowed)}, not {d!r}")
    return d


def period_bounds(period: Period | None, as_of: dt.date | None = None
                  ) -> tuple[dt.date | None, dt.date | None]:
    """(start, end) to pass to the range-based metrics: None ends for a period of kind
    ``all`` (so undated entries count), the end capped at ``as_of`` when given."""
    if period is None:
        return None, as_of
    if period.is_all:
        return None, as_of
    end = period.end if as_of is None else min(period.end, as_of)
    return period.start, end


# --------------------------------------------------------------------------- grouping


def clean_labels(values: pd.Series | np.ndarray) -> pd.Series:
    """Text labels with missing and blank values as :data:`NONE` (object dtype)."""
    s = pd.Series(values, dtype=object) if not isinstance(values, pd.Series) else values
    # each distinct value is cleaned once; the rows take their label by code (−1: missing)
    codes, uniques = pd.factorize(s)
    lut = np.array([_clean_label(u) for u in np.asarray(uniques, dtype=object)] + [NONE],
                   dtype=object)
    return pd.Series(lut.take(codes), index=s.index, name=s.name, dtype=object)


def _clean_label(value: object) -> str:
    if pd.isna(value):
        return NONE
    return str(value).strip() or NONE


def _customer_attr(ds: Dataset, column: str) -> pd.Series:
    """customer → its ``column`` from the customers table (first row per customer)."""
    c = ds.customers
    c = c[c["customer"].notna()].drop_duplicates("customer")
    return pd.Series(c[column].astype(object).to_numpy(), index=c["customer"].astype(object))


def group_labels(ds: Dataset, frame: pd.DataFrame, by: str | None) -> pd.Series:
    """The group of each row of ``frame`` (columns rep, customer, segment, product, channel as
    present) under the grouping policy of the module docstring."""
    by = check_by(by)
    if by is None:
        return pd.Series(ALL, index=frame.index, dtype=object)
    if by == "team":
        rt = ds.rep_team()
        rt = rt[~rt.index.duplicated()]
        rep = frame["rep"].astype(object)
        team = rep.map(rt)
        return clean_labels(team.where(team.notna(), rep))
    if by == "segment":
        seg = frame["segment"].astype(object) if "segment" in frame else pd.Series(
            None, index=frame.index, dtype=object)
        if "customer" in frame:
            fallback = frame["customer"].astype(object).map(_customer_attr(ds, "segment"))
            seg = seg.where(seg.notna(), fallback)
        return clean_labels(seg)
    if by not in frame:
        raise ConfigError(f"these figures cannot be split by {by}")
    return clean_labels(frame[by])


def group_codes(ds: Dataset, frame: pd.DataFrame, by: str | None
                ) -> tuple[np.ndarray, np.ndarray]:
    """(codes, labels): the groups of :func:`group_labels` as codes into their sorted distinct
    labels (the order ``groupby`` gives). The key column is factorized once and the policy
    (team of the rep, label cleaning) applied per distinct key, not per row."""
    by = check_by(by)
    if by is None:
        return np.zeros(len(frame), dtype=np.intp), np.array([ALL], dtype=object)
    if by == "segment":
        return sorted_codes(group_labels(ds, frame, by))
    if by != "team" and by not in frame:
        raise ConfigError(f"these figures cannot be split by {by}")
    codes, uniques = pd.factorize(frame["rep" if by == "team" else by])
    keys = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    if by == "team":
        rt = ds.rep_team()
        rt = rt[~rt.index.duplicated()]
        team = keys.map(rt)
        keys = team.where(team.notna(), keys)
    labels = clean_labels(keys).to_numpy(dtype=object)
    if (codes < 0).any():  # rows without a key are in NONE
        labels = np.append(labels, NONE).astype(object)
        codes = np.where(codes < 0, len(labels) - 1, codes)
    at, distinct = sorted_codes(labels)
    return at.take(codes) if len(at) else np.asarray(codes, dtype=np.intp), distinct


def customer_labels(ds: Dataset, customers: Iterable[Any], by: str | None,
                    first_won: pd.DataFrame | None = None) -> pd.Series:
    """customer → group (index: the sorted customers) under the customer policy of the
    module docstring. ``first_won`` (customer → rep, segment of its first won deal) saves
    recomputing it."""
    by = check_by(by, (None, *CUSTOMER_DIMENSIONS))
    index = pd.Index(sorted(set(customers), key=str), dtype=object, name="customer")
    if by is None:
        return pd.Series(ALL, index=index, dtype=object)
    if first_won is None:
        first_won = pd.DataFrame(columns=["rep", "segment"])
    column = "segment" if by == "segment" else "rep"
    own = _customer_attr(ds, column).reindex(index)
    fallback = first_won[column].astype(object).reindex(index) if len(first_won) else None
    value = own.where(own.notna(), fallback) if fallback is not None else own
    if by == "team":
        rt = ds.rep_team()
        rt = rt[~rt.index.duplicated()]
        team = value.map(rt)
        value = team.where(team.notna(), value)
    return clean_labels(value).set_axis(index)


# --------------------------------------------------------------------------- revenue basis


def revenue_basis(ds: Dataset) -> tuple[str, str]:
    """(basis used, reason key) for revenue: the setting when it names one; with ``auto``,
    ``won_deals`` when won opportunities carry amounts, else ``orders`` (when the book has
    orders). Reason keys: ``setting``, ``deals_have_amounts``, ``deals_lack_amounts``."""
    chosen = definition(ds.settings, "revenue")
    if chosen != "auto":
        return chosen, "setting"

    def decide(d: Dataset) -> tuple[str, str]:
        opp = d.opportunities
        won = opp[opp["status"] == "won"]
        if len(won) and (won["amount"].fillna(0) > 0).any():
            return "won_deals", "deals_have_amounts"
        if len(d.orders):
            return "orders", "deals_lack_amounts"
        return "won_deals", "no_orders"

    return ds.derived("revenue_basis", decide)


# --------------------------------------------------------------------------- customer keys


def _fold(text: object) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def deal_customers(ds: Dataset) -> pd.Series:
    """The customer of each opportunity as a customer ID (aligned with ``ds.opportunities``):
    a deal may name its customer by ID or by the company name of the customers table
    (compared after NFKC, spaces and case folding); names that match no customer, or more
    than one, are kept as written."""

    def build(d: Dataset) -> pd.Series:
        names = d.opportunities["customer"].astype(object)
        c = d.customers
        c = c[c["customer"].notna()]
        ids = set(c["customer"].astype(object))
        by_name = pd.Series(c["customer"].astype(object).to_numpy(),
                            index=[_fold(n) for n in c["name"].astype(object)])
        by_name = by_name[c["name"].notna().to_numpy() & ~by_name.index.duplicated(keep=False)]
        lut = {}
        for v in pd.unique(names.dropna()):
            lut[v] = v if v in ids else by_name.get(_fold(v), v)
        return names.map(lut).where(names.notna(), None)

    return ds.derived("deal_customers", build)
