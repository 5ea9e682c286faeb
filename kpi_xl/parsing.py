"""Turning cell values as users type them into dates, numbers and flags (vectorised).

Each parser returns ``(parsed, bad)``: the parsed Series and a boolean mask of the non-blank
values that could not be parsed (so validation can name their rows). Blank cells (None, NaN,
empty or white-space strings) are missing, not bad.

Dates: real dates/datetimes, Excel serial numbers (1900 date system, 1 … 2958465),
``2026-04-01``, ``2026/4/1``, ``2026.4.1``, ``2026年4月1日``, ``20260401``, ISO date-times;
full-width digits are folded first. Month values (for target periods) also accept ``2026-04``,
``2026/4``, ``2026年4月`` and are returned as the first day of the month.

Numbers: ints/floats, and text with ``¥ ￥ $ € 円`` signs, thousands separators, full-width
digits, spaces, and accounting negatives ``(1,000)`` or a leading ``▲``/``△`` (Japanese minus).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import numpy as np
import pandas as pd

__all__ = ["blank_mask", "parse_bool", "parse_dates", "parse_numbers", "parse_text"]

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_MAX_SERIAL = 2958465  # 9999-12-31


def _types(values: np.ndarray) -> np.ndarray:
    """The Python type of every element of an object array (an object array of types)."""
    return np.fromiter(map(type, values), dtype=object, count=len(values))


def _type_mask(types: np.ndarray, pred) -> np.ndarray:
    """Boolean mask of the elements whose type satisfies ``pred`` (evaluated once per type)."""
    mask = np.zeros(len(types), dtype=bool)
    for t in set(types):
        if pred(t):
            mask |= types == t
    return mask


def blank_mask(s: pd.Series) -> pd.Series:
    """True where a cell is empty: None, NaN/NaT, or a string of only white space."""
    isna = s.isna()
    if s.dtype == object:
        arr = s.to_numpy(dtype=object)
        types = _types(arr)
        is_str = _type_mask(types, lambda t: issubclass(t, str))
        if is_str.all() or not _type_mask(types, lambda t: not issubclass(
                t, (str, int, float, bool, dt.date, dt.time, type(None), np.number,
                    np.datetime64, np.bool_))).any():
            # only text can be blank here (str() of a number or date never is)
            out = isna.to_numpy(dtype=bool).copy()
            if is_str.any():
                strs = pd.Series(arr[is_str], dtype=object).str.strip()
                out[is_str] |= (strs == "").to_numpy(dtype=bool)
            return pd.Series(out, index=s.index, name=s.name)
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        as_str = s.astype("string")
        isna = isna | as_str.str.strip().eq("").fillna(True)
    return isna.astype(bool)


def _nfkc(s: pd.Series) -> pd.Series:
    """NFKC-fold only the values that contain non-ASCII characters (fast path for ASCII)."""
    s = s.astype("string").str.strip()
    nonascii = s.str.contains(r"[^\x00-\x7f]", regex=True, na=False)
    if nonascii.any():
        s = s.copy()
        s[nonascii] = s[nonascii].map(lambda v: unicodedata.normalize("NFKC", v))
    return s


def parse_text(s: pd.Series) -> pd.Series:
    """Strip text cells; numbers written by Excel as floats (``1001.0``) become ``'1001'``."""
    def conv(v: object) -> object:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return pd.NA
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, (dt.datetime, pd.Timestamp)):
            return pd.Timestamp(v).strftime("%Y-%m-%d")
        text = str(v).strip()
        return text if text else pd.NA

    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        out = s.str.strip()
        return out.mask(out.eq("")).astype("string")
    if s.dtype == object and len(s):
        arr = s.to_numpy(dtype=object)
        types = set(map(type, arr))
        if types <= {str, type(None)}:  # the usual case: text and empty cells
            out = pd.Series(arr, index=s.index, dtype="string", name=s.name).str.strip()
            return out.mask(out.eq("")).astype("string")
    return s.map(conv).astype("string")


def _serial_to_ts(values: pd.Series) -> pd.Series:
    ok = (values >= 1) & (values <= _MAX_SERIAL)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if ok.any():
        out[ok] = _EXCEL_EPOCH + pd.to_timedelta(np.floor(values[ok].astype(float)), unit="D")
    return out


_RE_JA = re.compile(r"^(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?")
_RE_SEP = re.compile(r"^(\d{4})[/.\-](\d{1,2})(?:[/.\-](\d{1,2}))?(?=$|[ T])")
_RE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def _parse_date_strings(s: pd.Series, month: bool) -> pd.Series:
    s = _nfkc(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    parts = None
    for rx in (_RE_SEP, _RE_JA, _RE_COMPACT):
        m = s.str.extract(rx)
        m.columns = ["y", "m", "d"]
        parts = m if parts is None else parts.fillna(m)
    assert parts is not None
    if not month:
        parts.loc[parts["d"].isna(), ["y", "m"]] = np.nan  # a day is required for dates
    else:
        parts["d"] = "1"
    got = parts["y"].notna()
    if got.any():
        p = parts[got].astype(float)
        out[got] = pd.to_datetime(
            pd.DataFrame({"year": p["y"], "month": p["m"], "day": p["d"]}), errors="coerce")
    rest = out.isna() & s.notna() & ~got
    if rest.any():  # ISO date-times and the like
        iso = pd.to_datetime(s[rest], errors="coerce", format="ISO8601")
        if getattr(iso.dt, "tz", None) is not None:
            iso = iso.dt.tz_localize(None)
        out[rest] = iso
    return out


def parse_dates(s: pd.Series, *, month: bool = False) -> tuple[pd.Series, pd.Series]:
    """Parse a column of dates (see the module docstring). With ``month=True`` the result is
    the first day of the month. Returns ``(datetime64[ns] Series, bad mask)``."""
    blank = blank_mask(s)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        out = pd.to_datetime(s)
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_localize(None)
        out = out.astype("datetime64[ns]")
    elif pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        out = _serial_to_ts(s.astype(float))
    else:
        out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
        vals = s[~blank]
        types = _types(vals.to_numpy(dtype=object))
        is_dt = pd.Series(_type_mask(types, lambda t: issubclass(
            t, (dt.date, pd.Timestamp, np.datetime64))), index=vals.index)
        if is_dt.any():
            sub = vals[is_dt]
            if set(types[is_dt.to_numpy()]) <= {dt.datetime, dt.date, pd.Timestamp} and not any(
                    getattr(v, "tzinfo", None) is not None for v in sub):
                conv_dt = pd.to_datetime(sub.to_numpy(dtype=object))
            else:
                conv_dt = pd.to_datetime(sub.map(
                    lambda v: pd.Timestamp(v).tz_localize(None) if getattr(v, "tzinfo", None)
                    else pd.Timestamp(v)))
            out[is_dt[is_dt].index] = conv_dt
        is_num = pd.Series(_type_mask(types, lambda t: issubclass(t, (int, float, np.number))
                                      and not issubclass(t, (bool, np.bool_))),
                           index=vals.index)
        if is_num.any():
            out[is_num[is_num].index] = _serial_to_ts(vals[is_num].astype(float))
        is_str = ~(is_dt | is_num)
        if is_str.any():
            strs = vals[is_str].astype("string")
            numeric = pd.to_numeric(strs, errors="coerce")
            serial_like = numeric.notna() & ~strs.str.fullmatch(r"\d{8}", na=False)
            if serial_like.any():
                out[serial_like[serial_like].index] = _serial_to_ts(numeric[serial_like])
            others = strs[~serial_like]
            if len(others):
                out[others.index] = _parse_date_strings(others, month)
    out = out.dt.normalize()
    if month:
        out = out.dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]")
    bad = out.isna() & ~blank
    return out.astype("datetime64[ns]"), bad


_CURRENCY = re.compile(r"[¥$€£円,\s]|JPY|USD|EUR", re.I)


def parse_numbers(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a column of amounts/counts (see the module docstring) → ``(float Series, bad)``."""
    blank = blank_mask(s)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        out = s.astype("float64")
        return out, out.isna() & ~blank
    num = pd.to_numeric(s.where(~blank), errors="coerce").astype("float64")
    todo = num.isna() & ~blank
    if todo.any():
        t = _nfkc(s[todo].astype("string"))
        neg = t.str.match(r"^\(.*\)$", na=False) | t.str.match(r"^[▲△]", na=False)
        t = t.str.replace(r"^[(▲△]|\)$", "", regex=True).str.replace(_CURRENCY, "", regex=True)
        t = t.str.replace("−", "-", regex=False)
        val = pd.to_numeric(t, errors="coerce").astype("Float64").to_numpy(
            dtype=float, na_value=np.nan)
        val[neg.fillna(False).to_numpy(dtype=bool)] *= -1
        num[todo] = val
    num = num.astype("float64")
    return num, num.isna() & ~blank


_TRUE = {"true", "yes", "y", "1", "1.0", "○", "◯", "有効", "在籍", "はい", "active", "t", "x", "✓"}
_FALSE = {"false", "no", "n", "0", "0.0", "×", "無効", "退職", "いいえ", "inactive", "f", "-",
          "休職"}


def parse_bool(s: pd.Series, default: bool = True) -> tuple[pd.Series, pd.Series]:
    """Parse flags (TRUE/FALSE, yes/no, 1/0, ○/×, 有効/無効, 在籍/退職); blank → ``default``."""
    blank = blank_mask(s)
    norm = _nfkc(s.astype("string")).str.lower()
    out = pd.Series(default, index=s.index, dtype=bool)
    is_true, is_false = norm.isin(_TRUE).fillna(False), norm.isin(_FALSE).fillna(False)
    out[is_true] = True
    out[is_false] = False
    if s.dtype == bool:
        return s.astype(bool), pd.Series(False, index=s.index)
    bad = ~blank & ~is_true.astype(bool) & ~is_false.astype(bool)
    return out, bad.astype(bool)
