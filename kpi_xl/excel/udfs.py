"""Excel cell formulas (``=KPI_WIN_RATE(...)`` …): thin adapters over :mod:`kpi_xl.metrics`.

One module serves every runtime: ``from xlwings import func, arg, ret`` gives the classic UDF
decorators on Windows desktop (xlwings add-in), the custom-function decorators with
``XLWINGS_ON_SERVER=true`` (xlwings Lite / Server) and no-op decorators elsewhere (Linux), so
every formula is also a plain Python function (that is how the tests call them).

Each formula:

1. normalises what Excel passes: a scalar, a 1-D list (one-row/one-column range) or a 2-D list;
   blanks are ``None``; dates are ``datetime`` (classic) or serial numbers (xlwings Lite);
   numbers may be text (``'1,200'``, ``'¥1,200'``, ``'25%'``). Values are converted with
   :mod:`kpi_xl.parse` (vectorised; typed fast paths for homogeneous ranges);
2. calls the engine function named in its docstring (never a re-implemented formula);
3. returns a number, a 2-D list with a header row, or a short text:

   - ``"n/a: <reason>"`` when the result is undefined (the engine's NaN and its note, e.g.
     ``"n/a: target is zero"``);
   - ``"#KPI! <what is wrong>"`` for invalid input (unknown definition, unparseable date,
     ranges of different lengths …). A formula never raises.

Table results leave undefined numbers blank (``""``) and explain them in a ``note`` column.
Table results spill natively in Excel 365 / xlwings Lite. The classic ``@ret(expand="table")``
resize is for Excel versions without dynamic arrays only: it overwrites cells and cannot take
volatile arguments such as ``TODAY()``, so it is opt-in via the environment variable
``KPI_XL_LEGACY_SPILL=1`` (read at import).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from xlwings import arg, func, ret

from ..calendar import BusinessCalendar, Period, month_period, parse_period
from ..dataset import make_dataset
from ..errors import KpiXlError, ValidationError
from ..metric_registry import canonical_metric, metric_def
from ..metrics import (
    achievement,
    back_solve,
    baseline_window,
    conversion_from_stages,
    conversion_rate,
    cycle_days,
    funnel,
    logo_churn,
    pace,
    revenue_retention,
    scorecard,
    scorecard_from_actuals,
    velocity,
    win_rate,
)
from ..metrics.results import Ratio
from ..metrics.spells import churn_relevant
from ..parse import blank_mask, name_key, parse_dates, parse_numbers, parse_text
from ..schema import (
    STAGE_ALIASES,
    TABLES,
    normalize_header,
    option_key,
    stage_label,
    table_spec,
)
from ..settings import (
    CHURN_DEFINITIONS,
    CONVERSION_BASES,
    NRR_BASELINES,
    WIN_RATE_DEFINITIONS,
    Settings,
)
from ..validate import validate

__all__ = [
    "KPI_ACHIEVEMENT",
    "KPI_BUSINESS_DAYS",
    "KPI_CHURN_RATE",
    "KPI_CONVERSION",
    "KPI_CYCLE_DAYS",
    "KPI_FORECAST",
    "KPI_FUNNEL",
    "KPI_GRR",
    "KPI_NRR",
    "KPI_PACE",
    "KPI_REQUIRED",
    "KPI_SCORECARD",
    "KPI_VELOCITY",
    "KPI_WIN_RATE",
]

_SETTINGS = Settings()
_CATEGORY = "KPI"
_NA = "n/a: "
_ERR = "#KPI! "


def _no_spill(f: Callable) -> Callable:
    return f


# Excel without dynamic arrays only (see the module docstring)
_LEGACY_SPILL = os.environ.get("KPI_XL_LEGACY_SPILL", "").strip().lower() in ("1", "true", "yes")
_spill = ret(expand="table") if _LEGACY_SPILL else _no_spill


# --------------------------------------------------------------------------- errors, results


class _Bad(Exception):
    """Invalid input: becomes ``"#KPI! <message>"``."""


def _run(impl: Callable[..., Any], *args: Any) -> Any:
    """Call ``impl``; turn every exception into a readable ``#KPI!`` text (never raise)."""
    try:
        return impl(*args)
    except _Bad as exc:
        return _ERR + str(exc)
    except ValidationError as exc:
        first = exc.problems[0].format() if exc.problems else str(exc)
        more = len(exc.problems) - 1
        return _ERR + first + (f" (+{more} more problem{'s' if more != 1 else ''})"
                               if more > 0 else "")
    except KpiXlError as exc:
        return _ERR + str(exc).splitlines()[0]
    except Exception as exc:  # a cell formula must never raise
        return _ERR + f"unexpected error: {type(exc).__name__}: {exc}"[:250]


def _na(reason: str) -> str:
    return _NA + (reason or "undefined")


def _value(v: float, note: str) -> float | str:
    """A finite number as a plain float, else ``'n/a: <note>'``."""
    v = float(v)
    return v if math.isfinite(v) else _na(note)


def _ratio_out(r: Ratio) -> float | str:
    return _value(r.value, r.note)


def _cell(v: Any) -> Any:
    """A value for a result table: NaN/NaT/None → ``""``, numpy scalars → Python values."""
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return ""
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v


# --------------------------------------------------------------------------- input shapes


def _is_seq(x: Any) -> bool:
    return isinstance(x, list | tuple | np.ndarray)


def _flat(x: Any) -> list:
    """Every cell of a range, row by row: scalar → [x], 1-D → list, 2-D → flattened."""
    if not _is_seq(x):
        return [x]
    x = list(x)
    if x and _is_seq(x[0]):
        return list(itertools.chain.from_iterable(x))
    return x


def _rows(x: Any) -> list[list]:
    """A range as a list of rows: scalar → [[x]], 1-D → one row, 2-D as is."""
    if not _is_seq(x):
        return [[x]]
    x = list(x)
    if not x:
        return []
    if _is_seq(x[0]):
        return x  # rows are only indexed, never changed: no copy (100k-row ranges)
    return [x]


def _blank(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and not v.strip()


def _one(x: Any, name: str) -> Any:
    """The single value of a one-cell argument."""
    if not _is_seq(x):
        return x
    vals = _flat(x)
    if len(vals) == 1:
        return vals[0]
    if not vals:
        return None
    raise _Bad(f"{name} must be one cell, not a range of {len(vals)} cells")


def _num(x: Any, name: str, blank: float = math.nan) -> float:
    """One number: blanks → ``blank``; ``'n/a…'`` texts (from other formulas) → NaN;
    text numbers ('1,200', '¥1,200', '25%') parsed; anything else → #KPI!."""
    v = _one(x, name)
    if _blank(v):
        return blank
    if isinstance(v, bool):
        raise _Bad(f"{name} must be a number, not {v!r}")
    if isinstance(v, str):
        text = v.strip()
        if text.lower().startswith("n/a"):
            return math.nan
        if text.endswith(("%", "％")):
            return _num(text[:-1], name) / 100.0
    parsed, bad = parse_numbers(pd.Series([v], dtype=object))
    if bad.iloc[0]:
        raise _Bad(f"{name} {v!r} is not a number")
    return float(parsed.iloc[0])


def _date(x: Any, name: str, *, required: bool = True) -> dt.date | None:
    v = _one(x, name)
    if _blank(v):
        if required:
            raise _Bad(f"{name} is blank")
        return None
    if isinstance(v, dt.datetime | pd.Timestamp):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v.strip())  # fast path for 2026-04-01
        except ValueError:
            pass
    parsed, bad = parse_dates(pd.Series([v], dtype=object))
    if bad.iloc[0]:
        raise _Bad(f"{name} {v!r} is not a date")
    return parsed.iloc[0].date()


def _choice(value: Any, allowed: Sequence[str], what: str, default: str) -> str:
    v = _one(value, what)
    if _blank(v):
        return default
    key = option_key(v, tuple(allowed))  # the option's key, or a Japanese word (全件, 平均 …)
    if key is None:
        raise _Bad(f"unknown {what} {v!r} ({'|'.join(allowed)})")
    return key


_INT_TYPES = (int, float, np.integer, np.floating)


def _typed(values: list) -> pd.Series:
    """A Series with a real dtype when the cells are homogeneous (fast parsing paths)."""
    types = set(map(type, values))
    types.discard(type(None))
    if types and all(issubclass(t, _INT_TYPES) and not issubclass(t, bool | np.bool_)
                     for t in types):
        return pd.Series(values, dtype="float64")
    if types and all(issubclass(t, dt.datetime) for t in types):
        try:
            return pd.Series(pd.to_datetime(values))
        except (TypeError, ValueError):
            pass
    return pd.Series(values, dtype=object)


def _dates_col(values: list, name: str) -> pd.Series:
    parsed, bad = parse_dates(_typed(values))
    if bad.any():
        i = int(np.argmax(bad.to_numpy()))
        raise _Bad(f"{name}: {values[i]!r} is not a date (cell {i + 1})")
    return parsed


def _numbers_col(values: list, name: str) -> pd.Series:
    parsed, bad = parse_numbers(_typed(values))
    if bad.any():
        i = int(np.argmax(bad.to_numpy()))
        raise _Bad(f"{name}: {values[i]!r} is not a number (cell {i + 1})")
    return parsed


def _text_col(values: list) -> pd.Series:
    """Ids as text (kpi_xl.parse.parse_text on the distinct values only: fast)."""
    codes, uniq = pd.factorize(pd.Series(values, dtype=object))
    if not len(uniq):
        return pd.Series([None] * len(values), dtype=object)
    clean = parse_text(pd.Series(uniq, dtype=object)).to_numpy(dtype=object, na_value=None)
    return pd.Series(np.where(codes >= 0, clean[codes], None), dtype=object)


_HEADER_NAMES = frozenset(normalize_header(n) for t in TABLES.values() for c in t.columns
                          for n in c.all_names() if n)


def _columns(named: dict[str, Any], typed: Sequence[str]) -> dict[str, list]:
    """Flatten parallel ranges, check they have the same number of cells, and drop a header
    row (the first cell of a date/number range is a known column header such as 日付)."""
    cols = {k: _flat(v) for k, v in named.items()}
    sizes = {k: len(v) for k, v in cols.items()}
    if len(set(sizes.values())) > 1:
        names = list(sizes)
        raise _Bad(f"{' and '.join(names)} differ in length "
                   f"({' vs '.join(str(sizes[n]) for n in names)})")
    head = [cols[k][0] for k in typed if cols[k]]
    if any(isinstance(h, str) and normalize_header(h) in _HEADER_NAMES for h in head):
        cols = {k: v[1:] for k, v in cols.items()}
    return cols


def _holidays(x: Any) -> list[dt.date]:
    if x is None:
        return []
    vals = [v for v in _flat(x) if not _blank(v)]
    if not vals:
        return []
    return [d.date() for d in _dates_col(vals, "holidays")]


def _period(start: Any, end: Any, *, as_of: dt.date | None = None, open_ok: bool = False
            ) -> tuple[dt.date | None, dt.date | None]:
    """(start, end) from two dates, or from a period label (2026-04, FY2026Q1, 2026年度上期) in
    ``start``; both blank → the month of ``as_of`` (or unbounded when ``open_ok``)."""
    s_raw, e_raw = _one(start, "period_start"), _one(end, "period_end")
    if _blank(s_raw) and _blank(e_raw):
        if as_of is not None:
            p = month_period(as_of.year, as_of.month)
            return p.start, p.end
        if open_ok:
            return None, None
        raise _Bad("period_start is blank")
    if isinstance(s_raw, str) and _blank(e_raw):
        try:
            p = parse_period(s_raw, _SETTINGS.fiscal_year_start)
            return p.start, p.end
        except KpiXlError:
            _, bad = parse_dates(pd.Series([s_raw], dtype=object))
            if bad.iloc[0]:
                raise _Bad(f"period_start {s_raw!r} is not a date or a period label "
                           f"(2026-04, FY2026Q1, 2026年度上期)") from None
    s = _date(s_raw, "period_start", required=not open_ok)
    e = _date(e_raw, "period_end", required=not open_ok)
    if s is not None and e is not None and e < s:
        raise _Bad("period_end before period_start")
    return s, e


# --------------------------------------------------------------------------- achievement, pace


@func(category=_CATEGORY)
def KPI_ACHIEVEMENT(actual, target):
    """Achievement rate: actual ÷ target.

    Engine: kpi_xl.metrics.achievement.achievement. A blank actual counts as 0.
    Edge cases: target 0 → "n/a: target is zero"; blank target → "n/a: no target";
    text that is not a number → "#KPI! …".
    Example: =KPI_ACHIEVEMENT(C2, D2)
    """
    return _run(_achievement, actual, target)


def _achievement(actual: Any, target: Any) -> float | str:
    a = _num(actual, "actual", blank=0.0)
    t = _num(target, "target")
    return _ratio_out(achievement(a, None if math.isnan(t) else t))


def _pace_of(actual: Any, target: Any, as_of: Any, period_start: Any, period_end: Any,
             holidays: Any):
    a = _num(actual, "actual", blank=0.0)
    t = None if target is None else _num(target, "target")
    day = _date(as_of, "as_of")
    s, e = _period(period_start, period_end, as_of=day)
    cal = BusinessCalendar(_SETTINGS.holiday_calendar, _holidays(holidays))
    tgt = None if t is None or math.isnan(t) else t
    return pace(a, tgt, s, e, day, cal), tgt


@func(category=_CATEGORY)
def KPI_PACE(actual, target, as_of, period_start=None, period_end=None, holidays=None):
    """Pace: actual ÷ expected to date (business days).

    expected to date = target × business days elapsed ÷ business days in the period; 1.0 = on
    track. Business days: Mon–Fri minus Japanese public holidays minus the holidays range.
    The period defaults to the month of as_of; period_start may also be a label (2026-04,
    FY2026Q1). Engine: kpi_xl.metrics.achievement.pace.
    Edge cases: as_of before the period → "n/a: not started"; target 0 →
    "n/a: target is zero"; blank target → "n/a: no target".
    Example: =KPI_PACE(C2, D2, TODAY())
    """
    return _run(_pace, actual, target, as_of, period_start, period_end, holidays)


def _pace(*args: Any) -> float | str:
    p, tgt = _pace_of(*args)
    note = p.note or ("target is zero" if tgt == 0 else "expected to date is zero")
    return _value(p.pace, note)


@func(category=_CATEGORY)
def KPI_FORECAST(actual, as_of, period_start=None, period_end=None, holidays=None):
    """Landing forecast: actual ÷ business days elapsed × business days in the period.

    Straight-line run rate per business day (JP holidays + the holidays range). The period
    defaults to the month of as_of; period_start may be a label (2026-04, FY2026Q1).
    Engine: kpi_xl.metrics.achievement.pace (forecast).
    Edge cases: no business day elapsed yet → "n/a: no business day elapsed yet"; a period
    without business days → "n/a: no business days in the period".
    Example: =KPI_FORECAST(C2, TODAY())
    """
    return _run(_forecast, actual, as_of, period_start, period_end, holidays)


def _forecast(actual: Any, as_of: Any, period_start: Any, period_end: Any,
              holidays: Any) -> float | str:
    p, _ = _pace_of(actual, None, as_of, period_start, period_end, holidays)
    note = ("no business days in the period" if p.business_days_total == 0
            else "no business day elapsed yet")
    return _value(p.forecast, note)


@func(category=_CATEGORY)
@arg("holidays", ndim=2, doc="extra non-working days (a range of dates), optional")
def KPI_BUSINESS_DAYS(start, end, holidays=None, calendar="JP"):
    """Business days from start to end, both included (like NETWORKDAYS).

    Weekdays minus the public holidays of `calendar` (country code, default JP; "none" for no
    public holidays) minus the dates in `holidays`.
    Engine: kpi_xl.calendar.BusinessCalendar.business_days.
    Edge cases: end before start → 0 (NETWORKDAYS would count negative).
    Example: =KPI_BUSINESS_DAYS(DATE(2026,5,1), DATE(2026,5,31), Holidays!A2:A10)
    """
    return _run(_business_days, start, end, holidays, calendar)


def _business_days(start: Any, end: Any, holidays: Any, calendar: Any) -> int:
    s, e = _date(start, "start"), _date(end, "end")
    cal = _one(calendar, "calendar")
    country = _SETTINGS.holiday_calendar if _blank(cal) else str(cal).strip()
    return BusinessCalendar(country, _holidays(holidays)).business_days(s, e)


# --------------------------------------------------------------------------- funnel


@func(category=_CATEGORY)
@arg("status_range", ndim=2, doc="statuses: won/lost/open or 受注/失注/進行中 (or stage names)")
def KPI_WIN_RATE(status_range, definition="closed"):
    """Win rate of a range of statuses.

    definition "closed" (default): won ÷ (won + lost), open deals left out;
    "all": won ÷ every non-blank status. Statuses in any case, English or Japanese (受注, 失注);
    a stage name other than won counts as open; blanks and unrecognised values are ignored.
    Engine: kpi_xl.metrics.funnel.win_rate.
    Edge cases: all lost → 0; no closed deal → "n/a: no closed deals".
    Example: =KPI_WIN_RATE(Opps[状態])
    """
    return _run(_win_rate, status_range, definition)


def _win_rate(status_range: Any, definition: Any) -> float | str:
    d = _choice(definition, list(WIN_RATE_DEFINITIONS), "definition", "closed")
    return _ratio_out(win_rate(_flat(status_range), d))


_STAGES = _SETTINGS.stages
_OPP_SPEC = table_spec("opportunities", _STAGES)


def _stage(value: Any, name: str) -> str:
    v = _one(value, name)
    key = None if _blank(v) else _SETTINGS.stage_key(v)
    if key not in _STAGES:
        raise _Bad(f"unknown stage {v!r} ({'|'.join(_STAGES)})")
    return key


def _stage_header_names(key: str) -> set[str]:
    if key == _SETTINGS.won_stage:
        names: tuple[str, ...] = (key, f"{key} date", stage_label(key, "en"),
                                  stage_label(key, "ja"), f"{stage_label(key, 'ja')}日",
                                  *STAGE_ALIASES.get("won", ()))
    else:
        names = _OPP_SPEC.column(f"{key}_date").all_names()
    return {normalize_header(n) for n in names}


def _find(header: list[str], names: set[str]) -> int | None:
    for i, h in enumerate(header):
        if normalize_header(h) in names:
            return i
    return None


def _names(table: str, column: str) -> set[str]:
    return {normalize_header(n) for n in table_spec(table, _STAGES).column(column).all_names()}


@func(category=_CATEGORY)
@arg("stage_dates_or_stages", ndim=2,
     doc="a table with a header row of stage names and date cells, or one column of stages")
def KPI_CONVERSION(stage_dates_or_stages, from_stage, to_stage, period_start=None,
                   period_end=None, basis="cohort"):
    """Conversion from one stage to a later one.

    Form 1 — a range with a header row naming stages (アプローチ, 情報収集日, proposal date …)
    and date cells, one row per opportunity (blank = stage not reached):
    basis "cohort" (default): of the rows whose from-stage date is in the period, the share
    with a to-stage date; "period": to-stage dates in the period ÷ from-stage dates in the
    period (may exceed 1). No period → all rows. Engine: kpi_xl.metrics.funnel.conversion_rate.
    For the won stage, a won/受注 column is used, else Close date where Status is won.
    Form 2 — one column of current-stage names: count at or beyond to_stage ÷ count at or
    beyond from_stage, in the default stage order approach → hearing → proposal → closing → won
    (settings). Lost/open/blank cells are ignored; no period or basis "period" in this form.
    Edge cases: nobody entered from_stage → "n/a: …"; unknown stage name → "#KPI! …".
    Example: =KPI_CONVERSION(Opps[[#All],[情報収集日]:[クロージング日]], "hearing", "closing")
    """
    return _run(_conversion, stage_dates_or_stages, from_stage, to_stage, period_start,
                period_end, basis)


def _conversion(data: Any, from_stage: Any, to_stage: Any, period_start: Any, period_end: Any,
                basis: Any) -> float | str:
    f, t = _stage(from_stage, "from_stage"), _stage(to_stage, "to_stage")
    if _STAGES.index(t) <= _STAGES.index(f):
        raise _Bad(f"to_stage '{t}' must come after from_stage '{f}'")
    b = _choice(basis, list(CONVERSION_BASES), "basis", "cohort")
    rows = _rows(data)
    two_d = _is_seq(data) and len(data) > 0 and _is_seq(data[0])  # 1-D: a row or column
    if two_d and len(rows[0]) > 1:
        return _conversion_table(rows, f, t, period_start, period_end, b)
    if not (_blank(_one(period_start, "period_start")) and _blank(_one(period_end,
                                                                       "period_end"))) \
            or b != "cohort":
        raise _Bad("period_start/period_end and basis 'period' need the date-table form "
                   "(a header row of stages and date cells)")
    return _conversion_stages(_flat(data), f, t)


def _conversion_table(rows: list[list], f: str, t: str, period_start: Any, period_end: Any,
                      basis: str) -> float | str:
    header = ["" if _blank(h) else str(h) for h in rows[0]]
    body = rows[1:]
    i = _find(header, _stage_header_names(f))
    if i is None:
        raise _Bad(f"no column for stage '{f}' in the header row ({', '.join(header)})")
    j = _find(header, _stage_header_names(t))
    from_dates = _dates_col([r[i] for r in body], header[i])
    if j is not None:
        to_dates = _dates_col([r[j] for r in body], header[j])
    else:
        c = _find(header, _names("opportunities", "close_date"))
        st = _find(header, _names("opportunities", "status"))
        if t != _SETTINGS.won_stage or c is None or st is None:
            raise _Bad(f"no column for stage '{t}' in the header row ({', '.join(header)})")
        close = _dates_col([r[c] for r in body], header[c])
        status = pd.Series([r[st] for r in body], dtype=object)
        lut = {u: _SETTINGS.stage_key(u) for u in status.dropna().unique()}
        won = status.map(lut).eq(_SETTINGS.won_stage).to_numpy(dtype=bool)
        to_dates = close.where(won)
    s, e = _period(period_start, period_end, open_ok=True)
    return _ratio_out(conversion_rate(from_dates, to_dates, start=s, end=e, basis=basis))


def _conversion_stages(values: list, f: str, t: str) -> float | str:
    return _ratio_out(conversion_from_stages(values, f, t, _SETTINGS))


@func(category=_CATEGORY)
@arg("created", ndim=2, doc="created dates")
@arg("closed", ndim=2, doc="close dates")
@arg("status", ndim=2, doc="statuses (optional): then won deals only")
def KPI_CYCLE_DAYS(created, closed, status=None, statistic="mean"):
    """Sales cycle in calendar days: close date − created date.

    statistic "mean" (default) | "median" | "count". With a status range only won deals count;
    without it every row with both dates. Rows missing a date or closing before creation are
    left out. Engine: kpi_xl.metrics.funnel.cycle_days.
    Edge cases: nothing left → "n/a: no deals with both dates" (count → 0).
    Example: =KPI_CYCLE_DAYS(Opps[作成日], Opps[完了日], Opps[状態], "median")
    """
    return _run(_cycle_days, created, closed, status, statistic)


def _cycle_days(created: Any, closed: Any, status: Any, statistic: Any) -> float | int | str:
    stat = _choice(statistic, ["mean", "median", "count"], "statistic", "mean")
    named = {"created": created, "closed": closed}
    if status is not None:
        named["status"] = status
    cols = _columns(named, ["created", "closed"])
    c = _dates_col(cols["created"], "created")
    z = _dates_col(cols["closed"], "closed")
    st = pd.Series(cols["status"], dtype=object) if "status" in cols else None
    res = cycle_days(c, z, st)
    if stat == "count":
        return int(res["count"])
    what = "won deals" if st is not None else "deals"
    return _value(res[stat], f"no {what} with both dates")


@func(category=_CATEGORY)
def KPI_VELOCITY(open_count, avg_deal, win_rate, cycle_days):
    """Pipeline velocity per day: open deals × average deal × win rate ÷ cycle days.

    Engine: kpi_xl.metrics.funnel.velocity. win_rate may be 0.25 or "25%".
    Edge cases: a blank or n/a factor → "n/a: <factor> missing"; cycle_days ≤ 0 →
    "n/a: cycle_days must be > 0"; open_count or win_rate 0 → 0.
    Example: =KPI_VELOCITY(B2, B3, KPI_WIN_RATE(Opps[状態]), B5)
    """
    return _run(_velocity, open_count, avg_deal, win_rate, cycle_days)


def _velocity(*args: Any) -> float | str:
    names = ("open_count", "avg_deal", "win_rate", "cycle_days")
    vals = [_num(a, n) for a, n in zip(args, names, strict=True)]
    missing = [n for n, v in zip(names, vals, strict=True) if math.isnan(v)]
    note = f"{', '.join(missing)} missing" if missing else "cycle_days must be > 0"
    return _value(velocity(*vals), note)


# --------------------------------------------------------------------------- churn, retention




def _orders(customer_ids: Any, order_dates: Any, amounts: Any = None) -> pd.DataFrame:
    named = {"customer_ids": customer_ids, "order_dates": order_dates}
    if amounts is not None:
        named["amounts"] = amounts
    cols = _columns(named, ["order_dates", "amounts"] if amounts is not None
                    else ["order_dates"])
    df = pd.DataFrame({"customer": _text_col(cols["customer_ids"]),
                       "date": _dates_col(cols["order_dates"], "order_dates")})
    if amounts is not None:
        df["amount"] = _numbers_col(cols["amounts"], "amounts").to_numpy()
    return df[df["customer"].notna() & df["date"].notna()]


def _whole_number(x: Any, name: str, minimum: int) -> int:
    v = _num(x, name)
    if math.isnan(v) or v != int(v) or v < minimum:
        raise _Bad(f"{name} must be a whole number ≥ {minimum}, not {_one(x, name)!r}")
    return int(v)


@func(category=_CATEGORY)
@arg("customer_ids", ndim=2, doc="customer of each order")
@arg("order_dates", ndim=2, doc="date of each order")
def KPI_CHURN_RATE(customer_ids, order_dates, period_start, period_end=None,
                   inactive_months=3, definition="active_at_start"):
    """Logo churn rate of order-based customers in the period.

    A customer is active for inactive_months (default 3) months after each order and churns
    on the first day after that. definition "active_at_start" (default): customers active on
    the day before period_start whose activity ended in the period ÷ customers active on that
    day; "inclusive": customers churned in the period ÷ (active at the start + started in the
    period). period_start may be a label (2026-04, FY2026Q1) with period_end blank.
    Engine: kpi_xl.metrics.churn.logo_churn.
    Edge cases: nobody active at the start → "n/a: no customers active at the start of the
    period"; rows with a blank customer or date are skipped.
    Example: =KPI_CHURN_RATE(Orders[顧客ID], Orders[日付], "2026-04", "")
    """
    return _run(_churn, customer_ids, order_dates, period_start, period_end, inactive_months,
                definition)


def _churn(customer_ids: Any, order_dates: Any, period_start: Any, period_end: Any,
           inactive_months: Any, definition: Any) -> float | str:
    d = _choice(definition, list(CHURN_DEFINITIONS), "definition", "active_at_start")
    n = (_SETTINGS.churn_inactive_months if _blank(_one(inactive_months, "inactive_months"))
         else _whole_number(inactive_months, "inactive_months", 1))
    s, e = _period(period_start, period_end)
    o = _orders(customer_ids, order_dates)
    o = churn_relevant(o, pd.Timestamp(s), pd.Timestamp(e), n)
    ds = make_dataset(orders=o)
    return _ratio_out(logo_churn(ds, s, e, definition=d, inactive_months=n))


def _retention(customer_ids: Any, order_dates: Any, amounts: Any, period_start: Any,
               period_end: Any, baseline: Any) -> dict:
    b = _choice(baseline, list(NRR_BASELINES), "baseline", "year_over_year")
    s, e = _period(period_start, period_end)
    o = _orders(customer_ids, order_dates, amounts)
    bs, _ = baseline_window(s, e, b)
    o = o[(o["date"] >= bs) & (o["date"] <= pd.Timestamp(e))]  # the only windows it reads
    return revenue_retention(make_dataset(orders=o), s, e, baseline=b)


@func(category=_CATEGORY)
@arg("customer_ids", ndim=2, doc="customer of each order")
@arg("order_dates", ndim=2, doc="date of each order")
@arg("amounts", ndim=2, doc="amount of each order")
def KPI_NRR(customer_ids, order_dates, amounts, period_start, period_end=None,
            baseline="year_over_year"):
    """Net revenue retention: revenue now from base customers ÷ their base revenue.

    Base customers: revenue > 0 in the baseline window — baseline "year_over_year" (default:
    the same dates a year earlier) or "previous_period" (the window of equal length just
    before). New and reactivated customers are left out; each customer's current revenue is
    clipped at 0. Engine: kpi_xl.metrics.churn.revenue_retention (nrr).
    Edge cases: no base revenue → "n/a: no revenue from any customer in the base window".
    Example: =KPI_NRR(Orders[顧客ID], Orders[日付], Orders[金額], "FY2026Q1", "")
    """
    return _run(_retention_value, "nrr", customer_ids, order_dates, amounts, period_start,
                period_end, baseline)


def _retention_value(key: str, *args: Any) -> float | str:
    r = _retention(*args)
    return _value(r[key], r["note"])


@func(category=_CATEGORY)
@arg("customer_ids", ndim=2, doc="customer of each order")
@arg("order_dates", ndim=2, doc="date of each order")
@arg("amounts", ndim=2, doc="amount of each order")
def KPI_GRR(customer_ids, order_dates, amounts, period_start, period_end=None,
            baseline="year_over_year"):
    """Gross revenue retention: Σ min(current, base) ÷ base revenue of base customers (0…1).

    Base customers and baseline as in KPI_NRR ("year_over_year" default | "previous_period");
    expansion is not counted. Engine: kpi_xl.metrics.churn.revenue_retention (grr).
    Edge cases: no base revenue → "n/a: no revenue from any customer in the base window".
    Example: =KPI_GRR(Orders[顧客ID], Orders[日付], Orders[金額], "2026-04", "",
    "previous_period")
    """
    return _run(_retention_value, "grr", customer_ids, order_dates, amounts, period_start,
                period_end, baseline)


# --------------------------------------------------------------------------- KPI tree


@func(category=_CATEGORY)
@_spill
def KPI_REQUIRED(target, actual, avg_deal_size, win_rate, conversion=None,
                 business_days_left=None):
    """What must still happen to reach the target (KPI-tree back-solve), as a table.

    won deals = max(target − actual, 0) ÷ avg_deal_size; opportunities = won ÷ win_rate;
    leads = opportunities ÷ conversion (row only when conversion is given); per business day
    = needed ÷ business_days_left (blank column when not given).
    Returns rows quantity | needed | per business day | note (header first).
    Engine: kpi_xl.metrics.tree.back_solve.
    Edge cases: target met → 0; a blank driver → blank cells with "needs …" in the note;
    0 business days left → "no business days left".
    Example: =KPI_REQUIRED(D2, C2, B10, B11, B12, KPI_BUSINESS_DAYS(TODAY()+1, EOMONTH(TODAY(),0)))
    """
    return _run(_required, target, actual, avg_deal_size, win_rate, conversion,
                business_days_left)


def _required(target: Any, actual: Any, avg_deal_size: Any, win_rate_: Any, conversion: Any,
              business_days_left: Any) -> list[list]:
    t = _num(target, "target")
    a = _num(actual, "actual", blank=0.0)
    conv_given = not _blank(_one(conversion, "conversion"))
    drivers = {"avg_deal_size": _num(avg_deal_size, "avg_deal_size"),
               "win_rate": _num(win_rate_, "win_rate"),
               "conversion": _num(conversion, "conversion") if conv_given else math.nan}
    days_given = not _blank(_one(business_days_left, "business_days_left"))
    days = _whole_number(business_days_left, "business_days_left", 0) if days_given else 1
    plan = back_solve(t, a, drivers, days, ())
    if not conv_given:
        plan = plan[plan["quantity"] != "leads"]
    out: list[list] = [["quantity", "needed", "per business day", "note"]]
    for q, needed, per_day, note in plan[["quantity", "needed", "per_business_day",
                                          "note"]].itertuples(index=False):
        if math.isnan(t):
            note = "no target"
        out.append([q, _cell(needed), _cell(per_day) if days_given else "", note])
    return out


# --------------------------------------------------------------------------- tables


def _frame(table: Any, name: str) -> pd.DataFrame:
    """A range with a header row → DataFrame of the cells as given (blank headers named)."""
    rows = _rows(table)
    if not rows or all(_blank(h) for h in rows[0]):
        raise _Bad(f"{name} is empty: select the table with its header row")
    header = [f"column{i + 1}" if _blank(h) else str(h).strip() for i, h in enumerate(rows[0])]
    width = len(header)
    body = [list(r) + [None] * (width - len(r)) for r in rows[1:]]
    return pd.DataFrame(body, columns=header, dtype=object) if body else pd.DataFrame(
        {h: pd.Series(dtype=object) for h in header})


def _locale(*frames: pd.DataFrame) -> str:
    text = "".join(str(c) for f in frames for c in f.columns)
    return "ja" if any(ord(ch) > 127 for ch in text) else "en"


_FUNNEL_HEADER = {
    "en": ["stage", "reached", "conversion from previous", "conversion from first"],
    "ja": ["ステージ", "到達数", "前段階からの転換率", "初段階からの転換率"],
}


@func(category=_CATEGORY)
@arg("opportunities_table", ndim=2, doc="the opportunities table with its header row")
@_spill
def KPI_FUNNEL(opportunities_table, basis="cohort", period_start=None, period_end=None):
    """The stage funnel of an opportunities table (header row: 商談ID/担当者/作成日/状態 …).

    Returns stage | reached | conversion from previous | conversion from first (header first;
    Japanese labels when the table's headers are Japanese). basis "cohort" (default): of the
    opportunities entering the first stage in the period, how many reached each stage;
    "period": entries into each stage dated in the period. No period → everything.
    Reaching a stage implies the earlier ones. Engine: kpi_xl.metrics.funnel.funnel; the
    table is checked by kpi_xl.validate (required: Opportunity ID, Rep, Created, Status).
    Edge cases: no data → reached 0 and blank conversions; bad cells → "#KPI! <table, row,
    column: problem>" (row 1 = the header row of the range).
    Example: =KPI_FUNNEL(Opps[#All], "cohort", "FY2026Q1")
    """
    return _run(_funnel, opportunities_table, basis, period_start, period_end)


def _funnel(table: Any, basis: Any, period_start: Any, period_end: Any) -> list[list]:
    b = _choice(basis, list(CONVERSION_BASES), "basis", "cohort")
    s, e = _period(period_start, period_end, open_ok=True)
    df = _frame(table, "opportunities_table")
    loc = _locale(df)
    ds = validate({"opportunities": df}, _SETTINGS)
    fn = funnel(ds, start=s, end=e, basis=b)
    out: list[list] = [list(_FUNNEL_HEADER[loc])]
    for stage, reached, prev, first in fn[["stage", "reached", "conversion_from_previous",
                                           "conversion_from_first"]].itertuples(index=False):
        out.append([stage_label(stage, loc), int(reached), _cell(prev), _cell(first)])
    return out


_SCORECARD_HEADER = {
    "en": ["rep", "metric", "target", "actual", "achievement", "pace", "forecast", "gap",
           "required per business day", "note"],
    "ja": ["担当者", "指標", "目標", "実績", "達成率", "ペース", "着地見込", "差異",
           "残り営業日あたり必要", "備考"],
}
_ACTUAL_NAMES = {normalize_header(n) for n in ("actual", "actuals", "実績", "実績値", "value",
                                                 "値")}


def _find_col(df: pd.DataFrame, names: set[str]) -> str | None:
    for c in df.columns:
        if normalize_header(c) in names:
            return c
    return None


def _scorecard_period(period: Any) -> Period:
    v = _one(period, "period")
    if _blank(v):
        raise _Bad("period is blank (use a label such as 2026-04 or FY2026Q1)")
    if isinstance(v, str):
        try:
            return parse_period(v, _SETTINGS.fiscal_year_start)
        except KpiXlError:
            pass
    day = _date(v, "period")
    return month_period(day.year, day.month)


@func(category=_CATEGORY)
@arg("targets_table", ndim=2, doc="the targets table with its header row (担当者/月/指標/目標)")
@arg("actuals_or_opportunities", ndim=2,
     doc="the opportunities table, or an actuals table (担当者/指標/実績[/月]), with header row")
@arg("reps_table", ndim=2, doc="the reps table with its header row (担当者/チーム), optional")
@_spill
def KPI_SCORECARD(targets_table, actuals_or_opportunities, period, as_of=None,
                  reps_table=None):
    """Scorecard per rep and metric: target, actual, achievement, pace, forecast, gap.

    targets_table: header row Rep/Month/Metric/Target (担当者/月/指標/目標), per-rep rows.
    Second table, either the opportunities table (actuals computed by the engine: revenue, won
    deals, leads, opportunities …) or an actuals table Rep/Metric/Actual (担当者/指標/実績) with
    an optional Month column (rows outside the period are left out). period: a label (2026-04,
    FY2026Q1) or a date (its month). as_of: the pacing date (blank: the data's last date, or the
    period end for an actuals table).
    Returns rep | metric | target | actual | achievement | pace | forecast | gap | required per
    business day | note. achievement = actual ÷ target; pace = actual ÷ (target × elapsed ÷
    total business days); forecast = actual ÷ elapsed × total; gap = forecast − target.
    Multi-month periods sum their monthly targets and phase the pace month by month; months
    without a target are named in the note. reps_table (optional, Rep/Team): team target rows
    (Team filled, Rep blank) are scored after the reps, with the team's reps' actuals; without
    it each team target row is listed with the note "team target: give the reps table …".
    Engine: kpi_xl.metrics.achievement (scorecard, or scorecard_from_actuals).
    Edge cases: no target → blank achievement/pace with "no target"; bad cells →
    "#KPI! <table, row, column: problem>".
    Example: =KPI_SCORECARD(Targets[#All], Opps[#All], "2026-04", TODAY(), Reps[#All])
    """
    return _run(_scorecard, targets_table, actuals_or_opportunities, period, as_of, reps_table)


def _reps_frame(*frames: tuple[pd.DataFrame, str]) -> pd.DataFrame:
    """One row per rep named in the tables; spellings of one name (山田 太郎 / 山田　太郎)
    are one rep (kpi_xl.parse.name_key), shown as first written."""
    names: dict[str, str] = {}
    for df, table in frames:
        col = _find_col(df, _names(table, "rep"))
        if col is not None:
            for v in parse_text(df[col]).dropna():
                names.setdefault(name_key(v), v)
    return pd.DataFrame({"rep": sorted(names.values())}, dtype=object)


_TEAM_NOTE = "team target: give the reps table (5th argument) to score teams"


def _team_rows(tg: pd.DataFrame, settings: Settings) -> list[tuple[str, str]]:
    """(team, metric) of the team-only target rows (Team filled, Rep blank)."""
    rep_col = _find_col(tg, _names("targets", "rep"))
    team_col = _find_col(tg, _names("targets", "team"))
    met_col = _find_col(tg, _names("targets", "metric"))
    if team_col is None or met_col is None:
        return []
    only = ~blank_mask(tg[team_col]) & (blank_mask(tg[rep_col]) if rep_col is not None
                                        else True)
    teams = parse_text(tg.loc[only, team_col])
    metrics = parse_text(tg.loc[only, met_col]).map(
        lambda v: canonical_metric(v, settings) if pd.notna(v) else None)
    return list(dict.fromkeys((t, m) for t, m in zip(teams, metrics, strict=True)
                              if pd.notna(t) and m))


def _scorecard(targets_table: Any, other: Any, period: Any, as_of: Any,
               reps_table: Any = None) -> list[list]:
    p = _scorecard_period(period)
    day = _date(as_of, "as_of", required=False)
    tg = _frame(targets_table, "targets_table")
    ot = _frame(other, "actuals_or_opportunities")
    loc = _locale(tg, ot)
    reps = _frame(reps_table, "reps_table") if _is_seq(reps_table) else None
    unscored: list[tuple[str, str]] = []
    rep_col = _find_col(tg, _names("targets", "rep"))
    if reps is None and rep_col is not None:  # team rows need the reps' teams
        unscored = _team_rows(tg, _SETTINGS)
        tg = tg[~blank_mask(tg[rep_col])].reset_index(drop=True)
    is_opps = (_find_col(ot, _names("opportunities", "status")) is not None
               and _find_col(ot, _names("opportunities", "created_date")) is not None)
    if is_opps:
        ds = validate({"targets": tg, "opportunities": ot,
                       "reps": reps if reps is not None else
                       _reps_frame((tg, "targets"), (ot, "opportunities"))}, _SETTINGS)
        sc = scorecard(ds, p, by="rep", as_of=day)
        if reps is not None:
            teams = scorecard(ds, p, by="team", as_of=day)
            sc = pd.concat([sc, teams[teams["target"].notna()]], ignore_index=True)
    else:
        act_col = _find_col(ot, _ACTUAL_NAMES)
        if act_col is None:
            raise _Bad("the second table must be the opportunities table (商談ID, 担当者, 作成日, "
                       "状態 …) or an actuals table (担当者, 指標, 実績)")
        ds = validate({"targets": tg, "reps": reps if reps is not None else
                       _reps_frame((tg, "targets"), (ot, "targets"))}, _SETTINGS)
        sc = _scorecard_from_actuals(ds, ot, act_col, p, day or p.end, reps is not None)
    out: list[list] = [list(_SCORECARD_HEADER[loc])]
    for r in sc.itertuples(index=False):
        missing = f"no target for {r.months_without_target}" if (
            r.months_without_target and not math.isnan(r.target)) else ""
        note = "; ".join(x for x in dict.fromkeys((r.achievement_note, r.note, missing)) if x)
        out.append([r.group, metric_def(r.metric, ds.settings).label(loc), _cell(r.target),
                    _cell(r.actual), _cell(r.achievement), _cell(r.pace), _cell(r.forecast),
                    _cell(r.gap), _cell(r.required_per_day), note])
    for team, metric in unscored:
        out.append([team, metric_def(metric, ds.settings).label(loc), "", "", "", "", "", "",
                    "", _TEAM_NOTE])
    return out


def _scorecard_from_actuals(ds: Any, ot: pd.DataFrame, act_col: str, p: Period,
                            as_of: dt.date, teams: bool = False) -> pd.DataFrame:
    """Parse the actuals table (cells as typed) and score it with the engine."""
    rep_col = _find_col(ot, _names("targets", "rep"))
    met_col = _find_col(ot, _names("targets", "metric"))
    if rep_col is None or met_col is None:
        raise _Bad("the actuals table needs Rep (担当者), Metric (指標) and Actual (実績) columns")
    ot = ot[~pd.concat([blank_mask(ot[c]) for c in ot.columns], axis=1).all(axis=1)]
    spelled = {name_key(r): r for r in ds.reps["rep"].dropna()}
    reps = parse_text(ot[rep_col]).map(lambda v: spelled.get(name_key(v), v)
                                       if pd.notna(v) else None)
    metrics = parse_text(ot[met_col]).map(lambda v: canonical_metric(v, ds.settings)
                                          if pd.notna(v) else None)
    unknown = ot[met_col][metrics.isna() & ~blank_mask(ot[met_col])]
    if len(unknown):
        raise _Bad(f"actuals table: unknown metric {unknown.iloc[0]!r}")
    values = _numbers_col(list(ot[act_col]), act_col)
    keep = reps.notna().to_numpy() & metrics.notna().to_numpy()
    mon_col = _find_col(ot, _names("targets", "period"))
    if mon_col is not None:
        months, bad = parse_dates(ot[mon_col], month=True)
        if bad.any():
            raise _Bad(f"actuals table: {ot[mon_col][bad].iloc[0]!r} is not a month")
        keep &= (months.isna() | p.mask(months)).to_numpy()
    act = pd.DataFrame({"rep": reps.to_numpy()[keep], "metric": metrics.to_numpy()[keep],
                        "actual": values.to_numpy()[keep]})
    card = scorecard_from_actuals(ds, act, p, as_of)
    if not teams:
        return card
    team = scorecard_from_actuals(ds, act, p, as_of, by="team")
    return pd.concat([card, team[team["target"].notna()]], ignore_index=True)
