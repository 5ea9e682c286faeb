"""Sales funnel metrics: stage events, funnel, conversion, win rate, deal size, sales cycle,
time in stage and pipeline velocity. Pure pandas/numpy, no I/O.

Stage model (see :func:`stage_events`): the stages of ``settings.stages`` are passed in order
(default approach → hearing → proposal → closing → won); ``'lost'`` is an exit, not a stage.
Reaching stage *k* means every earlier stage was passed (monotone rule). The won stage (the last
one) is reached at ``close_date`` when ``status == 'won'``.

Periods: ``start``/``end`` are inclusive dates (``datetime.date``, ``Timestamp`` or ISO string),
``None`` meaning unbounded; ``start`` may also be a :class:`kpi_xl.calendar.Period` (then ``end``
defaults to the period's end). A fully unbounded period (both ``None``) contains everything, even
entries whose date is unknown; a bounded one never contains an unknown (NaT) date.

Grouping: ``by`` is None | 'rep' | 'team' | 'segment' | 'product' | 'channel'; the group column
is named like the dimension (``'group'`` holding ``'(all)'`` when ``by`` is None). Missing group
values are labelled ``'(none)'`` (as in :mod:`.actuals`); teams come from ``ds.rep_team()``
(a rep missing from the reps table is its own team). Every group present in the opportunities
appears in grouped results, with zero counts and NaN rates (plus a note) when it has no data in
the period.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..calendar import Period
from ..dataset import Dataset
from ..errors import ConfigError
from ..schema import stage_date_column
from ..settings import CONVERSION_BASES, WIN_RATE_DEFINITIONS, Settings
from ._result import Ratio, ratio, ratios_frame

__all__ = [
    "ALL_GROUP",
    "BLANK_GROUP",
    "GROUP_DIMENSIONS",
    "average_deal_size",
    "conversion",
    "conversion_rate",
    "cycle_days",
    "funnel",
    "pipeline_velocity",
    "sales_cycle",
    "stage_events",
    "time_in_stage",
    "velocity",
    "win_rate",
    "win_rates",
]

ALL_GROUP = "(all)"
BLANK_GROUP = "(none)"
GROUP_DIMENSIONS: tuple[str | None, ...] = (None, "rep", "team", "segment", "product", "channel")

_NAT = np.iinfo(np.int64).min  # int64 view of NaT
_BIG = np.iinfo(np.int64).max  # "no date" while taking minima
_DAY = 86_400 * 10**9  # one day in ns

DateLike = dt.date | str | pd.Timestamp | Period | None


# --------------------------------------------------------------------------- helpers


def _ns(values: object) -> np.ndarray:
    """Dates as an int64 ns array normalised to midnight (NaT → ``_NAT``)."""
    s = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    if not pd.api.types.is_datetime64_dtype(s.dtype):
        s = pd.to_datetime(s, errors="coerce")
    s = s.dt.normalize().astype("datetime64[ns]")
    return s.to_numpy(dtype="datetime64[ns]").view("i8").copy()


def _to_dates(ns: np.ndarray) -> np.ndarray:
    return ns.astype("i8").view("datetime64[ns]")


def _bounds(start: DateLike, end: DateLike) -> tuple[int | None, int | None]:
    """Inclusive ``start``/``end`` → (lo, hi_exclusive) in ns, None when unbounded."""
    if isinstance(start, Period):
        end = start if end is None else end
        start = start.start
    if isinstance(end, Period):
        end = end.end
    try:
        lo = None if start is None else pd.Timestamp(start).normalize().value
        hi = (None if end is None
              else (pd.Timestamp(end).normalize() + pd.Timedelta(days=1)).value)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"start/end must be dates (or None), not {start!r}/{end!r}") from exc
    return lo, hi


def _in(ns: np.ndarray, present: np.ndarray, lo: int | None, hi: int | None) -> np.ndarray:
    """``present`` and the date in ``[lo, hi)``; an unbounded period keeps undated entries."""
    m = np.asarray(present, dtype=bool).copy()
    if lo is None and hi is None:
        return m
    m &= ns != _NAT
    if lo is not None:
        m &= ns >= lo
    if hi is not None:
        m &= ns < hi
    return m


def _groups(ds: Dataset, by: str | None) -> tuple[np.ndarray, str, list[str]]:
    """(label per opportunity row, group column name, sorted group labels)."""
    if by not in GROUP_DIMENSIONS:
        raise ConfigError(f"by must be one of {list(GROUP_DIMENSIONS)}, not {by!r}")
    opp = ds.opportunities
    if by is None:
        return np.full(len(opp), ALL_GROUP, dtype=object), "group", [ALL_GROUP]
    if by == "team":
        rt = ds.rep_team()
        rt = rt[~rt.index.duplicated()]
        lab = opp["rep"].astype(object).map(rt)
        lab = lab.where(lab.notna(), opp["rep"].astype(object))
    else:
        lab = opp[by].astype(object)
    lab = lab.where(lab.notna(), BLANK_GROUP).astype(str).str.strip()
    lab = lab.where(lab != "", BLANK_GROUP)
    labels = lab.to_numpy(dtype=object)
    return labels, by, sorted(pd.unique(labels).tolist())


def _sum_by(labels: np.ndarray, groups: list[str], values: np.ndarray) -> pd.DataFrame:
    """Column sums of a (N,) or (N, K) array per group, every group present (0 when none)."""
    arr = np.asarray(values)
    df = pd.DataFrame(arr[:, None] if arr.ndim == 1 else arr)
    return df.groupby(labels).sum().reindex(groups, fill_value=0)


_STATUS_SETTINGS = Settings()


def _status_code(value: object, settings: Settings) -> str:
    text = str(value).strip()
    if not text:
        return ""
    key = settings.stage_key(text)
    if key is None:
        key = _STATUS_SETTINGS.stage_key(text)
    if key is None:
        return "?"
    if key in ("lost", "open"):
        return key
    if key in (settings.won_stage, "won"):
        return "won"
    return "open"  # any other stage name: still in progress


def _status_codes(values: object, settings: Settings | None = None) -> np.ndarray:
    """Statuses → array of 'won' | 'lost' | 'open' | '' (blank) | '?' (not recognised).

    Accepts any case and the en/ja aliases (受注, 失注, closed won...); a stage name other than
    the won stage counts as open."""
    settings = settings or _STATUS_SETTINGS
    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    s = s.astype(object)
    s = s.where(s.notna(), "")
    lut = {u: _status_code(u, settings) for u in pd.unique(s)}
    return s.map(lut).to_numpy(dtype=object)


def _stage_index(settings: Settings, stage: str) -> int:
    key = settings.stage_key(stage) if stage not in settings.stages else stage
    if key not in settings.stages:
        raise ConfigError(f"unknown stage {stage!r}: use one of {list(settings.stages)}")
    return settings.stages.index(key)


def _basis(settings: Settings, basis: str | None) -> str:
    b = settings.conversion_basis if basis is None else basis
    if b not in CONVERSION_BASES:
        raise ConfigError(f"basis must be one of {sorted(CONVERSION_BASES)}, not {b!r}")
    return b


def _window(settings: Settings, window_days: int | None) -> int | None:
    w = settings.conversion_window_days if window_days is None else window_days
    if w is None:
        return None
    if isinstance(w, bool) or float(w) < 0 or float(w) != int(w):
        raise ConfigError(f"window_days must be a whole number of days ≥ 0, not {w!r}")
    return int(w)


def _conv_definition(basis: str, window: int | None) -> str:
    if basis == "cohort" and window is not None:
        return f"cohort, within {window} days"
    return basis


def _win_definition(definition: str | None, settings: Settings | None = None) -> str:
    d = (settings or _STATUS_SETTINGS).win_rate_definition if definition is None else definition
    if d not in WIN_RATE_DEFINITIONS:
        raise ConfigError(f"win rate definition must be one of {sorted(WIN_RATE_DEFINITIONS)}, "
                          f"not {d!r}")
    return d


# --------------------------------------------------------------------------- stage matrix


@dataclass(frozen=True)
class _Stages:
    stages: tuple[str, ...]
    dates: np.ndarray  # int64 ns (N, K): date each reached stage was entered, _NAT if unknown
    reached: np.ndarray  # bool (N, K)
    implied: np.ndarray  # bool (N, K): reached but no recorded date for that stage
    passed: np.ndarray  # int64 ns (N, K): earliest date of any stage ≥ k, _NAT if unknown


def _stage_matrix(ds: Dataset) -> _Stages:
    settings, opp = ds.settings, ds.opportunities
    stages = settings.stages
    n, k_count = len(opp), len(stages)
    known = np.full((n, k_count), _BIG, dtype=np.int64)

    def put(col: int, ns: np.ndarray) -> None:
        ns = np.where(ns == _NAT, _BIG, ns)
        known[:, col] = np.minimum(known[:, col], ns)

    for k, st in enumerate(stages[:-1]):
        col = stage_date_column(st)
        if col in opp.columns:
            put(k, _ns(opp[col]))
    status = _status_codes(opp["status"], settings)
    won = status == "won"
    close = _ns(opp["close_date"])
    put(k_count - 1, np.where(won, close, _NAT))

    hist = ds.stage_history
    if n and len(hist):
        ids = opp["opportunity_id"].astype(object)
        lookup = pd.Series(np.arange(n), index=ids.to_numpy())
        lookup = lookup[~lookup.index.duplicated()]
        rows = lookup.reindex(hist["opportunity_id"].astype(object).to_numpy()).to_numpy()
        st_map = {u: (_stage_index(settings, u) if settings.stage_key(u) in stages else -1)
                  for u in pd.unique(hist["stage"].dropna())}
        ks = hist["stage"].map(st_map).fillna(-1).to_numpy(dtype=np.int64)
        hd = _ns(hist["date"])
        ok = ~np.isnan(rows) & (ks >= 0) & (hd != _NAT)
        if ok.any():
            flat_key = rows[ok].astype(np.int64) * k_count + ks[ok]
            best = pd.Series(hd[ok]).groupby(flat_key).min()
            flat = known.reshape(-1)
            idx = best.index.to_numpy()
            flat[idx] = np.minimum(flat[idx], best.to_numpy())

    has = known != _BIG
    cur_map = {u: (settings.stages.index(settings.stage_key(u))
                   if settings.stage_key(u) in stages else -1)
               for u in pd.unique(opp["stage"].dropna())}
    cur = opp["stage"].map(cur_map).fillna(-1).to_numpy(dtype=np.int64)
    last_has = np.where(has.any(axis=1), k_count - 1 - np.argmax(has[:, ::-1], axis=1), -1)
    top = np.maximum.reduce([last_has, cur, np.where(won, k_count - 1, -1), np.zeros(n, int)])
    reached = np.arange(k_count)[None, :] <= top[:, None]

    # earliest known date of any *later* stage, for stages reached without a date
    later = np.full_like(known, _BIG)
    later[:, :-1] = np.minimum.accumulate(known[:, ::-1], axis=1)[:, ::-1][:, 1:]
    fill = later.copy()
    created = _ns(opp["created_date"])
    fill[:, 0] = np.where(created != _NAT, created, later[:, 0])
    implied = reached & ~has
    dates = np.where(has, known, np.where(reached, fill, _BIG))
    passed = np.minimum.accumulate(dates[:, ::-1], axis=1)[:, ::-1]
    dates = np.where(dates == _BIG, _NAT, dates)
    passed = np.where(passed == _BIG, _NAT, passed)
    return _Stages(stages, dates, reached, implied, passed)


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
    m = _stage_matrix(ds)
    rows, ks = np.nonzero(m.reached)
    ids = ds.opportunities["opportunity_id"].to_numpy(dtype=object)
    return pd.DataFrame({
        "opportunity_id": pd.array(ids[rows], dtype="string"),
        "stage": np.asarray(m.stages, dtype=object)[ks],
        "date": _to_dates(m.dates[rows, ks]),
        "implied": m.implied[rows, ks],
    })


# --------------------------------------------------------------------------- funnel


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def funnel(ds: Dataset, *, by: str | None = None, start: DateLike = None, end: DateLike = None,
           basis: str | None = None, window_days: int | None = None) -> pd.DataFrame:
    """The stage funnel: columns ``[<by or 'group'>, stage, reached, conversion_from_previous,
    conversion_from_first, definition]``, one row per group and stage, stages in settings order.

    Formulas (stage dates from :func:`stage_events`):

    - ``basis='cohort'`` (default ``settings.conversion_basis``): the cohort is the
      opportunities that entered the FIRST stage in ``[start, end]``;
      ``reached[k]`` = cohort members that ever reached stage k. With ``window_days``
      (default ``settings.conversion_window_days``) stage k counts only if it was passed within
      ``window_days`` of entering the first stage, where the passing date of stage k is the
      earliest date of any stage ≥ k (so a member with no known date for stage k or later does
      not count). Cohort counts never increase along the stages.
    - ``basis='period'``: ``reached[k]`` = entries into stage k dated in ``[start, end]``
      (implied dates included). ``window_days`` is ignored. Counts may increase along the
      stages, so conversions can exceed 1.
    - ``conversion_from_previous[k] = reached[k] / reached[k-1]`` (NaN for the first stage);
      ``conversion_from_first[k] = reached[k] / reached[0]``; NaN when the denominator is 0.

    Edge cases: empty dataset or empty period → every ``reached`` 0 and conversions NaN (with
    ``by=None`` the '(all)' group is still present); a single opportunity → 0/1 counts.
    """
    settings = ds.settings
    b = _basis(settings, basis)
    window = _window(settings, window_days) if b == "cohort" else None
    lo, hi = _bounds(start, end)
    labels, gname, groups = _groups(ds, by)
    m = _stage_matrix(ds)
    k_count = len(m.stages)
    n = len(labels)
    if b == "cohort":
        entry = m.dates[:, 0]
        cohort = _in(entry, np.ones(n, dtype=bool), lo, hi)
        hit = m.reached & cohort[:, None]
        if window is not None:
            known = (m.passed != _NAT) & (entry != _NAT)[:, None]
            diff = np.where(known, m.passed - np.where(entry == _NAT, 0, entry)[:, None], 0)
            ok = known & (diff <= window * _DAY)
            ok[:, 0] = True
            hit &= ok
    else:
        hit = np.column_stack([_in(m.dates[:, k], m.reached[:, k], lo, hi)
                               for k in range(k_count)]) if n else m.reached
    counts = _sum_by(labels, groups, hit).to_numpy(dtype=np.int64)
    prev = np.full(counts.shape, 0, dtype=np.int64)
    prev[:, 1:] = counts[:, :-1]
    from_prev = _safe_div(counts, prev)
    from_prev[:, 0] = np.nan
    from_first = _safe_div(counts, counts[:, [0]])
    g_count = len(groups)
    return pd.DataFrame({
        gname: np.repeat(np.asarray(groups, dtype=object), k_count),
        "stage": np.tile(np.asarray(m.stages, dtype=object), g_count),
        "reached": counts.reshape(-1),
        "conversion_from_previous": from_prev.reshape(-1),
        "conversion_from_first": from_first.reshape(-1),
        "definition": _conv_definition(b, window),
    })


# --------------------------------------------------------------------------- conversion


def _conv_flags(from_ns: np.ndarray, from_reached: np.ndarray, to_ns: np.ndarray,
                to_passed: np.ndarray, to_reached: np.ndarray, lo: int | None, hi: int | None,
                basis: str, window: int | None) -> tuple[np.ndarray, np.ndarray]:
    den = _in(from_ns, from_reached, lo, hi)
    if basis == "cohort":
        num = den & to_reached
        if window is not None:
            known = (to_passed != _NAT) & (from_ns != _NAT)
            diff = np.where(known, to_passed - np.where(from_ns == _NAT, 0, from_ns), 0)
            num &= known & (diff <= window * _DAY)
    else:
        num = _in(to_ns, to_reached, lo, hi)
    return num, den


def _conv_zero_note(basis: str, from_stage: str) -> str:
    if basis == "cohort":
        return f"no opportunities entered '{from_stage}' in the period"
    return f"no entries into '{from_stage}' in the period"


def conversion(ds: Dataset, from_stage: str, to_stage: str, *, start: DateLike = None,
               end: DateLike = None, basis: str | None = None, window_days: int | None = None,
               by: str | None = None) -> Ratio | pd.DataFrame:
    """Conversion from ``from_stage`` to a later ``to_stage``: a :class:`Ratio` when ``by`` is
    None, else a DataFrame ``[<by>, value, numerator, denominator, definition, note]``.

    Formulas (stage dates from :func:`stage_events`):

    - ``cohort``: denominator = opportunities that entered ``from_stage`` in ``[start, end]``;
      numerator = those of them that ever reached ``to_stage`` (with ``window_days``: passed
      ``to_stage`` — earliest date of any stage ≥ ``to_stage`` — within ``window_days`` of
      entering ``from_stage``; an unknown date does not count). Always within [0, 1].
    - ``period``: entries into ``to_stage`` dated in the period ÷ entries into ``from_stage``
      dated in the period (may exceed 1; ``window_days`` ignored).

    ``basis``/``window_days`` default to the settings. Stage names may be keys or aliases.
    Edge cases: no entries into ``from_stage`` (empty dataset, empty period) → NaN with a note;
    ``to_stage`` not after ``from_stage`` → ConfigError.
    """
    settings = ds.settings
    i, j = _stage_index(settings, from_stage), _stage_index(settings, to_stage)
    if j <= i:
        raise ConfigError(f"to_stage {to_stage!r} must come after from_stage {from_stage!r}")
    b = _basis(settings, basis)
    window = _window(settings, window_days) if b == "cohort" else None
    lo, hi = _bounds(start, end)
    m = _stage_matrix(ds)
    num, den = _conv_flags(m.dates[:, i], m.reached[:, i], m.dates[:, j], m.passed[:, j],
                           m.reached[:, j], lo, hi, b, window)
    definition = _conv_definition(b, window)
    note = _conv_zero_note(b, m.stages[i])
    if by is None:
        return ratio(int(num.sum()), int(den.sum()), definition, zero_note=note)
    labels, gname, groups = _groups(ds, by)
    sums = _sum_by(labels, groups, np.column_stack([num, den]))
    items = {g: ratio(int(a), int(d), definition, zero_note=note)
             for g, a, d in zip(groups, sums[0], sums[1], strict=True)}
    return ratios_frame(items, gname).reset_index()


def conversion_rate(from_dates: pd.Series, to_dates: pd.Series, *, start: DateLike = None,
                    end: DateLike = None, basis: str = "cohort",
                    window_days: int | None = None) -> Ratio:
    """Conversion between two stages from two aligned date Series (NaT/blank = not reached);
    backs an Excel formula.

    - ``cohort``: of the rows whose ``from_dates`` is in ``[start, end]``, the share with a
      ``to_dates`` value (with ``window_days``: ``to_dates − from_dates ≤ window_days``).
    - ``period``: rows with ``to_dates`` in the period ÷ rows with ``from_dates`` in the period.

    No stage implication here: a row reached ``from_stage`` only if its ``from_dates`` is set.
    Edge cases: empty Series or no from-dates in the period → NaN with a note; Series of
    different lengths → ConfigError.
    """
    b = _basis(_STATUS_SETTINGS, basis)
    window = _window(_STATUS_SETTINGS.with_overrides(conversion_window_days=None), window_days)
    f, t = _ns(from_dates), _ns(to_dates)
    if len(f) != len(t):
        raise ConfigError(f"from_dates and to_dates differ in length ({len(f)} vs {len(t)})")
    lo, hi = _bounds(start, end)
    num, den = _conv_flags(f, f != _NAT, t, t, t != _NAT, lo, hi, b,
                           window if b == "cohort" else None)
    definition = _conv_definition(b, window if b == "cohort" else None)
    return ratio(int(num.sum()), int(den.sum()), definition,
                 zero_note=_conv_zero_note(b, "from stage"))


# --------------------------------------------------------------------------- win rate


def win_rate(statuses: pd.Series | list, definition: str = "closed") -> Ratio:
    """Win rate of a list of statuses (``'won' | 'lost' | 'open'``, any case, en/ja aliases such
    as 受注/失注; a stage name other than won counts as open).

    - ``closed``: won ÷ (won + lost) — open deals are left out;
    - ``all``: won ÷ every non-blank status.

    Blanks (None, NaN, '') are ignored; unrecognised values are ignored and counted in the note.
    Edge cases: all lost → 0.0; no closed deals ('closed') or only blanks → NaN with a note.
    """
    d = _win_definition(definition)
    codes = _status_codes(statuses)
    won, lost = int((codes == "won").sum()), int((codes == "lost").sum())
    open_ = int((codes == "open").sum())
    unknown = int((codes == "?").sum())
    den = won + lost if d == "closed" else won + lost + open_
    r = ratio(won, den, d, zero_note="no closed deals" if d == "closed" else "no deals")
    if unknown:
        extra = f"{unknown} unrecognised status value{'s' if unknown != 1 else ''} ignored"
        r = Ratio(r.value, r.numerator, r.denominator, d, "; ".join(x for x in (r.note, extra)
                                                                      if x))
    return r


def win_rates(ds: Dataset, *, by: str | None = None, start: DateLike = None,
              end: DateLike = None, definition: str | None = None) -> pd.DataFrame:
    """Win rate per group: ``[<by or 'group'>, value, numerator, denominator, definition, note]``.

    - ``closed`` (default ``settings.win_rate_definition``): deals won or lost with
      ``close_date`` in ``[start, end]``; value = won ÷ (won + lost).
    - ``all``: deals with ``created_date`` in the period, status as of now (open included);
      value = won ÷ all of them.

    Edge cases: all lost → 0.0 (not NaN); no deals in the period / no closed deals → NaN with a
    note; empty dataset → the '(all)' group with NaN (or no rows when grouped).
    """
    settings = ds.settings
    d = _win_definition(definition, settings)
    lo, hi = _bounds(start, end)
    labels, gname, groups = _groups(ds, by)
    opp = ds.opportunities
    codes = _status_codes(opp["status"], settings)
    won = codes == "won"
    if d == "closed":
        den = _in(_ns(opp["close_date"]), won | (codes == "lost"), lo, hi)
        note = "no deals closed in the period"
    else:
        den = _in(_ns(opp["created_date"]), np.isin(codes, ["won", "lost", "open"]), lo, hi)
        note = "no deals created in the period"
    sums = _sum_by(labels, groups, np.column_stack([won & den, den]))
    items = {g: ratio(int(a), int(b), d, zero_note=note)
             for g, a, b in zip(groups, sums[0], sums[1], strict=True)}
    return ratios_frame(items, gname).reset_index()


# --------------------------------------------------------------------------- deal size, cycle


def average_deal_size(ds: Dataset, *, by: str | None = None, start: DateLike = None,
                      end: DateLike = None) -> pd.DataFrame:
    """Mean amount of won deals closed in ``[start, end]``:
    ``[<by or 'group'>, average_deal_size, count, total, definition, note]``.

    ``average_deal_size = total / count`` over won deals with ``close_date`` in the period and a
    known amount. Edge cases: no won deal in the period → NaN, count 0 and a note; won deals
    without amount are left out and counted in the note.
    """
    lo, hi = _bounds(start, end)
    labels, gname, groups = _groups(ds, by)
    opp = ds.opportunities
    won = _status_codes(opp["status"], ds.settings) == "won"
    sel = _in(_ns(opp["close_date"]), won, lo, hi)
    amount = opp["amount"].to_numpy(dtype=float)
    has_amt = sel & ~np.isnan(amount)
    sums = _sum_by(labels, groups, np.column_stack([has_amt, np.where(has_amt, amount, 0.0),
                                                    sel & ~has_amt]))
    count = sums[0].to_numpy(dtype=np.int64)
    total = sums[1].to_numpy(dtype=float)
    missing = sums[2].to_numpy(dtype=np.int64)
    notes = []
    for c, mi in zip(count, missing, strict=True):
        parts = [] if c else ["no won deals closed in the period"]
        if mi:
            parts.append(f"{mi} won deal{'s' if mi != 1 else ''} without amount left out")
        notes.append("; ".join(parts))
    return pd.DataFrame({
        gname: np.asarray(groups, dtype=object),
        "average_deal_size": _safe_div(total, count),
        "count": count,
        "total": total,
        "definition": "mean amount of won deals closed in the period",
        "note": notes,
    })


def _cycle_stats(days: np.ndarray, labels: np.ndarray, groups: list[str]) -> pd.DataFrame:
    s = pd.Series(days, dtype=float)
    keep = ~np.isnan(days)
    agg = s[keep].groupby(labels[keep]).agg(["mean", "median", "count"])
    agg = agg.reindex(groups)
    agg["count"] = agg["count"].fillna(0).astype(np.int64)
    return agg


def sales_cycle(ds: Dataset, *, by: str | None = None, start: DateLike = None,
                end: DateLike = None, include_lost: bool = False) -> pd.DataFrame:
    """Sales cycle in calendar days, ``close_date − created_date``, of deals closed in
    ``[start, end]``: ``[<by or 'group'>, mean_days, median_days, count, definition, note]``.

    Won deals only (default) or won and lost ones (``include_lost=True``). Deals missing either
    date, or closing before they were created, are left out. Edge cases: no closed deal in the
    period → NaN mean/median, count 0 and a note; a single deal → mean = median = its cycle.
    """
    lo, hi = _bounds(start, end)
    labels, gname, groups = _groups(ds, by)
    opp = ds.opportunities
    codes = _status_codes(opp["status"], ds.settings)
    closed = (codes == "won") | ((codes == "lost") if include_lost else False)
    close, created = _ns(opp["close_date"]), _ns(opp["created_date"])
    sel = _in(close, closed, lo, hi) & (close != _NAT) & (created != _NAT)
    days = np.where(sel, (close - np.where(created == _NAT, 0, created)) / _DAY, np.nan)
    days[days < 0] = np.nan
    agg = _cycle_stats(days, labels, groups)
    what = "won and lost deals" if include_lost else "won deals"
    return pd.DataFrame({
        gname: np.asarray(groups, dtype=object),
        "mean_days": agg["mean"].to_numpy(dtype=float),
        "median_days": agg["median"].to_numpy(dtype=float),
        "count": agg["count"].to_numpy(),
        "definition": f"calendar days created → close of {what} closed in the period",
        "note": np.where(agg["count"].to_numpy() == 0, f"no {what} closed in the period", ""),
    })


def cycle_days(created: pd.Series, closed: pd.Series, status: pd.Series | None = None,
               include_lost: bool = False) -> dict:
    """Sales cycle of aligned Series: ``{'mean', 'median', 'count'}`` of ``closed − created`` in
    calendar days.

    With ``status``, only won deals (and lost ones when ``include_lost``) count; without it, every
    row with both dates counts. Rows missing a date or closing before creation are left out.
    Edge cases: nothing left → mean and median NaN, count 0.
    """
    c, z = _ns(created), _ns(closed)
    if len(c) != len(z):
        raise ConfigError(f"created and closed differ in length ({len(c)} vs {len(z)})")
    keep = (c != _NAT) & (z != _NAT)
    if status is not None:
        codes = _status_codes(status)
        if len(codes) != len(c):
            raise ConfigError("status differs in length from the dates")
        keep &= (codes == "won") | ((codes == "lost") if include_lost else False)
    days = (z[keep] - c[keep]) / _DAY
    days = days[days >= 0]
    if not len(days):
        return {"mean": math.nan, "median": math.nan, "count": 0}
    return {"mean": float(days.mean()), "median": float(np.median(days)), "count": len(days)}


# --------------------------------------------------------------------------- time in stage


def time_in_stage(ds: Dataset, *, by: str | None = None) -> pd.DataFrame:
    """Days spent in each stage but the last: ``[<by or 'group'>, stage, mean_days,
    median_days, count, definition]``.

    For an opportunity in stage k: from entering k to entering the next stage (k+1, by the
    monotone rule) or, when k is the last stage it reached and the deal is lost, to
    ``close_date``. Only transitions whose two dates are both recorded (not implied, see
    :func:`stage_events`) count; open deals still in a stage (censored) and transitions with
    dates out of order (negative) are left out.
    Edge cases: no usable transition for a stage → NaN, count 0; empty dataset → NaN rows for
    the '(all)' group (no rows when grouped).
    """
    labels, gname, groups = _groups(ds, by)
    m = _stage_matrix(ds)
    opp = ds.opportunities
    k_count = len(m.stages)
    lost = _status_codes(opp["status"], ds.settings) == "lost"
    close = _ns(opp["close_date"])
    rec = m.reached & ~m.implied & (m.dates != _NAT)
    frames = []
    for k in range(k_count - 1):
        nxt = m.reached[:, k + 1]
        end_ns = np.where(nxt, m.dates[:, k + 1], np.where(lost, close, _NAT))
        end_ok = np.where(nxt, rec[:, k + 1], lost & (close != _NAT))
        ok = rec[:, k] & end_ok
        days = np.where(ok, (end_ns - np.where(ok, m.dates[:, k], 0)) / _DAY, np.nan)
        days[days < 0] = np.nan
        agg = _cycle_stats(days, labels, groups)
        frames.append(pd.DataFrame({
            gname: np.asarray(groups, dtype=object),
            "stage": m.stages[k],
            "mean_days": agg["mean"].to_numpy(dtype=float),
            "median_days": agg["median"].to_numpy(dtype=float),
            "count": agg["count"].to_numpy(),
        }))
    out = pd.concat(frames, ignore_index=True)
    order = {g: i for i, g in enumerate(groups)}
    out = out.sort_values(gname, key=lambda s: s.map(order), kind="stable", ignore_index=True)
    out["definition"] = ("calendar days from entering the stage to entering the next one (or to "
                         "close_date when lost); recorded dates only")
    return out


# --------------------------------------------------------------------------- velocity


def velocity(open_count: float, avg_deal: float, win_rate: float, cycle_days: float) -> float:
    """Pipeline velocity per day: ``open_count × avg_deal × win_rate ÷ cycle_days``.

    Edge cases: any factor missing (None/NaN) or ``cycle_days ≤ 0`` → NaN; ``open_count`` 0 or
    ``win_rate`` 0 → 0.0.
    """
    vals = [open_count, avg_deal, win_rate, cycle_days]
    try:
        vals = [math.nan if v is None else float(v) for v in vals]
    except (TypeError, ValueError):
        return math.nan
    if any(math.isnan(v) for v in vals) or vals[3] <= 0:
        return math.nan
    return vals[0] * vals[1] * vals[2] / vals[3]


def pipeline_velocity(ds: Dataset, *, by: str | None = None, as_of: DateLike = None,
                      lookback: int | None = None) -> pd.DataFrame:
    """Pipeline velocity (value per day) per group: ``[<by or 'group'>, open_opportunities,
    average_deal_size, win_rate, sales_cycle_days, velocity_per_day, as_of, definition, note]``.

    ``velocity = open_opportunities × average_deal_size × win_rate ÷ sales_cycle_days`` where

    - ``open_opportunities``: deals created on or before ``as_of`` and not closed by then
      (closed = ``close_date ≤ as_of``, or status won/lost with no close date). Every open lead
      counts, whatever its stage;
    - the three other factors use deals closed in the lookback window — the ``lookback`` days
      ending on ``as_of`` (``as_of − lookback + 1 … as_of``), or everything up to ``as_of`` when
      None: :func:`average_deal_size`, :func:`win_rates` with the 'closed' definition and the
      mean of :func:`sales_cycle` (won deals).

    ``as_of`` defaults to ``ds.data_end()`` (today for an empty dataset).
    Edge cases: a missing factor (no won deal, no closed deal) or a 0-day cycle → NaN velocity
    with a note naming it; no open deal → velocity 0.
    """
    if as_of is None:
        as_of = ds.data_end() or dt.date.today()
    as_of_ts = pd.Timestamp(as_of).normalize()
    hi = (as_of_ts + pd.Timedelta(days=1)).value
    if lookback is not None and (isinstance(lookback, bool) or int(lookback) < 1):
        raise ConfigError(f"lookback must be a number of days ≥ 1, not {lookback!r}")
    start = None if lookback is None else as_of_ts - pd.Timedelta(days=int(lookback) - 1)
    labels, gname, groups = _groups(ds, by)
    opp = ds.opportunities
    codes = _status_codes(opp["status"], ds.settings)
    created, close = _ns(opp["created_date"]), _ns(opp["close_date"])
    closed_by = ((close != _NAT) & (close < hi)) | (np.isin(codes, ["won", "lost"])
                                                     & (close == _NAT))
    is_open = (created != _NAT) & (created < hi) & ~closed_by
    open_n = _sum_by(labels, groups, is_open)[0].to_numpy(dtype=np.int64)
    size = average_deal_size(ds, by=by, start=start, end=as_of_ts)
    wr = win_rates(ds, by=by, start=start, end=as_of_ts, definition="closed")
    cyc = sales_cycle(ds, by=by, start=start, end=as_of_ts)
    avg = size["average_deal_size"].to_numpy(dtype=float)
    rate = wr["value"].to_numpy(dtype=float)
    days = cyc["mean_days"].to_numpy(dtype=float)
    vel, notes = [], []
    for o, a, r, c in zip(open_n, avg, rate, days, strict=True):
        v = velocity(o, a, r, c)
        missing = []
        if math.isnan(a):
            missing.append("no won deal with an amount (average deal size)")
        if math.isnan(r):
            missing.append("no closed deal (win rate)")
        if math.isnan(c):
            missing.append("no won deal with dates (sales cycle)")
        elif c <= 0:
            missing.append("sales cycle is 0 days")
        if missing and o == 0:
            v = 0.0  # nothing open: the velocity is 0 whatever the other factors
            missing = []
        vel.append(v)
        notes.append("; ".join(missing))
    window = ("all deals closed up to as_of" if lookback is None
              else f"deals closed in the {int(lookback)} days up to as_of")
    return pd.DataFrame({
        gname: np.asarray(groups, dtype=object),
        "open_opportunities": open_n,
        "average_deal_size": avg,
        "win_rate": rate,
        "sales_cycle_days": days,
        "velocity_per_day": np.asarray(vel, dtype=float),
        "as_of": as_of_ts,
        "definition": f"open × average won deal × win rate (closed) ÷ mean cycle days; {window}",
        "note": notes,
    })
