"""Sales funnel: stage counts and conversion between stages (stage model and periods in
:mod:`kpi_xl.metrics.stages`).

Grouping: ``by`` is None | 'rep' | 'team' | 'segment' | 'product' | 'channel' under the one
policy of :mod:`kpi_xl.metrics.common`; the group column is named like the dimension
(``'group'`` holding ``'(all)'`` when ``by`` is None). Every group present in the
opportunities appears in grouped results, with zero counts and NaN rates when it has no data
in the period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..errors import ConfigError
from ..schema import normalize_header, table_spec
from ..settings import Settings
from .common import check_dataset, definition
from .results import Ratio, ratio, ratios_frame
from .stages import (
    DAY_NS,
    NAT,
    DateLike,
    bounds,
    in_range,
    opportunity_groups,
    safe_div,
    stage_index,
    stage_matrix,
    sum_by,
    to_ns,
)

__all__ = ["conversion", "conversion_from_stages", "conversion_rate", "funnel"]

_DEFAULT = Settings()


def _window(settings: Settings, window_days: int | None) -> int | None:
    w = settings.conversion_window_days if window_days is None else window_days
    if w is None:
        return None
    if isinstance(w, bool) or not isinstance(w, int | float) or float(w) < 0 \
            or float(w) != int(w):
        raise ConfigError(f"window_days must be a whole number of days ≥ 0, not {w!r}")
    return int(w)


def _conv_definition(basis: str, window: int | None) -> str:
    if basis == "cohort" and window is not None:
        return f"cohort, within {window} days"
    return basis


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
    settings = check_dataset(ds).settings
    b = definition(settings, "conversion", basis)
    window = _window(settings, window_days) if b == "cohort" else None
    lo, hi = bounds(start, end)
    labels, gname, groups = opportunity_groups(ds, by)
    m = stage_matrix(ds)
    k_count = len(m.stages)
    n = len(labels)
    if b == "cohort":
        entry = m.dates[:, 0]
        cohort = in_range(entry, np.ones(n, dtype=bool), lo, hi)
        hit = m.reached & cohort[:, None]
        if window is not None:
            known = (m.passed != NAT) & (entry != NAT)[:, None]
            diff = np.where(known, m.passed - np.where(entry == NAT, 0, entry)[:, None], 0)
            ok = known & (diff <= window * DAY_NS)
            ok[:, 0] = True
            hit &= ok
    else:
        hit = np.column_stack([in_range(m.dates[:, k], m.reached[:, k], lo, hi)
                               for k in range(k_count)]) if n else m.reached
    counts = sum_by(labels, groups, hit).to_numpy(dtype=np.int64)
    prev = np.full(counts.shape, 0, dtype=np.int64)
    prev[:, 1:] = counts[:, :-1]
    from_prev = safe_div(counts, prev)
    from_prev[:, 0] = np.nan
    from_first = safe_div(counts, counts[:, [0]])
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
    den = in_range(from_ns, from_reached, lo, hi)
    if basis == "cohort":
        num = den & to_reached
        if window is not None:
            known = (to_passed != NAT) & (from_ns != NAT)
            diff = np.where(known, to_passed - np.where(from_ns == NAT, 0, from_ns), 0)
            num &= known & (diff <= window * DAY_NS)
    else:
        num = in_range(to_ns, to_reached, lo, hi)
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
    settings = check_dataset(ds).settings
    i, j = stage_index(settings, from_stage), stage_index(settings, to_stage)
    if j <= i:
        raise ConfigError(f"to_stage {to_stage!r} must come after from_stage {from_stage!r}")
    b = definition(settings, "conversion", basis)
    window = _window(settings, window_days) if b == "cohort" else None
    lo, hi = bounds(start, end)
    m = stage_matrix(ds)
    num, den = _conv_flags(m.dates[:, i], m.reached[:, i], m.dates[:, j], m.passed[:, j],
                           m.reached[:, j], lo, hi, b, window)
    used = _conv_definition(b, window)
    note = _conv_zero_note(b, m.stages[i])
    if by is None:
        return ratio(int(num.sum()), int(den.sum()), used, zero_note=note)
    labels, gname, groups = opportunity_groups(ds, by)
    sums = sum_by(labels, groups, np.column_stack([num, den]))
    items = {g: ratio(int(a), int(d), used, zero_note=note)
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
    b = definition(_DEFAULT, "conversion", basis)
    window = _window(_DEFAULT.with_overrides(conversion_window_days=None), window_days)
    f, t = to_ns(from_dates), to_ns(to_dates)
    if len(f) != len(t):
        raise ConfigError(f"from_dates and to_dates differ in length ({len(f)} vs {len(t)})")
    lo, hi = bounds(start, end)
    num, den = _conv_flags(f, f != NAT, t, t, t != NAT, lo, hi, b,
                           window if b == "cohort" else None)
    used = _conv_definition(b, window if b == "cohort" else None)
    return ratio(int(num.sum()), int(den.sum()), used,
                 zero_note=_conv_zero_note(b, "from stage"))


def conversion_from_stages(stages: list | pd.Series, from_stage: str, to_stage: str,
                           settings: Settings | None = None) -> Ratio:
    """Conversion from a column of current-stage names: opportunities at or beyond
    ``to_stage`` ÷ those at or beyond ``from_stage``, in the stage order of ``settings``.

    Blanks are ignored; lost/open carry no stage information and are ignored too; a first
    cell that is a column header (Stage, ステージ, Status …) is skipped. Unknown stage names →
    ConfigError naming the value. Edge case: nobody at or beyond ``from_stage`` → NaN with a
    note. Each distinct name is looked up once (a categorical Series keeps its own codes).
    """
    st = settings or _DEFAULT
    order = {k: n for n, k in enumerate(st.stages)}
    f, t = st.stages[stage_index(st, from_stage)], st.stages[stage_index(st, to_stage)]
    s = stages if isinstance(stages, pd.Series) else pd.Series(list(stages), dtype=object)
    codes, uniques = pd.factorize(s)
    filled_u = np.array([bool(str(u).strip()) for u in uniques] + [False], dtype=bool)
    filled = filled_u[np.where(codes < 0, len(uniques), codes)]
    rows = np.flatnonzero(filled)
    heads = {normalize_header(n) for c in ("stage", "status")
             for n in table_spec("opportunities", st.stages).column(c).all_names()}
    if len(rows):
        first = uniques[codes[rows[0]]]
        if isinstance(first, str) and st.stage_key(first) is None \
                and normalize_header(first) in heads:
            filled[rows[0]] = False
    lut = np.full(len(uniques), -1, dtype=np.int64)
    for c in np.unique(codes[filled]):
        key = st.stage_key(uniques[c])
        if key is None:
            raise ConfigError(f"unknown stage {uniques[c]!r} in the stage column "
                              f"({'|'.join(st.stages)}, lost, open)")
        lut[c] = order.get(key, -1)  # lost / open: no stage information
    idx = lut[codes[filled]]
    num, den = int((idx >= order[t]).sum()), int((idx >= order[f]).sum())
    return ratio(num, den, "current stage", zero_note=f"no opportunities at or beyond '{f}'")
