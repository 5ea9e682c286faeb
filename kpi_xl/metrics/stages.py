"""The stage model of the pipeline: statuses, the stage each opportunity reached and when, and
the date helpers every pipeline metric shares. Pure numpy/pandas, no I/O.

Stage model: the stages of ``settings.stages`` are passed in order (default approach →
hearing → proposal → closing → won); ``'lost'`` is an exit, not a stage. Reaching stage *k*
means every earlier stage was passed (monotone rule). The won stage (the last one) is reached at
``close_date`` when ``status == 'won'``.

Periods: ``start``/``end`` are inclusive dates (``datetime.date``, ``Timestamp`` or ISO string),
``None`` meaning unbounded; ``start`` may also be a :class:`kpi_xl.calendar.Period` (then ``end``
defaults to the period's end, and a period of kind ``all`` is unbounded). A fully unbounded
period contains everything, even entries whose date is unknown (open deals nobody dated); a
bounded one never contains an unknown (NaT) date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..calendar import Period
from ..dataset import Dataset
from ..errors import ConfigError
from ..schema import stage_date_column
from ..settings import Settings
from .common import ALL, as_day, check_by, check_dataset, group_labels

__all__ = [
    "BIG",
    "DAY_NS",
    "NAT",
    "DateLike",
    "StageMatrix",
    "bounds",
    "in_range",
    "opportunity_groups",
    "safe_div",
    "stage_events",
    "stage_index",
    "stage_matrix",
    "status_codes",
    "sum_by",
    "to_dates",
    "to_ns",
]

NAT = np.iinfo(np.int64).min  # int64 view of NaT
BIG = np.iinfo(np.int64).max  # "no date" while taking minima
DAY_NS = 86_400 * 10**9  # one day in ns

DateLike = dt.date | str | pd.Timestamp | Period | None

_DEFAULT = Settings()


# --------------------------------------------------------------------------- dates


def to_ns(values: object) -> np.ndarray:
    """Dates as an int64 ns array normalised to midnight (NaT → :data:`NAT`)."""
    s = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    if not pd.api.types.is_datetime64_dtype(s.dtype):
        s = pd.to_datetime(s, errors="coerce")
    s = s.dt.normalize().astype("datetime64[ns]")
    return s.to_numpy(dtype="datetime64[ns]").view("i8").copy()


def to_dates(ns: np.ndarray) -> np.ndarray:
    return ns.astype("i8").view("datetime64[ns]")


def bounds(start: DateLike, end: DateLike) -> tuple[int | None, int | None]:
    """Inclusive ``start``/``end`` → (lo, hi_exclusive) in ns, None when unbounded."""
    if isinstance(start, Period):
        if start.is_all:
            return None, None if end is None else bounds(None, end)[1]
        end = start if end is None else end
        start = start.start
    if isinstance(end, Period):
        end = end.end
    lo = None if start is None else pd.Timestamp(as_day(start, "start")).value
    hi = None if end is None else (pd.Timestamp(as_day(end, "end"))
                                   + pd.Timedelta(days=1)).value
    return lo, hi


def in_range(ns: np.ndarray, present: np.ndarray, lo: int | None, hi: int | None) -> np.ndarray:
    """``present`` and the date in ``[lo, hi)``; an unbounded period keeps undated entries."""
    m = np.asarray(present, dtype=bool).copy()
    if lo is None and hi is None:
        return m
    m &= ns != NAT
    if lo is not None:
        m &= ns >= lo
    if hi is not None:
        m &= ns < hi
    return m


def safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


# --------------------------------------------------------------------------- groups


def opportunity_groups(ds: Dataset, by: str | None) -> tuple[np.ndarray, str, list[str]]:
    """(label per opportunity row, group column name, sorted group labels) under the one
    grouping policy (:func:`kpi_xl.metrics.common.group_labels`)."""
    check_dataset(ds)
    by = check_by(by)
    labels = ds.derived(("opportunity_groups", by), lambda d: group_labels(
        d, d.opportunities, by).to_numpy(dtype=object))
    groups = [ALL] if by is None else sorted(pd.unique(labels).tolist())
    return labels, by or "group", groups


def sum_by(labels: np.ndarray, groups: list[str], values: np.ndarray) -> pd.DataFrame:
    """Column sums of a (N,) or (N, K) array per group, every group present (0 when none)."""
    arr = np.asarray(values)
    df = pd.DataFrame(arr[:, None] if arr.ndim == 1 else arr)
    return df.groupby(labels).sum().reindex(groups, fill_value=0)


# --------------------------------------------------------------------------- statuses


def _status_code(value: object, settings: Settings) -> str:
    text = str(value).strip()
    if not text:
        return ""
    key = settings.stage_key(text)
    if key is None:
        key = _DEFAULT.stage_key(text)
    if key is None:
        return "?"
    if key in ("lost", "open"):
        return key
    if key in (settings.won_stage, "won"):
        return "won"
    return "open"  # any other stage name: still in progress


def status_codes(values: object, settings: Settings | None = None) -> np.ndarray:
    """Statuses → array of 'won' | 'lost' | 'open' | '' (blank) | '?' (not recognised).

    Accepts any case and the en/ja aliases (受注, 失注, closed won...); a stage name other than
    the won stage counts as open."""
    settings = settings or _DEFAULT
    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if isinstance(s.dtype, pd.CategoricalDtype):  # once per category, no object per row
        cats = s.cat.categories
        lut_codes = np.array([_status_code(u, settings) for u in cats] + [""], dtype=object)
        codes = s.cat.codes.to_numpy()
        return lut_codes[np.where(codes < 0, len(cats), codes)]
    s = s.astype(object)
    s = s.where(s.notna(), "")
    lut = {u: _status_code(u, settings) for u in pd.unique(s)}
    return s.map(lut).to_numpy(dtype=object)


def stage_index(settings: Settings, stage: str) -> int:
    """Position of a stage (key or alias) in ``settings.stages``; ConfigError if unknown."""
    key = settings.stage_key(stage) if stage not in settings.stages else stage
    if key not in settings.stages:
        raise ConfigError(f"unknown stage {stage!r}: use one of {list(settings.stages)}")
    return settings.stages.index(key)


# --------------------------------------------------------------------------- stage matrix


@dataclass(frozen=True)
class StageMatrix:
    """Per opportunity row (N) and stage (K): ``dates`` (int64 ns, :data:`NAT` if unknown),
    ``reached``, ``implied`` (reached without a recorded date) and ``passed`` (earliest date
    of any stage ≥ k); ``status`` holds the status codes of :func:`status_codes`."""

    stages: tuple[str, ...]
    dates: np.ndarray
    reached: np.ndarray
    implied: np.ndarray
    passed: np.ndarray
    status: np.ndarray


def stage_matrix(ds: Dataset) -> StageMatrix:
    """The stage matrix of the dataset's opportunities (computed once per dataset)."""
    return ds.derived("stage_matrix", _build_matrix)


def _build_matrix(ds: Dataset) -> StageMatrix:
    settings, opp = ds.settings, ds.opportunities
    stages = settings.stages
    n, k_count = len(opp), len(stages)
    known = np.full((n, k_count), BIG, dtype=np.int64)

    def put(col: int, ns: np.ndarray) -> None:
        ns = np.where(ns == NAT, BIG, ns)
        known[:, col] = np.minimum(known[:, col], ns)

    for k, st in enumerate(stages[:-1]):
        col = stage_date_column(st)
        if col in opp.columns:
            put(k, to_ns(opp[col]))
    status = status_codes(opp["status"], settings)
    won = status == "won"
    put(k_count - 1, np.where(won, to_ns(opp["close_date"]), NAT))

    hist = ds.stage_history
    if n and len(hist):
        ids = opp["opportunity_id"].astype(object)
        lookup = pd.Series(np.arange(n), index=ids.to_numpy())
        lookup = lookup[~lookup.index.duplicated()]
        rows = lookup.reindex(hist["opportunity_id"].astype(object).to_numpy()).to_numpy()
        st_map = {u: (stage_index(settings, u) if settings.stage_key(u) in stages else -1)
                  for u in pd.unique(hist["stage"].dropna())}
        ks = hist["stage"].map(st_map).fillna(-1).to_numpy(dtype=np.int64)
        hd = to_ns(hist["date"])
        ok = ~np.isnan(rows) & (ks >= 0) & (hd != NAT)
        if ok.any():
            flat_key = rows[ok].astype(np.int64) * k_count + ks[ok]
            best = pd.Series(hd[ok]).groupby(flat_key).min()
            flat = known.reshape(-1)
            idx = best.index.to_numpy()
            flat[idx] = np.minimum(flat[idx], best.to_numpy())

    has = known != BIG
    cur_map = {u: (settings.stages.index(settings.stage_key(u))
                   if settings.stage_key(u) in stages else -1)
               for u in pd.unique(opp["stage"].dropna())}
    cur = opp["stage"].map(cur_map).fillna(-1).to_numpy(dtype=np.int64)
    last_has = np.where(has.any(axis=1), k_count - 1 - np.argmax(has[:, ::-1], axis=1), -1)
    top = np.maximum.reduce([last_has, cur, np.where(won, k_count - 1, -1), np.zeros(n, int)])
    reached = np.arange(k_count)[None, :] <= top[:, None]

    # earliest known date of any *later* stage, for stages reached without a date
    later = np.full_like(known, BIG)
    later[:, :-1] = np.minimum.accumulate(known[:, ::-1], axis=1)[:, ::-1][:, 1:]
    fill = later.copy()
    created = to_ns(opp["created_date"])
    fill[:, 0] = np.where(created != NAT, created, later[:, 0])
    implied = reached & ~has
    dates = np.where(has, known, np.where(reached, fill, BIG))
    passed = np.minimum.accumulate(dates[:, ::-1], axis=1)[:, ::-1]
    dates = np.where(dates == BIG, NAT, dates)
    passed = np.where(passed == BIG, NAT, passed)
    return StageMatrix(stages, dates, reached, implied, passed, status)


def stage_events(ds: Dataset) -> pd.DataFrame:
    """One row per opportunity and stage reached: ``opportunity_id, stage, date, implied``.

    Sources, merged (the earliest date per opportunity and stage wins):

    - the wide ``<stage>_date`` columns of the opportunities table;
    - ``stage_history`` rows whose stage is a stage key (``'lost'`` rows are ignored; rows for
      unknown opportunities are ignored);
    - ``status == 'won'``: the last (won) stage, reached at ``close_date``;
    - the current ``stage`` column (a stage reached, date unknown).

    Monotone rule: an opportunity reaching stage *k* passed every earlier stage. Every
    opportunity reaches at least the first stage. A reached stage without a recorded date gets
    an implied date (``implied=True``): the first stage → ``created_date``; any other stage →
    the earliest recorded date of any later stage; NaT when no later stage has a date either
    (e.g. only the current-stage column says it was reached). Recorded dates are kept as given
    even when out of order. ``'lost'`` is an exit and never a row.

    Edge cases: empty opportunities → empty frame with the four columns; an open opportunity
    with no dates and no current stage → one row (first stage at ``created_date``).
    Rows are ordered by opportunity (input order), then stage order.
    """
    m = stage_matrix(ds)
    rows, ks = np.nonzero(m.reached)
    ids = ds.opportunities["opportunity_id"].to_numpy(dtype=object)
    return pd.DataFrame({
        "opportunity_id": pd.array(ids[rows], dtype="string"),
        "stage": np.asarray(m.stages, dtype=object)[ks],
        "date": to_dates(m.dates[rows, ks]),
        "implied": m.implied[rows, ks],
    })
